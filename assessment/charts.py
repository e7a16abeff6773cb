"""Charts drawn on the server as inline SVG: no chart library, no script."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .scoring import fmt


def bar_chart(items, *, title="得分") -> str:
    """Horizontal bars: ``items`` is [(label, value)], negative values to the left."""
    items = list(items)
    if not items:
        return ""
    row_h, label_w, width, pad = 22, 90, 640, 40
    values = [Decimal(v) for _, v in items]
    low, high = min(min(values), 0), max(max(values), 0)
    span = (high - low) or Decimal(1)
    plot_w = width - label_w - pad
    zero_x = label_w + float((0 - low) / span) * plot_w
    height = row_h * len(items) + 10
    parts = [
        f'<svg class="chart chart-bar" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{zero_x:.1f}" y1="0" x2="{zero_x:.1f}" y2="{height}" '
        'stroke="#8a96a3" stroke-width="1"/>',
    ]
    for index, ((label, _), value) in enumerate(zip(items, values, strict=True)):
        y = index * row_h + 4
        x_end = label_w + float((value - low) / span) * plot_w
        x, w = (zero_x, x_end - zero_x) if value >= 0 else (x_end, zero_x - x_end)
        colour = "#c0392b" if value >= 0 else "#8a96a3"
        text_x = max(x_end, zero_x) + 4
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" '
            f'font-size="12">{escape(label)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{row_h - 8}" '
            f'fill="{colour}"><title>{escape(label)}：{fmt(value)}分</title></rect>'
            f'<text x="{text_x:.1f}" y="{y + 13}" font-size="12">{fmt(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(points, *, title="每月报送量") -> str:
    """A line over months: ``points`` is [(date of month, value)]."""
    points = list(points)
    if not points:
        return ""
    width, height, left, bottom, top = 640, 220, 40, 30, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    values = [float(v) for _, v in points]
    high = max(values) or 1.0
    step = plot_w / max(len(points) - 1, 1)
    coords = [
        (left + i * step, top + plot_h - v / high * plot_h)
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [
        f'<svg class="chart chart-line" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 16}" y2="{top + plot_h}" '
        'stroke="#8a96a3"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">'
        f"{fmt(high)}</text>",
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" '
        'font-size="11">0</text>',
        f'<polyline points="{path}" fill="none" stroke="#1f5f99" stroke-width="2"/>',
    ]
    for (month, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f5f99">'
            f"<title>{month.year}年{month.month}月：{fmt(value)}条</title></circle>"
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="11">{month.month}月</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
