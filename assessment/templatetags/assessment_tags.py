from django import template

from assessment.permissions import may_read_bulletins
from assessment.scoring import fmt
from assessment.selectors import bulletins_for
from core import roles

register = template.Library()


@register.inclusion_tag("assessment/_nav.html", takes_context=True)
def assessment_nav(context):
    user = context["request"].user
    return {
        "editor": roles.is_editor(user),
        "sees_all": roles.sees_every_unit(user),
        "rules_admin": roles.is_admin(user),
        # Units and leaders read the issued 通报 there.
        "bulletins": may_read_bulletins(user),
    }


@register.inclusion_tag("assessment/_bulletins_link.html", takes_context=True)
def bulletins_link(context):
    """The link to the county's monthly 信息工作通报 on the reading home, once
    one the user may open exists."""
    return {"shown": bulletins_for(context["request"].user).exists()}


@register.filter
def num(value):
    """3, 2.5, 0.33: a count or score without trailing zeros."""
    if value is None or value == "":
        return "—"
    return fmt(value)


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{fmt(value * 100)}%"


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.filter
def attr(obj, name):
    return getattr(obj, name, "")


@register.filter
def score_text_for(row, period):
    return row.score_text(period)


@register.inclusion_tag("assessment/_submission_feedback.html")
def submission_feedback(submission):
    """What the city made of a 上报 (the 上报 page is the submissions app's,
    which knows nothing of the assessment)."""
    return {
        "higher": submission.higher_adoptions.select_related("item", "level"),
        "instructions": submission.instruction_records.select_related("item", "level"),
    }
