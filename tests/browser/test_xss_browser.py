"""Stored XSS in a real browser.

The payloads of tests/briefing/test_sanitize.py (and a few more that set a
``window.__xss`` marker) go through the real new-item form and the editor's
copy-edit form, are adopted into an issue and signed off; then Chromium opens
every page that shows them. The browser context bypasses the site's CSP on
purpose: the CSP would block an inline handler anyway, and this test is about
the server-side sanitiser, so a payload that survived must be able to run.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from briefing.models import Item
from briefing.services import issues as issue_services
from briefing.services import items as item_services
from tests import factories
from tests.briefing.issue_factories import FakeRenderer
from tests.briefing.test_sanitize import IMG, PAYLOADS
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The word every payload item carries, for the search pages.
WORD = "防注入"

# Payloads that run without a click and leave a marker (alert() may be
# swallowed; a marker is not).
MARKER_PAYLOADS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    f'<img src="{IMG}" onerror="window.__xss=\'own-img\'">',
    "<svg onload=\"window.__xss='svg'\">",
    "<svg><script>window.__xss='svg-script'</script></svg>",
    "<details open ontoggle=\"window.__xss='details'\">x</details>",
    "<input autofocus onfocus=\"window.__xss='input'\">",
    "<body onload=\"window.__xss='body'\">",
    "<iframe srcdoc=\"<script>parent.__xss='srcdoc'</script>\"></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__xss='m'\">",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss='ns'>\">",
    "<!--<img src=\"--><img src=x onerror=window.__xss='comment'//\">",
    "<object data=\"javascript:window.__xss='object'\"></object>",
    "<embed src=\"javascript:window.__xss='embed'\">",
    "<video><source onerror=\"window.__xss='video'\"></video>",
    "<audio src=x onerror=\"window.__xss='audio'\"></audio>",
    '<style>@keyframes k{}</style><p style="animation-name:k" '
    "onanimationstart=\"window.__xss='anim'\">x</p>",
    "<a href=\"javascript:window.__xss='link'\">点我</a>",
]
ALL_PAYLOADS = PAYLOADS + MARKER_PAYLOADS

# What a page may not contain once it has run: the payload marker, inline
# handlers, script URLs, inline scripts and the elements no page of ours uses.
DOM_CHECK = """() => {
  const found = [];
  if (window.__xss !== undefined) found.push("marker " + window.__xss);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on")) found.push(el.tagName + " " + attr.name);
      if (/^(javascript|vbscript|data):/.test(value) && attr.name !== "alt"
          && attr.name !== "title" && attr.name !== "value")
        found.push(el.tagName + " " + attr.name + "=" + value.slice(0, 30));
    }
  }
  for (const s of document.querySelectorAll("script:not([src])")) {
    if (s.type !== "application/json") found.push("inline script");
  }
  const foreign = "iframe,object,embed,svg,math,base,video,audio,source,"
    + "marquee,x,template,noscript,frame,meta[http-equiv],main style";
  for (const el of document.querySelectorAll(foreign)) {
    // CKEditor's own toolbar and widget buttons are drawn with SVG icons.
    if (el.matches("svg.ck-icon, .ck-widget__type-around svg")) continue;
    found.push(el.tagName);
  }
  return found;
}"""


def visit(page, url, seen, *, wait_for=None):
    """Open ``url``, let the page settle, and collect what a payload left."""
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url
    if wait_for:
        expect(page.locator(wait_for).first).to_be_visible()
    problems = page.evaluate(DOM_CHECK)
    if problems:
        seen[url] = problems
    return response


def store_payloads(client, clerk):
    """Every payload through the real new-item form, submitted to the editors."""
    client.force_login(clerk)
    for n, payload in enumerate(ALL_PAYLOADS, 1):
        response = client.post(
            reverse("briefing:item_create"),
            {
                "title": f"{WORD}{n:02d}{payload}"[:200],
                "body": f"<p>{WORD}正文{n}</p>{payload}",
                "contact_name": payload[:30],
                "contact_phone": payload[:30],
                "action": "submit",
            },
        )
        assert response.status_code == 302, payload
    client.logout()
    return list(Item.objects.order_by("pk"))


def copy_edit(client, editor, items):
    """The editor's copy-edit form: the payload again, so the diff has both."""
    client.force_login(editor)
    for item, payload in zip(items, ALL_PAYLOADS, strict=True):
        item.refresh_from_db()
        response = client.post(
            reverse("briefing:item_editor_edit", args=[item.pk]),
            {
                "title": item.title,
                "body": f"{item.body}<p>编辑补充</p>{payload}",
                "note": payload[:100],
                "version": item.version,
            },
        )
        assert response.status_code == 302, payload
    client.logout()


