from decimal import Decimal

from django import forms
from django.utils import timezone

from departments.models import Department
from submissions.models import Submission

from .models import AdoptionLevel, Bulletin, ScoringRuleSet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChineseLabels:
    """Labels end with a full-width colon (“年度：”), not Django's ASCII one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class SubmissionChoice(forms.ModelChoiceField):
    """The 上报 records that carried the item: the feedback answers one."""

    def __init__(self, **kwargs):
        super().__init__(
            label="上报记录",
            queryset=Submission.objects.none(),
            empty_label=None,
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.sent_at:%Y-%m-%d} 报{obj.recipient}"


def _submissions_of(form, item):
    if item is not None:
        form.fields["submission"].queryset = Submission.objects.filter(
            entries__item=item
        ).order_by("-sent_at", "-pk")


class HigherAdoptionForm(ChineseLabels, forms.Form):
    submission = SubmissionChoice()
    level = forms.ModelChoiceField(
        label="采用级别",
        queryset=AdoptionLevel.objects.filter(is_active=True, is_county=False),
        empty_label=None,
    )
    adopted_on = forms.DateField(label="采用日期", widget=DATE)
    publication = forms.CharField(label="采用刊物", max_length=100)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, item=None, **kwargs):
        kwargs.setdefault("prefix", "higher")
        super().__init__(*args, **kwargs)
        self.fields["adopted_on"].initial = timezone.localdate()
        _submissions_of(self, item)


class InstructionForm(ChineseLabels, forms.Form):
    submission = SubmissionChoice()
    level = forms.ModelChoiceField(
        label="批示级别",
        queryset=AdoptionLevel.objects.filter(is_active=True),
        empty_label=None,
    )
    instructed_on = forms.DateField(label="批示日期", widget=DATE)
    leader = forms.CharField(label="批示领导", max_length=50)
    note = forms.CharField(
        label="批示内容或备注", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, item=None, **kwargs):
        kwargs.setdefault("prefix", "instruction")
        super().__init__(*args, **kwargs)
        self.fields["instructed_on"].initial = timezone.localdate()
        _submissions_of(self, item)


CREDIT_ROWS = 5


class CreditForm(ChineseLabels, forms.Form):
    """Up to five units of a 合报 with their shares (blank shares: equal)."""

    def __init__(self, *args, initial_credits=(), **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(is_active=True).order_by("order", "id")
        initial_credits = list(initial_credits)
        for n in range(1, CREDIT_ROWS + 1):
            credit = initial_credits[n - 1] if n <= len(initial_credits) else None
            self.fields[f"unit_{n}"] = forms.ModelChoiceField(
                label=f"第{n}个单位",
                queryset=units,
                required=False,
                empty_label="（无）",
                initial=credit[0].pk if credit else None,
            )
            self.fields[f"share_{n}"] = forms.DecimalField(
                label=f"第{n}个单位份额",
                required=False,
                min_value=Decimal("0.0001"),
                max_value=Decimal("1"),
                decimal_places=4,
                initial=credit[1] if credit else None,
            )

    def rows(self):
        return [
            (self[f"unit_{n}"], self[f"share_{n}"]) for n in range(1, CREDIT_ROWS + 1)
        ]

    def shares(self):
        return [
            (self.cleaned_data[f"unit_{n}"], self.cleaned_data[f"share_{n}"])
            for n in range(1, CREDIT_ROWS + 1)
            if self.cleaned_data.get(f"unit_{n}") is not None
        ]


class RuleSetForm(ChineseLabels, forms.ModelForm):
    class Meta:
        model = ScoringRuleSet
        fields = [
            "name",
            "valid_from",
            "monthly_quota",
            "quota_penalty",
            "quota_note",
            "commission_missing_penalty",
            "commission_late_penalty",
        ]
        widgets = {"valid_from": DATE}

    confirm_past = forms.BooleanField(
        label="我确认此规则将改变已结束时段的得分", required=False
    )

    def __init__(self, *args, levels=(), points=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older form, a script): the set keeps what it has.
        for name in ("commission_missing_penalty", "commission_late_penalty"):
            self.fields[name].required = False
        # The stored set as it was, before the ModelForm copies the input onto it.
        instance = kwargs.get("instance")
        self.instance_before = (
            ScoringRuleSet.objects.get(pk=instance.pk) if instance else None
        )
        self.reaches_back = None
        if self.instance_before is not None and not self.is_bound:
            # Changing a set that already covers ended months re-scores them.
            from .services import rule_change_reaches_back

            self._reaching_back(rule_change_reaches_back(None, instance.valid_from))
        self.levels = list(levels)
        points = points or {}
        for level in self.levels:
            adoption, instruction = points.get(level.pk, (Decimal(0), Decimal(0)))
            self.fields[f"adoption_{level.pk}"] = forms.DecimalField(
                label=f"{level.name}：每条采用得分",
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=adoption,
            )
            self.fields[f"instruction_{level.pk}"] = forms.DecimalField(
                label=f"{level.name}：每次批示得分",
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=instruction,
            )

    def _reaching_back(self, day):
        """Remember the first ended month touched and name it in the checkbox."""
        self.reaches_back = day
        if day is not None:
            self.fields[
                "confirm_past"
            ].label = (
                f"我确认此规则将改变 {day.year} 年 {day.month} 月起已结束时段的得分"
            )

    def clean(self):
        cleaned = super().clean()
        valid_from = cleaned.get("valid_from")
        if valid_from is None:
            return cleaned
        from .services import rule_change_reaches_back

        self._reaching_back(rule_change_reaches_back(self.instance_before, valid_from))
        if self.reaches_back is not None:
            if not cleaned.get("confirm_past"):
                self.add_error(
                    "confirm_past",
                    "起用日期早于本月1日，保存后这些时段的得分和排名将按此规则重算，"
                    "统计表会与已印发通报的数字不一致。确需如此，请勾选确认。",
                )
        return cleaned

    def level_rows(self):
        return [
            (level, self[f"adoption_{level.pk}"], self[f"instruction_{level.pk}"])
            for level in self.levels
        ]

    def points(self):
        return {
            level: (
                self.cleaned_data[f"adoption_{level.pk}"],
                self.cleaned_data[f"instruction_{level.pk}"],
            )
            for level in self.levels
        }

    def validate_unique(self):
        # The service reports a clash of dates with its own message.
        pass


class BulletinCreateForm(ChineseLabels, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)


class BulletinForm(ChineseLabels, forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = [
            "title",
            "recipients",
            "intro",
            "closing",
            "office_name",
            "issue_date",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 5}),
            "closing": forms.Textarea(attrs={"rows": 4}),
            "issue_date": DATE,
        }
        error_messages = {
            name: {
                "max_length": f"{label}不能超过 %(limit_value)d 字"
                "（现有 %(show_value)d 字），请删减后再保存。"
            }
            for name, label in [("intro", "导语"), ("closing", "结束语")]
        }
        help_texts = {
            "intro": "每行一段。排名表、未完成任务的单位、上级采用和批示由系统生成。",
            "closing": "每行一段。",
        }
