"""Read queries for the assessment: every figure is aggregated in the database.

How the figures are defined (on the item events written by the workflow):

- 报送 (submitted): the item reached the county office — a ``submit`` straight to
  已报送, or a unit reviewer's ``approve``. An item counts once, in the period of
  its FIRST arrival; resubmissions after a return do not count again.
- 采用 (adopted): the item is adopted or published now; it counts in the period
  of its last ``adopt`` event (an adoption later taken back does not count).
- 刊发 (published): the ``publish`` event (issue signed off) in the period.
- 退回 (returned): the editors returned the item (from 已报送/编辑中) at least once
  in the period; a unit reviewer's return is the unit's own business.
- 未采用 (not used): the item is 未采用 now; counted at its last ``not_use`` event.
- 采用率 = 采用 / 报送 of the same period (so it can pass 100 % when items
  submitted earlier are adopted now).
- 上级采用 and 批示 count on their recorded date.

An item with 合报 shares (``ItemCredit``) counts for each unit with its share;
without them, wholly for its own unit. The number of queries does not depend on
the number of units or items.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from briefing.models import Item, ItemEvent
from departments.models import Department

from . import scoring
from .models import (
    AdoptionLevel,
    HigherAdoption,
    InstructionRecord,
    ItemCredit,
    ScoringRuleSet,
)
from .periods import Period, _tz

S = Item.Status
METRICS = {
    "submitted": "报送",
    "adopted": "采用",
    "published": "刊发",
    "returned": "退回",
    "not_used": "未采用",
}
ADOPTED_STATES = [S.ADOPTED, S.PUBLISHED]
SHARE = DecimalField(max_digits=14, decimal_places=4)

_SUBMIT = Q(action__in=["submit", "approve"], to_status=S.SUBMITTED)
_EDITOR_RETURN = Q(action="return", from_status__in=[S.SUBMITTED, S.EDITING])
_ADOPT = Q(action="adopt")
_PUBLISH = Q(action="publish", to_status=S.PUBLISHED)
_NOT_USE = Q(action="not_use")


def _same_item(condition: Q, *, before: bool, until=None) -> Exists:
    """Another event of the same item matching ``condition``, before/after this one."""
    if before:
        order = Q(created_at__lt=OuterRef("created_at")) | Q(
            created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")
        )
    else:
        order = Q(created_at__gt=OuterRef("created_at")) | Q(
            created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")
        )
    others = ItemEvent.objects.filter(condition, order, item=OuterRef("item"))
    if until is not None:
        others = others.filter(created_at__lt=until)
    return Exists(others)


def _metric_conditions(period: Period) -> dict[str, Q]:
    """For each metric, the condition an event row meets to be the one counted."""
    return {
        "submitted": _SUBMIT & ~_same_item(_SUBMIT, before=True),
        "adopted": _ADOPT
        & Q(item__status__in=ADOPTED_STATES)
        & ~_same_item(_ADOPT, before=False),
        "published": _PUBLISH & Q(item__status=S.PUBLISHED),
        "returned": _EDITOR_RETURN
        & ~_same_item(_EDITOR_RETURN, before=False, until=period.end_before),
        "not_used": _NOT_USE
        & Q(item__status=S.NOT_USED)
        & ~_same_item(_NOT_USE, before=False),
    }


def _events_between(start_at, end_before):
    return ItemEvent.objects.filter(
        created_at__gte=start_at, created_at__lt=end_before
    ).filter(_SUBMIT | _EDITOR_RETURN | _ADOPT | _PUBLISH | _NOT_USE)


def _events_in(period: Period):
    return _events_between(period.start_at, period.end_before)


# The unit an event (or record) is credited to, and with what weight: one row per
# credit of a 合报 item (LEFT JOIN), else the item's own unit with weight 1.
def _credited_unit(prefix: str):
    return Coalesce(f"{prefix}credits__department", f"{prefix}department")


def _weight(prefix: str):
    return Coalesce(f"{prefix}credits__share", Value(Decimal("1")), output_field=SHARE)


def _weighted_sum(prefix: str, condition: Q):
    return Coalesce(
        Sum(_weight(prefix), filter=condition, output_field=SHARE),
        Value(Decimal("0")),
        output_field=SHARE,
    )


def _instant(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=_tz())


def rule_sets() -> list[ScoringRuleSet]:
    """Every rule set with its level points, oldest first (two queries)."""
    return list(ScoringRuleSet.objects.prefetch_related("rules").order_by("valid_from"))


def _rule_set_case(field_name: str, sets: list[ScoringRuleSet], as_instant: bool):
    """SQL CASE giving the id of the rule set in force on the row's date."""
    whens = [
        When(
            **{
                f"{field_name}__gte": _instant(rs.valid_from)
                if as_instant
                else rs.valid_from
            },
            then=Value(rs.pk),
        )
        for rs in reversed(sets)
    ]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def _dec(value) -> Decimal:
    # SQLite sums the shares as floats; PostgreSQL gives Decimals.
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


