"""The 批示 box under each item of the reading page, written out in Python."""

from django import template
from django.utils.html import format_html
from django.utils.text import Truncator

register = template.Library()

# The same fields as includes/instruction_form_fields.html, which the page
# shows instead on the item whose 批示 was refused (with what was typed and
# what was wrong). An error page lands on this box, not on the item's
# headline: the item's text can be a screen or more above it.
BOX = """<details class="instruct no-print" id="item-{key}-instruct">
        <summary>批示</summary>
        <form method="post" action="{url}#item-{key}-instruct">
          <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
          <div class="field">
            <label for="instruct-{key}">对《{title}》的批示</label>
            <textarea id="instruct-{key}" name="text" rows="3" maxlength="2000" \
required></textarea>
          </div>
          <div class="field">
            <label for="instruct-{key}-deadline">办理时限</label>
            <input type="date" id="instruct-{key}-deadline" name="deadline" \
aria-describedby="instruct-{key}-deadline-help">
            <p class="help" id="instruct-{key}-deadline-help">可不填；填写后，\
未按时签收、反馈的单位将收到提醒。</p>
          </div>
          <div class="field">
            <label for="instruct-{key}-transfer">转办单位</label>
            <select id="instruct-{key}-transfer" name="transfer_to" multiple \
size="4" aria-describedby="instruct-{key}-transfer-help">
              {options}
            </select>
            <p class="help" id="instruct-{key}-transfer-help">可不选或多选；\
批示同时送{unit}办理。</p>
          </div>
          <button type="submit" class="button primary">提交批示</button>
        </form>
      </details>"""


@register.simple_tag(takes_context=True)
def instruct_box(context, item):
    """The empty 批示 form for ``item`` (a ``reading.selectors.ReadingItem``):
    one string per item, where the template's two dozen tags and lookups per
    item took half the page's rendering time. Rendered for each request (it
    holds the CSRF token), never cached."""
    return format_html(
        BOX,
        key=item.key,
        url=item.instruct_url,
        csrf=context["csrf_token"],
        title=Truncator(item.title).chars(20),
        options=context["transfer_options"],
        unit=item.unit,
    )
