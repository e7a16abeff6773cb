"""The 上报记录 block on the item's page (the page is briefing's, which knows
nothing of 上报)."""

from django import template

from .. import permissions, selectors

register = template.Library()


@register.inclusion_tag("includes/item_submissions.html", takes_context=True)
def item_submissions(context, item):
    user = context["request"].user
    if not permissions.may_submit(user):
        return {"show": False}
    return {
        "show": True,
        "item": item,
        "submissions": selectors.of_item(item),
        "sendable": item.status in (item.Status.ADOPTED, item.Status.PUBLISHED),
    }
