"""Forms of the issue pages: they parse input, the services decide."""

from django import forms
from django.utils import timezone
from django_ckeditor_5.widgets import CKEditor5Widget

from briefing.models import (
    Classification,
    DistributionList,
    Publication,
    Section,
    classification_error,
)
from briefing.services.issues import DEFAULT_SIGN_OFF_OPINION
from core.forms import HiddenErrorsOnTop, VersionField
from core.widgets import limited_text_field

# 印数: a county briefing prints tens of copies; a typo of many digits is refused.
MAX_COPIES = 10_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IssueCreateForm(forms.Form):
    publication = forms.ModelChoiceField(
        label="刊物", queryset=Publication.objects.filter(is_active=True)
    )
    issue_date = forms.DateField(
        label="印发日期", widget=DateInput(), initial=timezone.localdate
    )
    distribution_list = forms.ModelChoiceField(
        label="分发范围",
        queryset=DistributionList.objects.filter(is_active=True),
        required=False,
        help_text="印在版记里的“本期发”或“报、送、发”各行；可稍后再选。",
    )
    copies = forms.IntegerField(
        label="印数（份）",
        min_value=1,
        max_value=MAX_COPIES,
        required=False,
        help_text="留空则用分发范围的默认印数。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        publications = self.fields["publication"].queryset
        if publications.count() == 1:
            self.fields["publication"].initial = publications.first()


class IssueSettingsForm(HiddenErrorsOnTop, forms.Form):
    issue_date = forms.DateField(label="印发日期", widget=DateInput())
    distribution_list = forms.ModelChoiceField(
        label="分发范围（本期发）",
        queryset=DistributionList.objects.filter(is_active=True),
        required=False,
    )
    copies = forms.IntegerField(
        label="印数（共印×份）", min_value=1, max_value=MAX_COPIES
    )
    classification = forms.ChoiceField(
        label="密级/标注",
        choices=Classification.choices,
        help_text="印在报头左上角，只印一种。秘密、机密的每份下载都编份号。",
    )
    secrecy_years = forms.IntegerField(
        label="保密期限（年）",
        required=False,
        min_value=1,
        help_text="秘密（1–10 年）、机密（1–20 年）必填，印作“秘密★1年”；其他留空。",
    )
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if "classification" in cleaned and "secrecy_years" in cleaned:
            error = classification_error(
                cleaned["classification"], cleaned["secrecy_years"]
            )
            if error:
                self.add_error("secrecy_years", error)
        return cleaned

    @classmethod
    def for_issue(cls, issue, data=None):
        return cls(
            data,
            initial={
                "issue_date": issue.issue_date,
                "distribution_list": issue.distribution_list_id,
                "copies": issue.copies,
                "classification": issue.classification,
                "secrecy_years": issue.secrecy_years,
                "version": issue.version,
            },
        )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "上移"), ("down", "下移")])


class ItemSectionForm(forms.Form):
    section = forms.ModelChoiceField(
        label="移到栏目", queryset=Section.objects.filter(is_active=True)
    )


class PoolPlaceForm(forms.Form):
    """编入本期 from the compose page: a pooled item into a section."""

    section = forms.ModelChoiceField(
        label="编入栏目", queryset=Section.objects.filter(is_active=True)
    )
    version = VersionField(required=False)


class SignOffForm(forms.Form):
    # Not required here: a blank opinion is refused by the service, after the
    # signer check (a non-signer's attempt is audited whatever it carries).
    opinion = forms.CharField(
        label="签发意见",
        max_length=200,
        required=False,
        initial=DEFAULT_SIGN_OFF_OPINION,
        help_text="记入本期记录。",
        error_messages={"max_length": "签发意见不能超过 %(limit_value)d 字。"},
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写退回意见，说明需要修改什么。"},
    )


class CorrectionForm(HiddenErrorsOnTop, forms.Form):
    """The reason of a 更正 and the issue version the page was loaded at."""

    reason = forms.CharField(
        label="更正原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写更正原因。"},
        help_text="印在记录中并通知读者，例如“第二条‘亿元’误作‘万元’”。",
    )
    version = VersionField()


class CorrectedItemForm(forms.Form):
    """One item's printed text on the correction page (prefix: item-<id>)."""

    title = limited_text_field("标题", 200)
    body = forms.CharField(
        label="正文", required=False, widget=CKEditor5Widget(config_name="item")
    )

    def clean_body(self):
        # Browsers send CRLF; the stored text has LF. Same text, no false change.
        return (self.cleaned_data.get("body") or "").replace("\r\n", "\n")

    @classmethod
    def for_item(cls, item, data=None):
        form = cls(
            data,
            prefix=f"item-{item.pk}",
            initial={"title": item.title, "body": item.body},
        )
        form.item = item
        return form
