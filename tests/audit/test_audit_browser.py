"""The audit log and the notification list in Chromium, at 1280 px and on a
375 px phone. Screenshots under test-output/shots/ with TEST_SHOTS=1."""

import pytest
from playwright.sync_api import expect

from audit.roles import AUDITOR
from audit.services import record_event
from notifications.models import Notification
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
RED = "rgb(200, 22, 29)"


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def lines_of(locator):
    """How many lines the text of an element takes on screen."""
    return locator.evaluate(
        """el => { const r = document.createRange(); r.selectNodeContents(el);
        return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"""
    )


def test_audit_log_reads_on_a_desktop_and_a_phone(browser_context, shot):
    auditor = factories.make_user(username="shenji", group=AUDITOR)
    for n in range(12):
        record_event(
            actor=None,
            action="pdf_integrity_failure",
            username=f"editor{n}",
            result="failure",
            # A long unbroken hash, as the sign-off and PDF events carry.
            reason="工作简报 第12期（总第345期）：SHA-256 不符（应为 "
            + "ab" * 32
            + "）",
        )
    Notification.objects.create(recipient=auditor, title="测试通知一")
    Notification.objects.create(recipient=auditor, title="测试通知二")
    page = browser_context.new_page()
    page.set_viewport_size(DESKTOP)
    login(page, "shenji", factories.PASSWORD)
    page.goto("/audit/")
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    row = page.locator("table tbody tr", has_text="签发文件·完整性校验失败").first
    assert lines_of(row.locator("td.result")) == 1, "“结果”一栏折行"
    assert lines_of(row.locator("td").first) == 1, "“时间”一栏折行"
    badge = page.locator(".notification-bell .badge")
    expect(badge).to_have_text("2")
    expect(badge).to_have_css("background-color", RED)
    shot(page, "desktop-audit")

    page.set_viewport_size(PHONE)
    page.reload()
    assert no_horizontal_scroll(page), "审计日志在 375 像素宽时整页横向滚动"
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    shot(page, "phone-audit")

    page.locator("summary", has_text="筛选").click()  # folded on a phone
    page.get_by_label("起始日期").fill("2026-02-01")
    page.get_by_label("截止日期").fill("2026-01-01")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("alert")).to_contain_text("起始日期不能晚于截止日期")
    assert no_horizontal_scroll(page)
    shot(page, "phone-audit-error")

    page.get_by_role("link", name="通知").click()
    expect(page.get_by_role("heading", name="通知")).to_be_visible()
    listing = page.locator(".notification-list")
    expect(listing).to_have_css("list-style-type", "none")
    expect(listing).to_have_css("padding-left", "0px")
    expect(page.locator(".notification-bell .badge")).to_have_css(
        "background-color", RED
    )
    assert no_horizontal_scroll(page)
    shot(page, "phone-notifications")
