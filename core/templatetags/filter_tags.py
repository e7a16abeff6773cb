"""The filters in use on a list page, shown as chips (includes/filter_form.html)."""

from django import template

register = template.Library()


@register.simple_tag
def active_filters(form, params, skip=""):
    """Each filter of ``form`` that ``params`` (the GET query) sets, as
    {label, value, query}: ``query`` is the same query without that filter.

    Names in ``skip`` (space-separated) are left out, e.g. a status shown as
    tabs; the page number always is.
    """
    skipped = set(skip.split()) | {"page"}
    chips = []
    for bound in form:
        name = bound.html_name
        if name in skipped or bound.is_hidden:
            continue
        values = [value for value in params.getlist(name) if value.strip()]
        if not values:
            continue
        rest = params.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        chips.append(
            {
                "label": bound.label,
                "value": "、".join(_shown(bound.field, values)),
                "query": rest.urlencode(),
            }
        )
    return chips


def _shown(field, values):
    """The values as the form's options name them (the text as typed)."""
    choices = getattr(field.widget, "choices", None)
    if choices is None:
        return values
    names = {}
    for value, label in choices:
        if isinstance(label, list | tuple):  # an option group
            names.update((str(v), str(text)) for v, text in label)
        else:
            names[str(value)] = str(label)
    return [names.get(value, value) for value in values]
