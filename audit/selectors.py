"""Read queries on the audit trail."""

import datetime

from django.utils import timezone

from .models import AuditEvent


def filtered_events(*, date_from=None, date_to=None, username="", action=""):
    """Events in the date range (Asia/Shanghai days, inclusive), newest first.

    ``username`` matches exactly; ``action`` is one action name.
    """
    events = AuditEvent.objects.all()
    tz = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        events = events.filter(created_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        events = events.filter(created_at__lt=end)
    if username:
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    return events.order_by("-created_at", "-id")


def known_actions() -> list[str]:
    return list(
        AuditEvent.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
