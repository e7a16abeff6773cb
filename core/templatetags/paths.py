from django import template

from core.paths import path_of

register = template.Library()


@register.simple_tag
def path(name, *args):
    """``{% url name args %}``, remembered per process (``core.paths``): for
    the links every page or every row of a list shows."""
    return path_of(name, *args)
