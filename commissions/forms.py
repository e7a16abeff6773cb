"""The editor's 约稿 form; every field has a Chinese label."""

from decimal import Decimal, InvalidOperation

from django import forms
from django_ckeditor_5.widgets import CKEditor5Widget

from briefing.models import Section
from briefing.selectors.items import open_issues
from core.forms import ModelMultipleChoiceField
from departments.models import Department


class CommissionForm(forms.Form):
    ALL, KIND, CHOSEN = "all", "kind", "chosen"

    topic = forms.CharField(label="约稿主题", max_length=200)
    guidance = forms.CharField(
        label="约稿要求",
        required=False,
        widget=CKEditor5Widget(config_name="item"),
    )
    scope = forms.ChoiceField(
        label="约稿范围",
        choices=[(ALL, "全部单位"), (KIND, "按单位类型"), (CHOSEN, "指定单位")],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label="单位类型",
        choices=Department.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="约稿范围选“按单位类型”时适用。",
    )
    chosen = ModelMultipleChoiceField(
        label="指定单位",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="约稿范围选“指定单位”时适用。",
    )
    deadline = forms.DateTimeField(
        label="截止时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    issue = forms.ModelChoiceField(
        label="拟用于（期）",
        queryset=open_issues(),
        required=False,
        empty_label="（不指定）",
    )
    section = forms.ModelChoiceField(
        label="栏目",
        queryset=Section.objects.filter(is_active=True),
        required=False,
        empty_label="（不指定）",
    )
    reminder_hours = forms.CharField(
        label="截止前提醒（小时）",
        initial="24, 2",
        required=False,
        help_text="在截止前多少小时提醒尚未报送的单位，用逗号分隔；留空则不提醒。",
    )
    remind_when_late = forms.BooleanField(
        label="逾期未报时再提醒一次", initial=True, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].label_from_instance = lambda unit: unit.short_name

    @classmethod
    def initial_for(cls, commission) -> dict:
        hours = [f"{minutes / 60:g}" for minutes in commission.reminder_offsets]
        return {
            "topic": commission.topic,
            "guidance": commission.guidance,
            "scope": cls.CHOSEN,
            "chosen": list(commission.departments.all()),
            "deadline": commission.deadline,
            "issue": commission.issue_id,
            "section": commission.section_id,
            "reminder_hours": ", ".join(hours),
            "remind_when_late": commission.remind_when_late,
        }

    def clean_reminder_hours(self):
        text = self.cleaned_data["reminder_hours"].replace("，", ",")
        minutes = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            try:
                hours = Decimal(part)
            except InvalidOperation:
                raise forms.ValidationError(
                    f"“{part}”不是小时数，请填写如“24, 2”。"
                ) from None
            if hours <= 0 or hours > 24 * 30:
                raise forms.ValidationError("提醒时间须在 0 到 720 小时之间。")
            minutes.append(int(hours * 60))
        return minutes

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        units = Department.objects.filter(is_active=True)
        if scope == self.KIND:
            if not data.get("kinds"):
                self.add_error("kinds", "请选择单位类型。")
                return data
            units = units.filter(kind__in=data["kinds"])
        elif scope == self.CHOSEN:
            units = data.get("chosen") or units.none()
            if not units:
                self.add_error("chosen", "请选择约稿单位。")
                return data
        data["departments"] = list(units)
        if scope and not data["departments"]:
            self.add_error("scope", "所选范围内没有启用的单位。")
        return data
