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
- 约稿未报 / 迟报: each unit asked by a 约稿 whose deadline passed in the period
  and that had not answered by then (``commissions.selectors``), scored by the
  rule set in force on the deadline's date.

An item with 合报 shares (``ItemCredit``) counts for each unit with its share;
without them, wholly for its own unit. An item merged into a 合报 item
(``merged_away``) counts for nothing: its unit has its share of the other.
The number of queries does not depend on the number of units or items.
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

from briefing.models import DuplicateDecision, Item, ItemEvent
from commissions.selectors import LATE, MISSING, deadline_counts
from core import roles
from departments.models import Department

from . import scoring
from .models import (
    AdoptionLevel,
    Bulletin,
    HigherAdoption,
    InstructionRecord,
    ItemCredit,
    ScoringRuleSet,
)
from .periods import Period, _tz
from .permissions import may_read_bulletins

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
MERGE = DuplicateDecision.Kind.MERGE


def merged_away() -> Q:
    """Items closed as merged into a 合报 item (未采用, 已合并): their unit
    counts through its share of that item, never for the closed one too."""
    return Q(status=S.NOT_USED) & Exists(
        DuplicateDecision.objects.filter(other=OuterRef("pk"), kind=MERGE)
    )


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


_ZERO, _PLACES = Decimal("0"), Decimal("0.0001")


def _dec(value) -> Decimal:
    # SQLite sums the shares as floats; PostgreSQL gives Decimals.
    if not value:
        return _ZERO
    return Decimal(str(value)).quantize(_PLACES)


