"""In Chromium: the statistics table is readable on a 375 px phone and on a
desktop. Screenshots under test-output/shots/ with TEST_SHOTS=1."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.management.commands.load_demo import DEMO_PASSWORD
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def page_scrolls_sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_statistics_table_rows_stay_short_without_page_scroll(
    browser_context, shot, viewport
):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page = browser_context.new_page()
    page.set_viewport_size(viewport)
    login(page, "editor", DEMO_PASSWORD)
    page.goto("/stats/?period=year&year=2026")
    table = page.locator("table.stats-table")
    expect(table).to_be_visible()
    shot(page, "statistics")

    assert not page_scrolls_sideways(page), "统计表页面出现横向滚动"
    detail = page.get_by_role("columnheader", name="得分明细")
    assert detail.bounding_box()["width"] >= 200, "得分明细一栏被挤得太窄"
    heights = [row.bounding_box()["height"] for row in table.locator("tbody tr").all()]
    # Before: a row of ten score lines was 1,160 px high on a phone.
    assert heights and max(heights) < 400, f"统计表行高 {max(heights)} 像素"
    # The table scrolls inside its box on a phone: its last column can be reached.
    table.locator("tbody tr").first.locator("td.lines").scroll_into_view_if_needed()
    assert not page_scrolls_sideways(page)
