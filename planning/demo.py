"""Demo data for 出刊计划 (called by load_demo; idempotent)."""

from django.utils import timezone

from .models import Schedule
from .services import plan_issues


def load_planning_demo(publication) -> None:
    """A weekly schedule (截稿 Thursday 17:00, issue Friday) and its next weeks."""
    Schedule.objects.get_or_create(
        publication=publication, defaults={"starts_on": timezone.localdate()}
    )
    plan_issues()
