"""Issue 19, walked through as each role would, at 1280 px and 375 px:
the signer reads the whole issue and signs with an opinion; the clerk sees
why an item came back; the admin has a home page; phones fold the filters."""

import re

import pytest
from playwright.sync_api import expect

from briefing.models import Issue, Item
from tests import factories
from tests.briefing.issue_factories import place_item
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_signer_reads_the_whole_issue_confirms_and_signs_with_an_opinion(
    browser_context, shot
):
    publication = factories.make_publication(
        name="工作简报", number_year=2026, last_number=11, last_total_number=344
    )
    issue = factories.make_issue(
        publication,
        distribution_list=factories.make_distribution(
            name="县领导", lines="本期发：县委常委，副县长。"
        ),
        status=Issue.Status.PENDING_SIGNOFF,
    )
    section = factories.make_section(name="项目建设")
    place_item(
        issue,
        section,
        department=factories.make_department(short_name="开发区"),
        title="开发区项目集中开工",
        body="<p>开发区十二个重点项目今日集中开工，总投资八亿元。</p>",
    )
    factories.make_signer(username="qianfa", first_name="刘主任")

    page = browser_context.new_page()
    page.set_viewport_size(WIDE)
    login(page, "qianfa", factories.PASSWORD)
    page.goto(f"/issues/{issue.pk}/")
    # The text itself, as the reader will see it, not only the titles.
    text = page.get_by_role("article", name="本期全文")
    expect(text.get_by_text("总投资八亿元")).to_be_visible()
    expect(text.get_by_text("【项目建设】")).to_be_visible()
    expect(text.get_by_text("（开发区）")).to_be_visible()
    expect(text.get_by_text("本期发：县委常委，副县长。")).to_be_visible()
    opinion = page.get_by_label("签发意见")
    expect(opinion).to_have_value("同意印发")
    shot(page, "signing-1280")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, "signing-375")
    page.set_viewport_size(WIDE)

    # Signing asks first; saying no leaves the issue as it was.
    questions = []

    def answer_no(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    page.get_by_role("button", name="签发", exact=True).click()
    page.wait_for_timeout(300)
    assert "第12期（总第345期）" in questions[0]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PENDING_SIGNOFF

    opinion.fill("同意印发，请尽快分送。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="签发", exact=True).click()
    message = page.locator(".message.success")
    expect(message).to_have_text("已签发，第12期（总第345期）已生成 PDF。")
    expect(page.locator(".issue-meta")).to_contain_text("同意印发，请尽快分送。")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("签发")
    expect(timeline).to_contain_text("同意印发，请尽快分送。")
    shot(page, "signed-1280")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED


def test_html_preview_is_laid_out_at_the_phone_width(browser, live_server, shot):
    issue = factories.make_issue(distribution_list=factories.make_distribution())
    place_item(issue, factories.make_section(), title="预览稿件")
    factories.make_editor(username="bianji")
    # A phone (is_mobile): the viewport meta tag decides the layout width.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    login(page, "bianji", factories.PASSWORD)
    page.goto(f"/issues/{issue.pk}/preview/")
    expect(page.get_by_text("预览稿件")).to_be_visible()
    # Without a viewport tag a phone lays the page out 980 px wide and shrinks it.
    assert page.evaluate("window.innerWidth") == 375
    shot(page, "preview-375")
    context.close()


def test_clerk_sees_the_return_comment_and_the_reviewers_opinion_where_they_look(
    browser_context, shot
):
    from briefing.services.items import return_item

    unit = factories.make_department(short_name="开发区", requires_unit_review=True)
    clerk = factories.make_clerk(unit, username="kfq_xxy", first_name="王信息")
    factories.make_reviewer(unit, username="kfq_sh", first_name="李审核")
    editor = factories.make_editor(username="bianji", first_name="张编辑")
    returned = factories.make_item(
        department=unit,
        author=clerk,
        title="开发区项目集中开工",
        status=Item.Status.PENDING_REVIEW,
    )
    approved = factories.make_item(
        department=unit,
        author=clerk,
        title="开发区招商引资签约",
        status=Item.Status.PENDING_REVIEW,
    )

    # The unit reviewer approves both, one with an opinion.
    page = browser_context.new_page()
    page.set_viewport_size(WIDE)
    login(page, "kfq_sh", factories.PASSWORD)
    for item, opinion in ((returned, ""), (approved, "数据已核实，可报送。")):
        page.goto(f"/items/{item.pk}/")
        page.get_by_label("审核意见（可不填）").fill(opinion)
        page.get_by_role("button", name="审核通过").click()
        expect(page.get_by_text("已审核通过")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    returned.refresh_from_db()
    return_item(returned, editor, "请补充项目投资额和开工时间。")

    login(page, "kfq_xxy", factories.PASSWORD)
    page.goto("/items/mine/")
    row = page.get_by_role("row").filter(has_text="开发区项目集中开工")
    expect(row).to_contain_text("退回意见：请补充项目投资额和开工时间。")
    other = page.get_by_role("row").filter(has_text="开发区招商引资签约")
    expect(other).to_contain_text("审核意见：数据已核实，可报送。")
    shot(page, "clerk-list-1280")
    page.set_viewport_size(PHONE)
    expect(row).to_contain_text("退回意见：请补充项目投资额和开工时间。")
    shot(page, "clerk-list-375")
    page.set_viewport_size(WIDE)

    # On the item page it comes first, above the text, not at the foot of 处理记录.
    row.get_by_role("link", name="开发区项目集中开工").click()
    note = page.get_by_role("note", name="退回意见")
    expect(note).to_contain_text("张编辑")
    expect(note).to_contain_text("请补充项目投资额和开工时间。")
    note_top = note.bounding_box()["y"]
    assert (
        note_top
        < page.get_by_role("heading", name="开发区项目集中开工").bounding_box()["y"]
    )
    shot(page, "clerk-item-1280")


def test_admin_has_a_home_the_rules_in_the_menu_and_one_form_for_a_new_person(
    browser_context, shot
):
    from core.models import PasswordState
    from departments.models import Membership

    factories.make_admin(username="guanli", first_name="赵管理")
    factories.make_department(short_name="开发区", name="县经济开发区管委会")
    page = browser_context.new_page()
    page.set_viewport_size(WIDE)
    login(page, "guanli", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/manage/$"))
    expect(page.get_by_role("heading", name="管理首页")).to_be_visible()
    for heading in ("人员与角色", "单位与刊物", "信息考核"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    shot(page, "admin-home-1280")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, "admin-home-375")
    page.set_viewport_size(WIDE)

    # 计分规则 is in the menu.
    page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="计分规则"
    ).click()
    expect(page).to_have_url(re.compile(r"/stats/rules/$"))

    # From the admin, 查看站点 leads back to this home, not round to /admin/.
    page.goto("/admin/")
    page.get_by_role("link", name="查看站点").click()
    expect(page).to_have_url(re.compile(r"/manage/$"))

    # One form: account, name, unit and role; it says the password is temporary.
    page.get_by_role("link", name="新增人员（账号、单位与角色）").click()
    expect(page.get_by_text("首次登录时，须先把这里设置的初始密码改为")).to_be_visible()
    page.get_by_label("用户名").fill("kfq_new")
    page.get_by_label("姓名").fill("孙新人")
    page.get_by_label("角色").select_option(label="信息员")
    page.get_by_label("密码:", exact=True).fill("Chushi@2026x")
    page.get_by_label("密码确认").fill("Chushi@2026x")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("信息员必须选择所在单位。")).to_be_visible()
    page.get_by_label("单位").select_option(label="县经济开发区管委会")
    page.get_by_label("密码:", exact=True).fill("Chushi@2026x")
    page.get_by_label("密码确认").fill("Chushi@2026x")
    shot(page, "admin-new-person")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("成功")).to_be_visible()
    membership = Membership.objects.get(user__username="kfq_new")
    assert (membership.department.short_name, membership.role) == ("开发区", "clerk")
    assert membership.user.first_name == "孙新人"
    assert PasswordState.objects.get(user=membership.user).must_change


def test_item_form_counts_the_title_and_names_the_text_box(browser_context, shot):
    unit = factories.make_department(short_name="开发区")
    factories.make_clerk(unit, username="kfq_xxy")
    page = browser_context.new_page()
    login(page, "kfq_xxy", factories.PASSWORD)
    page.goto("/items/new/")
    # A screen reader announces the editing area as 正文, not "编辑区域：main".
    body = page.get_by_role("textbox", name="正文")
    expect(body).to_be_visible()
    title = page.get_by_label("标题")
    expect(page.get_by_text("0/200 字")).to_be_visible()
    title.fill("开发区项目集中开工")
    expect(page.get_by_text("9/200 字")).to_be_visible()
    title.fill("长" * 250)  # cut at the limit by the browser: now it says so
    expect(page.get_by_text("200/200 字（已到上限）")).to_be_visible()
    shot(page, "title-counter")


def test_phone_folds_the_filters_behind_a_button_and_shows_them_as_chips(
    browser_context, shot
):
    unit = factories.make_department(short_name="开发区")
    for title in ("开发区项目集中开工", "民政救助全覆盖"):
        factories.make_item(department=unit, title=title, status=Item.Status.SUBMITTED)
    factories.make_editor(username="bianji")
    factories.make_user(username="shenji", group="审计员")
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    login(page, "bianji", factories.PASSWORD)
    page.goto("/inbox/")
    keyword = page.get_by_label("关键词")
    expect(keyword).to_be_hidden()  # the first screen shows the items
    fold = page.locator("summary", has_text="筛选")
    expect(fold).to_be_visible()
    shot(page, "inbox-375-folded")
    fold.click()
    keyword.fill("开工")
    page.get_by_role("button", name="筛选", exact=True).click()
    chip = page.get_by_role("link", name="去掉筛选条件：关键词：开工")
    expect(chip).to_be_visible()
    expect(fold).to_contain_text("（1）")
    expect(page.get_by_role("link", name="民政救助全覆盖")).to_have_count(0)
    no_sideways_scroll(page)
    shot(page, "inbox-375-chip")
    chip.click()
    expect(page.get_by_role("link", name="民政救助全覆盖")).to_be_visible()

    # On a wide screen the form is simply there, and no extra button.
    page.set_viewport_size(WIDE)
    expect(page.get_by_label("关键词")).to_be_visible()
    expect(fold).to_be_hidden()
    page.get_by_role("button", name="退出").click()

    # The audit log's wide table scrolls inside its box at 1280 px: the
    # 来源地址 column can be reached, the page itself does not scroll sideways.
    login(page, "shenji", factories.PASSWORD)
    page.goto("/audit/")
    header = page.get_by_role("columnheader", name="来源地址")
    header.scroll_into_view_if_needed()
    expect(header).to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "audit-1280")


def test_statistics_period_form_folds_on_a_phone_naming_the_period(
    browser_context, shot
):
    factories.make_editor(username="bianji")
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    login(page, "bianji", factories.PASSWORD)
    page.goto("/stats/?period=month&year=2026&month=7")
    fold = page.locator("summary", has_text="统计期间：2026年7月")
    expect(fold).to_be_visible()
    expect(page.get_by_label("统计周期")).to_be_hidden()
    fold.click()
    page.get_by_label("统计周期").select_option(label="年度")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("summary", has_text="统计期间：2026年")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "statistics-375")
    page.set_viewport_size(WIDE)
    expect(page.get_by_label("统计周期")).to_be_visible()
