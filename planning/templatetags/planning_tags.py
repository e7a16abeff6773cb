"""The next 截稿 on top of the unit's 我的稿件 (the page itself is briefing's,
which knows nothing of planning)."""

from django import template

from core import roles

from .. import selectors

register = template.Library()


@register.inclusion_tag("includes/next_deadline.html", takes_context=True)
def next_deadline(context):
    m = roles.membership(context["request"].user)
    if m is None:
        return {"deadlines": []}
    return {"deadlines": selectors.next_deadlines(m.department)}
