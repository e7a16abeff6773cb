"""The filters in use on a list page, shown as chips (includes/filter_form.html),
and list pages' form fields written out in Python."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def form_field(context, field):
    """``field`` with its label and errors, as includes/form_field.html writes
    it, written out in Python (as ``core.widgets`` writes the widgets): the
    inbox shows nine on every page, and the template per field cost as much
    as all the page's rows. Hidden fields, check boxes and fields with a help
    text go through the template."""
    helper = context.get("helper")
    if field.is_hidden or field.help_text or field.widget_type == "checkbox":
        return render_to_string(
            "includes/form_field.html", {"field": field, "helper": helper}
        )
    # A form shown again unsaved (``helper``) shows no errors, as the template.
    errors = None if helper else field.errors
    html = (
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}</label>\n"
        f"  {field}\n"
    )
    if errors:
        html += f"  {errors}\n"
    return mark_safe(f"{html}</div>\n")


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
