import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from briefing import urgent, workflow
from briefing.hygiene import char_count, length_note
from briefing.sanitize import clean_html, html_to_text
from core.paths import paths_for

register = template.Library()


@register.filter
def safe_html(value):
    """Stored rich text, cleaned once more on the way out (defence in depth)."""
    return mark_safe(clean_html(value or ""))


@register.filter
def move_label(move):
    return workflow.MOVES.get(move) or workflow.OTHER_EVENTS.get(move, move)


@register.simple_tag
def holder_name(item):
    if item.claimed_by_id is None:
        return ""
    return item.claimed_by.get_full_name() or item.claimed_by.username


@register.simple_tag
def urgent_open(item):
    """An urgent item the editors still have to act on: shown in red."""
    return urgent.is_open(item)


@register.filter
def since(value):
    """Time from ``value`` until now: 45分钟, 1小时5分钟, 2天3小时."""
    if not isinstance(value, datetime.datetime):
        return ""
    return urgent.duration_label(timezone.now() - value)


@register.filter
def next_step(item):
    return workflow.NEXT_STEP.get(workflow.state_of(item), "")


@register.filter
def state_label(item):
    """已采用 items not yet in an issue read 已采用（待编入）."""
    return workflow.STATE_LABELS.get(workflow.state_of(item), item.status)


@register.filter(expects_localtime=True)
def strftime(value, fmt):
    """A date and time in the current time zone by ``datetime.strftime``.

    For long lists: a tenth of the cost of the ``date`` filter, which the
    inbox paid 25 times a page. Empty for anything but a date and time.
    """
    if not isinstance(value, datetime.datetime):
        return ""
    return value.strftime(fmt)


@register.inclusion_tag("includes/char_count.html")
def char_count_line(body_html, guide=None):
    """The live 字数 under an editor (item_form.js keeps it current)."""
    count = char_count(html_to_text(clean_html(body_html or "")))
    return {
        "note": length_note(count, guide),
        "over": bool(guide) and count > guide,
        "guide": guide,
    }


@register.simple_tag
def inbox_rows(items, ticks):
    """The inbox's table rows, written out in Python (as ``core.widgets.ListSelect``
    writes its options): as a template loop, 25 rows of a dozen fields each
    cost more than the rest of the page. ``ticks``: each row starts with its
    批量处理 tick box (editors).

    Text is escaped by the standard library's ``html.escape``, as Django's
    ``escape`` does it, without its check for lazy text (a hundred times a
    page); the time zone and what the links depend on are read once.
    """
    zone = timezone.get_current_timezone()
    item_path = paths_for("briefing:item_detail")
    return mark_safe(
        "\n".join(_inbox_row(item, bool(ticks), zone, item_path) for item in items)
    )


URGENT_ROW = ' class="urgent"'


def _inbox_row(item, ticks, zone, item_path) -> str:
    pk = item.pk
    is_urgent = urgent.is_open(item)
    tick = (
        f'<td class="tick"><input type="checkbox" name="items"'
        f' value="{pk}:{item.version}" id="tick-{pk}"'
        f' aria-labelledby="title-{pk}"></td>'
        if ticks
        else ""
    )
    title = f'<a href="{item_path(pk)}" id="title-{pk}">{escape(item.title)}</a>'
    if is_urgent:
        category = escape(item.get_urgent_category_display())
        title = (
            f'<span class="urgent-mark">紧急·{category}</span>{title}'
            f'<div class="urgent-since">距事发 {since(item.event_at)}</div>'
        )
    section = escape(item.suggested_section.name) if item.suggested_section_id else "—"
    state = (
        f'<span class="status status-{escape(item.status)}">'
        f"{escape(state_label(item))}</span>"
    )
    if item.claimed_by_id:
        claimed = _local(item.claimed_at, "%m-%d %H:%M", zone)
        state += (
            f'\n<div class="hint">{escape(holder_name(item))} 于 {claimed} 领取</div>'
        )
    if item.issue_id:
        issue, section_name = escape(str(item.issue)), escape(item.section.name)
        state += f'\n<div class="hint">{issue}【{section_name}】</div>'
    return (
        f"<tr{URGENT_ROW if is_urgent else ''}>{tick}<td>{title}</td>"
        f'<td class="number">{item.char_count}</td>'
        f"<td>{escape(item.unit_names)}</td><td>{section}</td>"
        f"<td>{_local(item.submitted_at, '%Y-%m-%d %H:%M', zone) or '—'}</td>"
        f"<td>{state}</td></tr>"
    )


def _local(value, fmt, zone) -> str:
    """``strftime`` in the site's time zone ``zone``, as the filter shows it."""
    if not isinstance(value, datetime.datetime):
        return ""
    return value.astimezone(zone).strftime(fmt)
