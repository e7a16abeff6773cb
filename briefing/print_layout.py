"""The printed issue as HTML: the context the print template needs, and the items."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from . import fonts

TEMPLATE = "briefing/print/issue.html"
PRINT_CSS = "briefing/print.css"

_FIRST_P_OPEN = re.compile(r"\A\s*<p\b[^>]*>", re.IGNORECASE)
_LAST_P_CLOSE = re.compile(r"</p>\s*\Z", re.IGNORECASE)
# The last two characters of text before the unit (an entity is one character).
_TAIL = re.compile(r"(?:&#?\w+;|[^<>&\s]){1,2}\Z")


def print_css() -> str:
    # Read from disk on every render: WeasyPrint gets the CSS inline, so the
    # PDF never depends on a web server or on collectstatic having run.
    path = finders.find(PRINT_CSS)
    if path is None:
        path = Path(__file__).resolve().parent.parent / "static" / PRINT_CSS
    return Path(path).read_text(encoding="utf-8")


def item_html(item) -> SafeString:
    """One item as print HTML: the headline run in, the unit at the very end.

    ``item.body_html`` is sanitised HTML. The headline goes inside its first <p>
    and ``（unit）`` inside its last <p>; a body that starts or ends with anything
    else (a table, a list, a heading) gets a paragraph of its own for them.
    """
    lead = format_html('<span class="headline">{}</span>\u3000', item.headline)
    unit = format_html("（{}）", item.unit_name) if item.unit_name else ""
    body = (item.body_html or "").strip()
    if not body:
        return format_html("<p>{}{}</p>", lead, _unit_span("", unit))

    if first := _FIRST_P_OPEN.match(body):
        body = body[: first.end()] + lead + body[first.end() :]
    else:
        body = f"<p>{lead}</p>{body}"

    if last := _LAST_P_CLOSE.search(body):
        head, end = body[: last.start()], body[last.start() :]
        # The last characters go with the unit, so that （unit） never stands
        # alone on a line (and a line never starts with the full stop).
        tail = _TAIL.search(head) if unit else None
        if tail:
            head = head[: tail.start()]
        body = head + _unit_span(tail.group() if tail else "", unit) + end
    elif unit:
        body = f'{body}<p class="unit-line">{_unit_span("", unit)}</p>'
    return mark_safe(body)


def _unit_span(tail: str, unit: str) -> str:
    return f'<span class="unit">{tail}{unit}</span>' if unit else tail


def issue_print_html(issue, sections) -> str:
    """The complete HTML document of an issue, CSS inlined, ready for render_pdf.

    ``issue`` and each of ``sections`` (with its ``items``) need the attributes
    the print template uses; see templates/briefing/print/issue.html.
    """
    return render_to_string(
        TEMPLATE,
        {
            "issue": issue,
            "sections": sections,
            "font_css": fonts.font_css(),
            "print_css": print_css(),
        },
    )