def _event_counts(period: Period, span: Period, sets: list):
    """Per unit: the metrics of ``period`` and first submissions per month of ``span``.

    One SQL statement. The flags (first submission, last adoption, …) are
    computed once per event in a materialised CTE and then summed, weighted by
    the 合报 shares; the ORM would repeat each correlated subquery in every
    CASE, which is several times slower at 20 000 items. The definitions are
    the same as ``_metric_conditions`` (used by the drill-down); the tests hold
    both to the same hand-computed figures.
    """
    q = connection.ops.quote_name
    events, items = q(ItemEvent._meta.db_table), q(Item._meta.db_table)
    credits = q(ItemCredit._meta.db_table)
    at = connection.ops.adapt_datetimefield_value
    params = []

    def p(value):
        params.append(value)
        return "%s"

    def later(alias, before=False):
        op = "<" if before else ">"
        return (
            f"(o.created_at {op} {alias}.created_at OR "
            f"(o.created_at = {alias}.created_at AND o.id {op} {alias}.id))"
        )

    def submit():
        # Its own parameters, in the order its text appears in the statement.
        return (
            f"o.action IN ({p('submit')}, {p('approve')}) "
            f"AND o.to_status = {p(S.SUBMITTED)}"
        )

    months = [datetime.date(y, m, 1) for (y, m) in span.months()]

    def in_period():
        return (
            f"CASE WHEN e.created_at >= {p(at(period.start_at))} "
            f"AND e.created_at < {p(at(period.end_before))} THEN 1 ELSE 0 END"
        )

    def month_bucket():
        # The index of the event's month in ``months`` (Asia/Shanghai months).
        whens = []
        for index, first in enumerate(months):
            end = Period.month(first.year, first.month).end_before
            whens.append(f"WHEN e.created_at < {p(at(end))} THEN {index}")
        return f"CASE {' '.join(whens)} ELSE NULL END"

    def rule_bucket():
        # The rule set in force on the event's date (the newest that began).
        whens = [
            f"WHEN e.created_at >= {p(at(_instant(rs.valid_from)))} THEN {int(rs.pk)}"
            for rs in reversed(sets)
        ]
        if not whens:
            return "NULL"
        return f"CASE {' '.join(whens)} ELSE NULL END"

    flags_sql = f"""
      SELECT e.id, e.item_id, e.created_at, i.department_id AS own_unit,
        CASE WHEN e.action IN ({p("submit")}, {p("approve")})
              AND e.to_status = {p(S.SUBMITTED)}
              AND NOT EXISTS (SELECT 1 FROM {events} o WHERE o.item_id = e.item_id
                              AND {submit()} AND {later("e", before=True)})
             THEN 1 ELSE 0 END AS f_submitted,
        CASE WHEN e.action = {p("adopt")}
              AND i.status IN ({p(S.ADOPTED)}, {p(S.PUBLISHED)})
              AND NOT EXISTS (SELECT 1 FROM {events} o WHERE o.item_id = e.item_id
                              AND o.action = {p("adopt")} AND {later("e")})
             THEN 1 ELSE 0 END AS f_adopted,
        CASE WHEN e.action = {p("publish")} AND e.to_status = {p(S.PUBLISHED)}
              AND i.status = {p(S.PUBLISHED)}
             THEN 1 ELSE 0 END AS f_published,
        CASE WHEN e.action = {p("return")}
              AND e.from_status IN ({p(S.SUBMITTED)}, {p(S.EDITING)})
              AND NOT EXISTS (SELECT 1 FROM {events} o WHERE o.item_id = e.item_id
                              AND o.action = {p("return")}
                              AND o.from_status IN ({p(S.SUBMITTED)}, {p(S.EDITING)})
                              AND o.created_at < {p(at(period.end_before))}
                              AND {later("e")})
             THEN 1 ELSE 0 END AS f_returned,
        CASE WHEN e.action = {p("not_use")} AND i.status = {p(S.NOT_USED)}
              AND NOT EXISTS (SELECT 1 FROM {events} o WHERE o.item_id = e.item_id
                              AND o.action = {p("not_use")} AND {later("e")})
             THEN 1 ELSE 0 END AS f_not_used,
        {in_period()} AS in_period,
        {month_bucket()} AS bucket,
        {rule_bucket()} AS rule_set
      FROM {events} e JOIN {items} i ON i.id = e.item_id
      WHERE e.created_at >= {p(at(span.start_at))}
        AND e.created_at < {p(at(span.end_before))}
        AND e.action IN ({p("submit")}, {p("approve")}, {p("adopt")}, {p("publish")},
                         {p("return")}, {p("not_use")})
    """
    sums = ", ".join(
        f"SUM(f.f_{name} * f.in_period * COALESCE(c.share, 1))" for name in METRICS
    )
    sql = (
        f"WITH f AS MATERIALIZED ({flags_sql}) "
        f"SELECT COALESCE(c.department_id, f.own_unit), f.bucket, f.rule_set, {sums}, "
        "SUM(f.f_submitted * COALESCE(c.share, 1)) "
        f"FROM f LEFT JOIN {credits} c ON c.item_id = f.item_id "
        "WHERE f.f_submitted + f.f_adopted + f.f_published + f.f_returned "
        "+ f.f_not_used > 0 "
        "GROUP BY COALESCE(c.department_id, f.own_unit), f.bucket, f.rule_set"
    )
    counts = defaultdict(lambda: defaultdict(Decimal))
    monthly = defaultdict(Decimal)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner overrates the per-item subqueries, and compiling the
            # statement with JIT then takes a second — thirty times the query.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for unit, bucket, rule_set, *values in rows:
        row = counts[unit]
        figures = dict(zip(METRICS, map(_dec, values[:-1]), strict=True))
        for name, value in figures.items():
            row[name] += value
        if rule_set is not None:
            row[f"adopted_rs{rule_set}"] += figures["adopted"]
        if bucket is not None and values[-1]:
            monthly[(unit, months[bucket])] += _dec(values[-1])
    return counts, monthly


