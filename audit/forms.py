from django import forms
from django.core.exceptions import ValidationError

from . import labels, selectors


class DateField(forms.DateField):
    """A date field whose error repeats what was typed, in Chinese.

    A date input cannot show an invalid value (``?date_from=abc`` from a saved
    link appears blank), so the message has to say what was wrong.
    """

    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise ValidationError(
                "“%(value)s”不是有效的日期，请按“年-月-日”填写，例如 2025-01-31。",
                code="invalid",
                params={"value": str(value)[:40]},
            ) from exc


class EventFilterForm(forms.Form):
    date_from = DateField(label="起始日期", required=False)
    date_to = DateField(label="截止日期", required=False)
    username = forms.CharField(
        label="用户名",
        required=False,
        max_length=150,
        help_text="可只填一部分，不区分大小写。",
    )
    action = forms.ChoiceField(label="操作", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "全部")] + labels.action_choices(
            selectors.known_actions()
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_from", "起始日期不能晚于截止日期。")
        return cleaned
