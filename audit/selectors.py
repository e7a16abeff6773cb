"""Read queries on the audit trail."""

import datetime

from django.utils import timezone

from .models import AuditEvent


def _midnight(day, tz):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def filtered_events(*, date_from=None, date_to=None, username="", action=""):
    """Events in the date range (Asia/Shanghai days, inclusive), newest first.

    ``username`` matches any part of the name, ignoring case; ``action`` is one
    action code.
    """
    events = AuditEvent.objects.all()
    tz = timezone.get_current_timezone()
    # The calendar's first and last days bound nothing, and their midnights
    # would fall outside the calendar once converted to UTC.
    if date_from and date_from > datetime.date.min:
        events = events.filter(created_at__gte=_midnight(date_from, tz))
    if date_to and date_to < datetime.date.max:
        events = events.filter(
            created_at__lt=_midnight(date_to + datetime.timedelta(days=1), tz)
        )
    if username:
        events = events.filter(username__icontains=username)
    if action:
        events = events.filter(action=action)
    return events.order_by("-created_at", "-id")


def known_actions() -> list[str]:
    return list(
        AuditEvent.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