@dataclass
class Statistics:
    """The statistics of one period: a row per unit (ranked), totals, chart data."""

    period: Period
    rows: list
    totals: dict
    levels: list
    monthly: list = field(default_factory=list)  # [(date of month, count)]

    def row_for(self, department_id):
        for row in self.rows:
            if row.department.pk == department_id:
                return row
        return None


def unit_statistics(
    period: Period, *, today: datetime.date | None = None
) -> Statistics:
    """Figures, score lines and rank of every unit in ``period``.

    A constant number of queries (eight), whatever the number of units and items.
    """
    today = today or timezone.localdate()
    levels = list(AdoptionLevel.objects.order_by("order", "id"))
    sets = rule_sets()
    departments = list(Department.objects.order_by("order", "id"))

    # One pass over the events of the period and of the chart's months.
    chart_period = period if period.kind == "range" else Period.year(period.start.year)
    span = Period.range(
        min(chart_period.start, period.start), max(chart_period.end, period.end)
    )
    counts, monthly = _event_counts(period, span, sets)

    records = defaultdict(Decimal)  # (kind, unit, level, rule set) -> count
    for kind, model, date_field in (
        ("higher", HigherAdoption, "adopted_on"),
        ("instruction", InstructionRecord, "instructed_on"),
    ):
        for row in (
            model.objects.filter(
                **{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end}
            )
            .values(
                "level",
                unit=_credited_unit("item__"),
                rule_set=_rule_set_case(date_field, sets, as_instant=False),
            )
            .annotate(n=Sum(_weight("item__"), output_field=SHARE))
        ):
            records[(kind, row["unit"], row["level"], row["rule_set"])] += row["n"]

    rows = scoring.build_rows(
        period=period,
        today=today,
        departments=departments,
        levels=levels,
        rule_sets=sets,
        counts=counts,
        monthly=monthly,
        records=records,
    )
    months = [datetime.date(y, m, 1) for (y, m) in chart_period.months()]
    series = [
        (month, sum((n for (_, m), n in monthly.items() if m == month), Decimal(0)))
        for month in months
    ]
    return Statistics(
        period=period,
        rows=rows,
        totals=scoring.totals(rows, levels),
        levels=levels,
        monthly=series,
    )


