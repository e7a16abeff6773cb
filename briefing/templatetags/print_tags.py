"""Template helpers for the printed issue."""

from django import template

from ..print_layout import item_html as render_item

register = template.Library()


@register.filter
def item_html(item):
    """An item's paragraphs with the headline run in and the unit at the end."""
    return render_item(item)
