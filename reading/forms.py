"""Forms for reading: 批示, feedback, reminders and search; Chinese labels."""

from django import forms
from django.utils import timezone
from django_ckeditor_5.widgets import CKEditor5Widget

from briefing.forms.items import MultipleFileField
from briefing.models import Publication, Section
from briefing.sanitize import clean_html, html_to_text
from briefing.uploads import ATTACHMENT_TYPES, check_upload
from core.forms import ModelMultipleChoiceField
from departments.models import Department

from .services import INSTRUCTION_MAX_CHARS


class InstructionForm(forms.Form):
    text = forms.CharField(
        label="批示内容",
        max_length=INSTRUCTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "请填写批示内容。",
            "max_length": f"批示最多 {INSTRUCTION_MAX_CHARS} 个字。",
        },
    )
    deadline = forms.DateField(
        label="办理时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "办理时限请填写日期，如 2026-12-31。"},
    )
    transfer_to = ModelMultipleChoiceField(
        label="转办单位",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        error_messages={
            "invalid_choice": "所选的转办单位不存在。",
            "invalid_pk_value": "所选的转办单位不存在。",
        },
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError("办理时限不能早于今天。")
        return deadline


class FeedbackForm(forms.Form):
    # CKEditor hides the textarea, so the browser could not show its own
    # warning for ``required`` and the button seemed to do nothing: the server
    # says what is missing instead.
    use_required_attribute = False

    body = forms.CharField(
        label="落实情况",
        widget=CKEditor5Widget(config_name="default"),
        error_messages={"required": "请填写落实情况。"},
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选；支持 " + "、".join(ATTACHMENT_TYPES) + "。",
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        # An editor left with only spaces or empty paragraphs sends "<p>&nbsp;</p>".
        if not html_to_text(clean_html(body)).strip():
            raise forms.ValidationError("请填写落实情况。", code="required")
        return body

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        for uploaded in files:
            check_upload(uploaded)
        return files


class SearchForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        max_length=100,
        required=False,
        error_messages={"max_length": "关键词最多 100 个字。"},
    )
    unit = forms.ModelChoiceField(
        label="报送单位",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label="全部单位",
    )
    section = forms.ModelChoiceField(
        label="栏目",
        queryset=Section.objects.all(),
        required=False,
        empty_label="全部栏目",
    )
    publication = forms.ModelChoiceField(
        label="刊物",
        queryset=Publication.objects.all(),
        required=False,
        empty_label="全部刊物",
    )
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "年度请填写四位数字，如 2026。",
            "min_value": "年度应在 2000 至 2100 之间。",
            "max_value": "年度应在 2000 至 2100 之间。",
        },
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "department": data.get("unit"),
            "section": data.get("section"),
            "issue__publication": data.get("publication"),
            "issue__year": data.get("year"),
        }

    def has_filters(self) -> bool:
        return any(value for value in self.filters().values())
