"""The 约稿 block on top of the unit's 我的稿件 (the page itself is briefing's,
which knows nothing of commissions)."""

from django import template
from django.utils import timezone

from core import roles

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("includes/open_commissions.html", takes_context=True)
def open_commissions(context):
    user = context["request"].user
    m = roles.membership(user)
    if m is None:
        return {"open": []}
    now = timezone.now()
    return {
        "open": [
            (entry, services.time_left(entry.commission.deadline, now))
            for entry in selectors.open_for_unit(m.department, now)
        ]
    }