def unit_monthly(stats: Statistics, department_id) -> list:
    """The line chart of one unit: its first submissions per month."""
    row = stats.row_for(department_id)
    if row is None:
        return []
    return row.monthly


# --- drill-down: the items behind a number -------------------------------------


def items_behind(period: Period, department, metric: str):
    """The items counted in ``metric`` for ``department`` in ``period``."""
    condition = _metric_conditions(period)[metric]
    counted = Exists(_events_in(period).filter(condition).filter(item=OuterRef("pk")))
    no_credits = ~Exists(ItemCredit.objects.filter(item=OuterRef("pk")))
    mine = Q(credits__department=department) | (Q(department=department) & no_credits)
    return (
        Item.objects.filter(counted)
        .filter(mine)
        .select_related("department", "issue", "issue__publication")
        .prefetch_related("credits__department")
        .distinct()
        .order_by("-submitted_at", "-pk")
    )


def records_behind(period: Period, department, kind: str):
    """Higher adoptions (``kind="higher"``) or 批示 of ``department`` in ``period``."""
    model, date_field = (
        (HigherAdoption, "adopted_on")
        if kind == "higher"
        else (InstructionRecord, "instructed_on")
    )
    no_credits = ~Exists(ItemCredit.objects.filter(item=OuterRef("item")))
    mine = Q(item__credits__department=department) | (
        Q(item__department=department) & no_credits
    )
    return (
        model.objects.filter(
            **{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end}
        )
        .filter(mine)
        .select_related("item", "item__department", "level")
        .distinct()
        .order_by(date_field, "pk")
    )


def month_records(period: Period):
    """All higher adoptions and 批示 in ``period`` (for the 通报), two queries."""
    higher = list(
        HigherAdoption.objects.filter(
            adopted_on__gte=period.start, adopted_on__lte=period.end
        )
        .select_related("item", "item__department", "level")
        .order_by("level__order", "adopted_on", "pk")
    )
    instructions = list(
        InstructionRecord.objects.filter(
            instructed_on__gte=period.start, instructed_on__lte=period.end
        )
        .select_related("item", "item__department", "level")
        .order_by("level__order", "instructed_on", "pk")
    )
    return higher, instructions


def credits_of(item) -> list[ItemCredit]:
    return list(item.credits.select_related("department"))


def recent_records(limit=50):
    """The latest higher adoptions and 批示, for the editor's records page."""
    higher = list(
        HigherAdoption.objects.select_related(
            "item", "item__department", "level"
        ).order_by("-adopted_on", "-pk")[:limit]
    )
    instructions = list(
        InstructionRecord.objects.select_related(
            "item", "item__department", "level"
        ).order_by("-instructed_on", "-pk")[:limit]
    )
    return higher, instructions


def countable_items():
    """Items that reached the county office: the ones credits and records are for."""
    return Item.objects.filter(submitted_at__isnull=False)
