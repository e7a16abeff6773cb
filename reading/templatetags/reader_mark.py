"""The reader's name and the time, faint behind the text of the reading page."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from briefing.selectors.issues import reader_mark as mark_for

register = template.Library()

# Enough repeats to cover a large screen at any scroll position.
REPEATS = 40


@register.simple_tag(takes_context=True)
def reader_mark(context):
    """Rendered for each request: whose screen, and when. The line is escaped
    once and repeated here, not by a template loop of 40 turns."""
    who, when = mark_for(context["request"].user, timezone.now())
    span = format_html("<span>{}</span>", f"{who}　{when}")
    return format_html(
        '<div class="reader-mark" aria-hidden="true">{}</div>',
        mark_safe(span * REPEATS),
    )
