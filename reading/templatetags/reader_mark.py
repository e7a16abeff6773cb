"""The reader's name and the time, faint behind the text of the reading page."""

from django import template
from django.utils import timezone

from briefing.selectors.issues import reader_mark as mark_for

register = template.Library()

# Enough repeats to cover a large screen at any scroll position.
REPEATS = 40


@register.inclusion_tag("includes/reader_mark.html", takes_context=True)
def reader_mark(context):
    """Rendered for each request: whose screen, and when."""
    who, when = mark_for(context["request"].user, timezone.now())
    return {"text": f"{who}　{when}", "repeats": range(REPEATS)}
