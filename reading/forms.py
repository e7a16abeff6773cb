"""Forms for reading: 批示, feedback, reminders and search; Chinese labels."""

from django import forms
from django_ckeditor_5.widgets import CKEditor5Widget

from briefing.forms.items import MultipleFileField
from briefing.models import Publication, Section
from briefing.uploads import ATTACHMENT_TYPES, check_upload
from departments.models import Department

from .services import INSTRUCTION_MAX_CHARS


class InstructionForm(forms.Form):
    text = forms.CharField(
        label="批示内容",
        max_length=INSTRUCTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label="落实情况",
        widget=CKEditor5Widget(config_name="default"),
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选；支持 " + "、".join(ATTACHMENT_TYPES) + "。",
    )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        for uploaded in files:
            check_upload(uploaded)
        return files


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=100, required=False)
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
        label="年度", required=False, min_value=2000, max_value=2100
    )

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "department": data.get("unit"),
            "section": data.get("section"),
            "issue__publication": data.get("publication"),
            "issue__year": data.get("year"),
        }
