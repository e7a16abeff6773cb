"""Turning aggregated counts into score lines, scores and ranks (pure Python).

The input is already aggregated per unit (a few rows per unit); nothing here
touches the database. Each count is scored by the rule set in force on the date
of the event, so a rule change never alters the scores of earlier months.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .periods import Period

ZERO = Decimal("0")


def fmt(number) -> str:
    """A count or a score as people write it: 3, 2.5, 0.33 (no trailing zeros)."""
    value = Decimal(number).quantize(Decimal("0.01"))
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@dataclass
class ScoreLine:
    """One term of a unit's score: ``count`` × ``points`` (or a quota penalty,
    or ``count`` × ``points`` taken off for 约稿 not answered or answered late)."""

    kind: str  # adoption, instruction, quota, commission
    label: str
    count: Decimal
    points: Decimal
    unit: str = "条"
    note: str = ""

    @property
    def amount(self) -> Decimal:
        if self.kind == "quota":
            return -self.points
        if self.kind == "commission":
            return -self.count * self.points
        return self.count * self.points

    @property
    def text(self) -> str:
        if self.kind == "quota":
            return f"{self.label}扣{fmt(self.points)}分"
        if self.kind == "commission":
            return f"{self.label}{fmt(self.count)}次，每次扣{fmt(self.points)}分"
        return f"{self.label}{fmt(self.count)}{self.unit}×{fmt(self.points)}分"


@dataclass
class MissedMonth:
    year: int
    month: int
    submitted: Decimal
    quota: int
    penalty: Decimal
    note: str

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass
class UnitRow:
    department: object
    submitted: Decimal = ZERO
    adopted: Decimal = ZERO
    published: Decimal = ZERO
    returned: Decimal = ZERO
    not_used: Decimal = ZERO
    higher: dict = field(default_factory=dict)  # level id -> count
    instructions: dict = field(default_factory=dict)  # level id -> count
    lines: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    monthly: list = field(default_factory=list)  # [(date of month, count)]
    rank: int = 0

    @property
    def score(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def higher_total(self) -> Decimal:
        return sum(self.higher.values(), ZERO)

    @property
    def instruction_total(self) -> Decimal:
        return sum(self.instructions.values(), ZERO)

    @property
    def adoption_rate(self) -> Decimal | None:
        """采用 / 报送 as a fraction, None when nothing was submitted."""
        if not self.submitted:
            return None
        return self.adopted / self.submitted

    @property
    def has_figures(self) -> bool:
        return bool(
            self.submitted
            or self.adopted
            or self.published
            or self.returned
            or self.not_used
            or self.higher_total
            or self.instruction_total
        )

    def score_text(self, period: Period) -> str:
        """“开发区 2026年10月：采用3条×1分，市级采用1条×3分 = 6分”."""
        terms = "，".join(line.text for line in self.lines) or "无得分项"
        name = self.department.short_name
        return f"{name} {period.label}：{terms} = {fmt(self.score)}分"


def rule_set_on(rule_sets: list, day: datetime.date):
    """The rule set in force on ``day`` (``rule_sets`` oldest first), or None."""
    found = None
    for rule_set in rule_sets:
        if rule_set.valid_from <= day:
            found = rule_set
        else:
            break
    return found


def _points_table(rule_sets: list) -> dict:
    """{(rule set id, level id, attribute): points}, read once per table."""
    return {
        (rule_set.pk, rule.level_id, attribute): getattr(rule, attribute)
        for rule_set in rule_sets
        for rule in rule_set.rules.all()
        for attribute in ("adoption_points", "instruction_points")
    }


def _add_line(lines: list, line: ScoreLine):
    # The same term under two rule sets with equal points reads as one line.
    for existing in lines:
        if (existing.kind, existing.label, existing.points) == (
            line.kind,
            line.label,
            line.points,
        ):
            existing.count += line.count
            return
    lines.append(line)


# 约稿 outcomes that cost points: (status, label, rule set attribute).
COMMISSION_PENALTIES = [
    ("missing", "约稿未报", "commission_missing_penalty"),
    ("late", "约稿迟报", "commission_late_penalty"),
]


def build_rows(
    *,
    period,
    today,
    departments,
    levels,
    rule_sets,
    counts,
    monthly,
    records,
    commissions=None,
) -> list[UnitRow]:
    """One ranked row per unit: active units, and inactive ones that have figures.

    ``commissions``: {(unit id, rule set id, "missing"/"late"): count} of the
    约稿 whose deadline passed in the period, by the rule set of the deadline.
    """
    commissions = commissions or {}
    points = _points_table(rule_sets)
    rule_set_ids = [*(rs.pk for rs in rule_sets), None]
    county = next((level for level in levels if level.is_county), None)
    chart_months = sorted({month for (_, month) in monthly})
    # The rule set in force in each closed month: the same for every unit.
    quota_months = []
    for year, month in period.closed_months(today):
        rule_set = rule_set_on(rule_sets, datetime.date(year, month, 1))
        if rule_set is not None and rule_set.monthly_quota:
            quota_months.append((year, month, datetime.date(year, month, 1), rule_set))
    rows = []
    for department in departments:
        unit_id = department.pk
        row = UnitRow(department=department)
        figures = counts.get(unit_id, {})
        for name in ("submitted", "adopted", "published", "returned", "not_used"):
            setattr(row, name, figures.get(name, ZERO) or ZERO)

        if county is not None:
            for rs in rule_sets:
                count = figures.get(f"adopted_rs{rs.pk}") or ZERO
                if count:
                    _add_line(
                        row.lines,
                        ScoreLine(
                            "adoption",
                            county.adoption_label,
                            count,
                            points.get((rs.pk, county.pk, "adoption_points"), ZERO),
                        ),
                    )
        for kind, target, attribute, unit in (
            ("higher", row.higher, "adoption_points", "条"),
            ("instruction", row.instructions, "instruction_points", "次"),
        ):
            for level in levels:
                for rs_id in rule_set_ids:
                    count = records.get((kind, unit_id, level.pk, rs_id))
                    if not count:
                        continue
                    target[level.pk] = target.get(level.pk, ZERO) + count
                    label = (
                        level.adoption_label
                        if kind == "higher"
                        else level.instruction_label
                    )
                    _add_line(
                        row.lines,
                        ScoreLine(
                            "adoption" if kind == "higher" else "instruction",
                            label,
                            count,
                            points.get((rs_id, level.pk, attribute), ZERO),
                            unit=unit,
                        ),
                    )

        for rule_set in rule_sets:
            for status, label, attribute in COMMISSION_PENALTIES:
                count = commissions.get((unit_id, rule_set.pk, status))
                penalty = getattr(rule_set, attribute)
                if count and penalty:
                    _add_line(
                        row.lines,
                        ScoreLine("commission", label, Decimal(count), penalty),
                    )

        row.monthly = [
            (month, monthly.get((unit_id, month), ZERO)) for month in chart_months
        ]
        for year, month, first_day, rule_set in quota_months:
            done = monthly.get((unit_id, first_day), ZERO)
            if done >= rule_set.monthly_quota:
                continue
            missed = MissedMonth(
                year,
                month,
                done,
                rule_set.monthly_quota,
                rule_set.quota_penalty,
                rule_set.quota_note,
            )
            row.missed.append(missed)
            if rule_set.quota_penalty:
                row.lines.append(
                    ScoreLine(
                        "quota",
                        f"{month}月报送{fmt(done)}条未完成{rule_set.monthly_quota}条任务",
                        done,
                        rule_set.quota_penalty,
                        note=rule_set.quota_note,
                    )
                )
        if department.is_active or row.has_figures:
            rows.append(row)

    rows.sort(
        key=lambda r: (
            -r.score,
            -r.adopted,
            -r.submitted,
            r.department.order,
            r.department.pk,
        )
    )
    rank = 0
    previous = None
    for position, row in enumerate(rows, start=1):
        key = (row.score, row.adopted, row.submitted)
        if key != previous:
            rank = position
            previous = key
        row.rank = rank
    return rows


def totals(rows: list[UnitRow], levels) -> dict:
    """Column totals of the table."""
    total = {
        name: sum((getattr(row, name) for row in rows), ZERO)
        for name in ("submitted", "adopted", "published", "returned", "not_used")
    }
    total["higher"] = {
        level.pk: sum((row.higher.get(level.pk, ZERO) for row in rows), ZERO)
        for level in levels
    }
    total["instructions"] = {
        level.pk: sum((row.instructions.get(level.pk, ZERO) for row in rows), ZERO)
        for level in levels
    }
    total["higher_total"] = sum(total["higher"].values(), ZERO)
    total["instruction_total"] = sum(total["instructions"].values(), ZERO)
    total["score"] = sum((row.score for row in rows), ZERO)
    total["adoption_rate"] = (
        total["adopted"] / total["submitted"] if total["submitted"] else None
    )
    total["missed_units"] = sum(1 for row in rows if row.missed)
    return total
