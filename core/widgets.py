"""Form widgets shared by the apps."""

from django import forms


class CountedTextInput(forms.TextInput):
    """A text input that shows how many characters are used of its max_length
    (static/core/counter.js): a browser cuts a longer paste without a word."""

    class Media:
        js = ["core/counter.js"]

    def __init__(self, attrs=None):
        super().__init__({"data-count": "", **(attrs or {})})


def limited_text_field(label, max_length, **kwargs):
    """A CharField with a counter and the limit said in words."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=CountedTextInput(),
        error_messages={
            "max_length": f"{label}不能超过 %(limit_value)d 字"
            "（现有 %(show_value)d 字）。"
        },
        **kwargs,
    )