def test_stored_payloads_do_not_run_on_any_page(
    browser, live_server, client, monkeypatch, shot
):
    department = factories.make_department()
    clerk = factories.make_clerk(department, first_name="王晓丽")
    editor = factories.make_editor(first_name="张编辑")
    signer = factories.make_signer()
    reader = factories.make_reader()
    issue = factories.make_issue(
        created_by=editor, distribution_list=factories.make_distribution()
    )
    factories.add_online_readers(issue.distribution_list, reader)
    section = factories.make_section("经济发展")

    items = store_payloads(client, clerk)
    assert len(items) == len(ALL_PAYLOADS)
    for item in items:
        item_services.adopt_item(item, issue, section, editor)
    copy_edit(client, editor, items)

    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    seen = {}
    pages = max(1, -(-len(items) // 25))

    try:
        # The clerk: 我的稿件 and every item page.
        login(page, clerk.username, factories.PASSWORD)
        for n in range(1, pages + 1):
            visit(page, f"{reverse('briefing:my_items')}?page={n}", seen)
        shot(page, "clerk-list")
        for item in items:
            visit(page, reverse("briefing:item_detail", args=[item.pk]), seen)
        shot(page, "clerk-item")
        context.clear_cookies()

        # The editor: 收稿箱, item, copy-edit (CKEditor loaded), diff, the issue.
        login(page, editor.username, factories.PASSWORD)
        for n in range(1, pages + 1):
            visit(page, f"{reverse('briefing:inbox')}?status=adopted&page={n}", seen)
        shot(page, "editor-inbox")
        for item in items:
            visit(page, reverse("briefing:item_detail", args=[item.pk]), seen)
            visit(
                page,
                reverse("briefing:item_editor_edit", args=[item.pk]),
                seen,
                wait_for=".ck-editor__editable",
            )
            visit(page, reverse("briefing:item_diff", args=[item.pk]), seen)
        shot(page, "editor-diff")
        visit(page, reverse("briefing:issue_detail", args=[issue.pk]), seen)
        shot(page, "issue-compose")
        visit(page, reverse("briefing:issue_preview", args=[issue.pk]), seen)

        # 签发 (with a stand-in renderer), then the pages of the issued items.
        monkeypatch.setattr(issue_services, "render_pdf", FakeRenderer())
        issue_services.submit_for_signoff(issue, editor)
        issue_services.sign_off_issue(issue, signer)
        visit(page, f"{reverse('reading:search')}?q={WORD}", seen)
        expect(page.locator(".search-hits li.card").first).to_be_visible()
        shot(page, "editor-search")
        context.clear_cookies()

        # The reader: the issue online and the search.
        login(page, reader.username, factories.PASSWORD)
        visit(page, reverse("reading:issue", args=[issue.pk]), seen)
        expect(page.get_by_text(f"{WORD}正文1", exact=True)).to_be_visible()
        shot(page, "reader-issue")
        visit(page, f"{reverse('reading:search')}?q={WORD}", seen)
        expect(page.locator(".search-hits li.card").first).to_be_visible()
        shot(page, "reader-search")
        page.wait_for_timeout(300)  # late handlers (media errors, toggles)
    finally:
        context.close()

    print(f"XSS payloads opened in Chromium: {len(ALL_PAYLOADS)}; dialogs: {dialogs}")
    assert dialogs == []
    assert seen == {}
