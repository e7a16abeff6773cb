"""Form widgets shared by the apps."""

import html

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


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


class ListSelect(forms.Select):
    """A <select> written out in Python, with the markup of ``forms.Select``.

    The inbox (briefing.filters) shows four on every page; Django's template per
    option cost more than the rest of the page's form put together.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups
        values = self.format_value(value)
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        options = [f'<select name="{escape(name)}"{attributes}>']
        has_selected = False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            # As forms.Select: only the first option with the value is selected.
            selected = not has_selected and option_value in values
            has_selected |= selected
            options.append(
                f'\n  <option value="{html.escape(option_value)}"'
                f"{' selected' * selected}>{_text(label)}</option>\n"
            )
        options.append("\n</select>")
        return mark_safe("".join(options))


class ListInputMixin:
    """An <input> written out in Python, with the markup of ``forms.Input``
    (the inbox's search and date fields: Django's template per widget cost
    as much as all the inbox's rows)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = f'<input type="{escape(widget["type"])}" name="{escape(name)}"'
        if widget["value"] is not None:
            html += f' value="{escape(widget["value"])}"'
        return mark_safe(f"{html}{_attributes(widget['attrs'])}>")


class ListTextInput(ListInputMixin, forms.TextInput):
    pass


class ListDateInput(ListInputMixin, forms.DateInput):
    pass


class ListTextarea(forms.Textarea):
    """A <textarea> written out in Python, with the markup of ``forms.Textarea``
    (the inbox's 批量处理 texts)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(widget["value"]) if widget["value"] else ""
        return mark_safe(
            f'<textarea name="{escape(name)}"{_attributes(widget["attrs"])}>\n'
            f"{text}</textarea>"
        )


def _text(value) -> str:
    """``value`` as ``conditional_escape`` writes it (safe text as it is, any
    other escaped by ``html.escape``, as Django's ``escape`` does), without
    its look for lazy text first: the inbox's selects write forty options."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
