"""A double click sends a form once (static/core/forms.js)."""

import pytest
from playwright.sync_api import expect

from briefing.models import Item
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jianbao@2026"


def new_item_page(browser_context, title, body):
    """The clerk's 写新稿件 form, filled in."""
    page = browser_context.new_page()
    login(page, "kfq_clerk", PASSWORD)
    page.get_by_role("link", name="写新稿件").click()
    page.get_by_label("标题").fill(title)
    page.locator(".ck-editor__editable").click()
    page.keyboard.type(body)
    return page


def test_second_click_while_the_first_is_on_its_way_sends_nothing(
    demo, browser_context
):
    page = new_item_page(browser_context, "连点两次的稿件", "正文一段。")
    # The server is slow to answer: each submission is held until released.
    held = []
    page.route(
        "**/items/new/",
        lambda route: (
            held.append(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    # Clicks by mouse position: a locator click would wait for the first
    # submission's page before clicking again.
    save = page.get_by_role("button", name="保存草稿")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    page.mouse.click(x, y)  # impatient: the page still shows the form
    page.wait_for_timeout(500)
    sent = len(held)
    for route in held:
        route.continue_()
    expect(page.get_by_text("草稿已保存").first).to_be_visible()

    assert sent == 1
    assert Item.objects.filter(title="连点两次的稿件").count() == 1


def test_a_form_the_browser_refused_is_sent_once_corrected(demo, browser_context):
    page = new_item_page(browser_context, "", "只有正文。")
    # The browser refuses the empty title before any submission: nothing is
    # held, and the corrected form goes through at the next click.
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_label("标题").fill("补上标题的稿件")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存").first).to_be_visible()
    assert Item.objects.filter(title="补上标题的稿件").count() == 1
