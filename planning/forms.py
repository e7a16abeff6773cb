"""Forms of the 出刊计划 pages: they parse input, the services decide."""

from django import forms
from django.utils import timezone

from briefing.forms.issues import DateInput

# Dates a plan may be moved to (a typo of a year far off is refused here).
MIN_YEAR, MAX_YEAR = 2000, 2100


class MovePlanForm(forms.Form):
    issue_date = forms.DateField(label="印发日期", widget=DateInput())
    deadline = forms.DateTimeField(
        label="截稿时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text="北京时间，不能晚于印发日期。",
    )

    def clean_issue_date(self):
        day = self.cleaned_data["issue_date"]
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise forms.ValidationError(f"请填写 {MIN_YEAR}–{MAX_YEAR} 年之间的日期。")
        return day

    def clean_deadline(self):
        moment = self.cleaned_data["deadline"]
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise forms.ValidationError(f"请填写 {MIN_YEAR}–{MAX_YEAR} 年之间的时间。")
        return moment

    @classmethod
    def for_plan(cls, plan):
        return cls(
            initial={
                "issue_date": plan.current_issue_date,
                "deadline": timezone.localtime(plan.deadline),
            }
        )


class CancelPlanForm(forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=200,
        help_text="如“国庆假期停刊一期”，记入审计日志。",
    )