def _event_counts(period: Period, span: Period, sets: list):
    """Per unit: the metrics of ``period`` and first submissions per month of ``span``.

    One SQL statement, three scans of the item events: the events of ``span``
    folded to one row per item (when it was first submitted, last adopted, last
    returned before the period's end, last not used; how often published), the
    items submitted before ``span`` and the items adopted or not used after it
    (which move the first or last event out of ``span``). The item rows are then
    summed per unit, weighted by the 合报 shares. Only the time of the counted
    event matters, so two events at the same instant need no tie-break by id.
    The definitions are the same as ``_metric_conditions`` (used by the
    drill-down); the tests hold both to the same hand-computed figures.
    """
    q = connection.ops.quote_name
    events, items = q(ItemEvent._meta.db_table), q(Item._meta.db_table)
    credits = q(ItemCredit._meta.db_table)
    decisions = q(DuplicateDecision._meta.db_table)
    at = connection.ops.adapt_datetimefield_value
    params = []

    def p(value):
        params.append(value)
        return "%s"

    def submit(alias):
        # Its own parameters, in the order its text appears in the statement.
        return (
            f"{alias}.action IN ({p('submit')}, {p('approve')}) "
            f"AND {alias}.to_status = {p(S.SUBMITTED)}"
        )

    def within(column, start_at, end_before):
        return f"{column} >= {p(at(start_at))} AND {column} < {p(at(end_before))}"

    def in_period(column):
        return within(column, period.start_at, period.end_before)

    months = [datetime.date(y, m, 1) for (y, m) in span.months()]

    def month_bucket(column):
        # The index of the month of ``column`` in ``months`` (Asia/Shanghai).
        whens = []
        for index, first in enumerate(months):
            end = Period.month(first.year, first.month).end_before
            whens.append(f"WHEN {column} < {p(at(end))} THEN {index}")
        return f"CASE {' '.join(whens)} ELSE NULL END"

    def rule_bucket(column):
        # The rule set in force at ``column`` (the newest that began).
        whens = [
            f"WHEN {column} >= {p(at(_instant(rs.valid_from)))} THEN {int(rs.pk)}"
            for rs in reversed(sets)
        ]
        if not whens:
            return "NULL"
        return f"CASE {' '.join(whens)} ELSE NULL END"

    share = "COALESCE(c.share, 1)"
    sql = f"""
      WITH per_item AS (
        SELECT e.item_id,
          MIN(CASE WHEN {submit("e")} THEN e.created_at END) AS first_submit,
          MAX(CASE WHEN e.action = {p("adopt")} THEN e.created_at END) AS last_adopt,
          MAX(CASE WHEN e.action = {p("return")}
                    AND e.from_status IN ({p(S.SUBMITTED)}, {p(S.EDITING)})
                    AND e.created_at < {p(at(period.end_before))}
                   THEN e.created_at END) AS last_return,
          MAX(CASE WHEN e.action = {p("not_use")} THEN e.created_at END)
            AS last_not_use,
          SUM(CASE WHEN e.action = {p("publish")} AND e.to_status = {p(S.PUBLISHED)}
                    AND {in_period("e.created_at")} THEN 1 ELSE 0 END) AS published
        FROM {events} e
        WHERE {within("e.created_at", span.start_at, span.end_before)}
          AND e.action IN ({p("submit")}, {p("approve")}, {p("adopt")},
                           {p("publish")}, {p("return")}, {p("not_use")})
        GROUP BY e.item_id
      ), submitted_before AS (
        SELECT DISTINCT o.item_id FROM {events} o
        WHERE {submit("o")} AND o.created_at < {p(at(span.start_at))}
      ), decided_after AS (
        SELECT o.item_id,
          MAX(CASE WHEN o.action = {p("adopt")} THEN 1 ELSE 0 END) AS adopt,
          MAX(CASE WHEN o.action = {p("not_use")} THEN 1 ELSE 0 END) AS not_use
        FROM {events} o
        WHERE o.action IN ({p("adopt")}, {p("not_use")})
          AND o.created_at >= {p(at(span.end_before))}
        GROUP BY o.item_id
      ), f AS (
        SELECT pi.item_id, i.department_id AS own_unit,
          CASE WHEN sb.item_id IS NULL THEN pi.first_submit END AS submitted_at,
          CASE WHEN i.status IN ({p(S.ADOPTED)}, {p(S.PUBLISHED)})
                AND COALESCE(da.adopt, 0) = 0
               THEN pi.last_adopt END AS adopted_at,
          CASE WHEN i.status = {p(S.PUBLISHED)} AND pi.published > 0
               THEN pi.published END AS published,
          pi.last_return AS returned_at,
          CASE WHEN i.status = {p(S.NOT_USED)} AND COALESCE(da.not_use, 0) = 0
               THEN pi.last_not_use END AS not_used_at
        FROM per_item pi
          JOIN {items} i ON i.id = pi.item_id
          LEFT JOIN submitted_before sb ON sb.item_id = pi.item_id
          LEFT JOIN decided_after da ON da.item_id = pi.item_id
        WHERE NOT (i.status = {p(S.NOT_USED)} AND EXISTS (
          SELECT 1 FROM {decisions} d
          WHERE d.other_id = pi.item_id AND d.kind = {p(MERGE)}))
      )
      SELECT COALESCE(c.department_id, f.own_unit),
        {month_bucket("f.submitted_at")}, {rule_bucket("f.adopted_at")},
        SUM(CASE WHEN {in_period("f.submitted_at")} THEN {share} END),
        SUM(CASE WHEN {in_period("f.adopted_at")} THEN {share} END),
        SUM(f.published * {share}),
        SUM(CASE WHEN f.returned_at >= {p(at(period.start_at))}
                 THEN {share} END),
        SUM(CASE WHEN {in_period("f.not_used_at")} THEN {share} END),
        SUM(CASE WHEN f.submitted_at IS NOT NULL THEN {share} END)
      FROM f LEFT JOIN {credits} c ON c.item_id = f.item_id
      GROUP BY 1, 2, 3
    """
    counts = defaultdict(lambda: defaultdict(Decimal))
    monthly = defaultdict(Decimal)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the statement with JIT costs more than running it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for unit, bucket, rule_set, *values in rows:
        row = counts[unit]
        for name, value in zip(METRICS, values, strict=False):
            if value:
                row[name] += _dec(value)
        adopted = values[1]
        if rule_set is not None and adopted:
            row[f"adopted_rs{rule_set}"] += _dec(adopted)
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

    A constant number of queries (eight, three more when 约稿 deadlines fall in
    the period), whatever the number of units and items.
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

    commissions = defaultdict(int)  # (unit, rule set, status) -> count
    for unit, deadline, status in deadline_counts(period.start_at, period.end_before):
        if status in (MISSING, LATE):
            rule_set = scoring.rule_set_on(sets, timezone.localdate(deadline))
            if rule_set is not None:
                commissions[(unit, rule_set.pk, status)] += 1

    rows = scoring.build_rows(
        commissions=commissions,
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
    by_month = defaultdict(Decimal)
    for (_, month), count in monthly.items():
        by_month[month] += count
    series = [(month, by_month[month]) for month in months]
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
        .exclude(merged_away())
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


def bulletins_for(user):
    """The 通报 ``user`` may open: every one for editors and admins; the issued
    ones for unit members and readers (leaders); none for anyone else."""
    if roles.sees_every_unit(user):
        return Bulletin.objects.all()
    if may_read_bulletins(user):
        return Bulletin.objects.filter(status=Bulletin.Status.ISSUED)
    return Bulletin.objects.none()
