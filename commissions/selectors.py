"""Read queries for 约稿: who may see which, and where each unit stands.

A unit has answered a commission when one of the items it linked to it first
reached the county office (已报送: the clerk's submit, or the unit reviewer's
approval); it is late when that happened after the deadline. A draft linked to
a commission is not an answer yet.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Min, Prefetch
from django.utils import timezone

from briefing.models import Item, ItemEvent
from core import roles
from departments.models import Department

from .models import Commission, CommissionAnswer, Reminder
from .permissions import may_manage

ON_TIME, LATE, WAITING, MISSING = "on_time", "late", "waiting", "missing"
STATUS_LABELS = {
    ON_TIME: "已报送",
    LATE: "迟报",
    WAITING: "尚未报送",
    MISSING: "逾期未报",
}


def visible_commission(user, pk) -> Commission | None:
    """The commission if ``user`` may see it: editors any, unit members those
    that ask their unit; otherwise None (the view answers 404)."""
    commissions = Commission.objects.select_related("issue__publication", "section")
    if may_manage(user):
        return commissions.filter(pk=pk).first()
    m = roles.membership(user)
    if m is None:
        return None
    return commissions.filter(pk=pk, departments=m.department_id).first()


def first_arrivals(commission_ids) -> dict:
    """{(commission id, unit id): when the unit's first answer reached the office}."""
    rows = (
        ItemEvent.objects.filter(
            item__commission_answer__commission__in=list(commission_ids),
            action__in=["submit", "approve"],
            to_status=Item.Status.SUBMITTED,
        )
        .values("item__commission_answer__commission", "item__department")
        .annotate(first=Min("created_at"))
    )
    return {
        (row["item__commission_answer__commission"], row["item__department"]): row[
            "first"
        ]
        for row in rows
    }


def status_of(deadline, answered_at, now) -> str:
    if answered_at is not None:
        return ON_TIME if answered_at <= deadline else LATE
    return WAITING if now <= deadline else MISSING


@dataclass
class UnitRow:
    department: Department
    status: str
    answered_at: datetime.datetime | None
    items: list = field(default_factory=list)
    reminders: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def unit_rows(commission, now=None, department=None) -> list[UnitRow]:
    """One row per unit asked (or only ``department``): status, items, 催报 sent."""
    now = now or timezone.now()
    departments = commission.departments.order_by("order", "id")
    if department is not None:
        departments = departments.filter(pk=department.pk)
    arrivals = first_arrivals([commission.pk])
    answers = CommissionAnswer.objects.filter(commission=commission).select_related(
        "item"
    )
    reminders = Reminder.objects.filter(commission=commission).select_related("sent_by")
    items, sent = {}, {}
    for answer in answers:
        items.setdefault(answer.item.department_id, []).append(answer.item)
    for reminder in reminders:
        sent.setdefault(reminder.department_id, []).append(reminder)
    rows = []
    for unit in departments:
        answered_at = arrivals.get((commission.pk, unit.pk))
        rows.append(
            UnitRow(
                department=unit,
                status=status_of(commission.deadline, answered_at, now),
                answered_at=answered_at,
                items=items.get(unit.pk, []),
                reminders=sent.get(unit.pk, []),
            )
        )
    return rows


def commission_list():
    """Every commission, newest deadline first, with how many units it asks."""
    return Commission.objects.prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("id"))
    ).order_by("-deadline", "-id")


def answered_counts(commissions) -> dict:
    """{commission id: number of units that have answered}."""
    counts = {}
    for commission_id, _unit in first_arrivals(c.pk for c in commissions):
        counts[commission_id] = counts.get(commission_id, 0) + 1
    return counts


@dataclass
class OpenCommission:
    commission: Commission
    status: str
    items: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def open_for_unit(department, now=None) -> list[OpenCommission]:
    """The commissions a unit sees on top of 我的稿件: deadline still ahead, or
    passed within COMMISSION_LATE_REMINDER_DAYS; soonest deadline first."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.COMMISSION_LATE_REMINDER_DAYS)
    commissions = list(
        Commission.objects.filter(departments=department, deadline__gt=since).order_by(
            "deadline", "id"
        )
    )
    arrivals = first_arrivals(c.pk for c in commissions)
    linked = {}
    for commission_id in CommissionAnswer.objects.filter(
        commission__in=commissions, item__department=department
    ).values_list("commission", flat=True):
        linked[commission_id] = linked.get(commission_id, 0) + 1
    result = []
    for commission in commissions:
        answered_at = arrivals.get((commission.pk, department.pk))
        status = status_of(commission.deadline, answered_at, now)
        if status in (ON_TIME, LATE) and commission.deadline < now:
            continue  # answered and closed: nothing left to do
        result.append(OpenCommission(commission, status, linked.get(commission.pk, 0)))
    return result


def unit_members(department_ids):
    """Active clerks and reviewers of the units, with their unit id."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__department__in=list(department_ids))
        .select_related("membership")
    )


def deadline_counts(start_at, end_before, now=None) -> list[tuple]:
    """[(unit id, deadline, status)] for every unit asked by a commission whose
    deadline is in [start_at, end_before) and has passed (for the assessment)."""
    now = now or timezone.now()
    commissions = list(
        Commission.objects.filter(
            deadline__gte=start_at, deadline__lt=min(end_before, now)
        ).prefetch_related(
            Prefetch("departments", queryset=Department.objects.only("id"))
        )
    )
    arrivals = first_arrivals(c.pk for c in commissions)
    result = []
    for commission in commissions:
        for unit in commission.departments.all():
            answered_at = arrivals.get((commission.pk, unit.pk))
            status = status_of(commission.deadline, answered_at, now)
            result.append((unit.pk, commission.deadline, status))
    return result
