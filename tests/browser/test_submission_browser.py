"""上报 in Chromium: the editor picks two items of an issued issue, makes one
上报件 for the city, downloads it, and finds the record on the item's page."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from briefing.models import Issue, Item
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = ("开发区项目集中开工", "开发区招商引资签约")


def test_editor_makes_a_submission_from_two_items_and_downloads_it(
    browser_context, shot
):
    publication = factories.make_publication(
        name="工作简报", office_name="测试县委办公室"
    )
    factories.make_editor(username="bianji", first_name="张编辑")
    department = factories.make_department(short_name="开发区", name="测试县开发区")
    issue = factories.make_issue(
        publication=publication,
        status=Issue.Status.ISSUED,
        number=12,
        total_number=345,
    )
    items = [
        factories.make_item(
            department=department,
            title=title,
            body=f"<p>{title}的正文。</p>",
            status=Item.Status.PUBLISHED,
            issue=issue,
        )
        for title in TITLES
    ]

    page = browser_context.new_page()
    login(page, "bianji", factories.PASSWORD)
    page.get_by_role("link", name="上报", exact=True).click()
    page.get_by_role("link", name="制作上报件").click()
    page.get_by_label("稿件来源").select_option(label=str(issue))
    page.get_by_role("button", name="列出稿件").click()
    for title in TITLES:
        page.get_by_label(f"{title}（开发区）").check()
    expect(page.get_by_label("报送对象")).to_have_value("市委办信息科")
    expect(page.get_by_label("报送单位")).to_have_value("测试县委办公室")
    expect(page.get_by_label("联系人")).to_have_value("张编辑")
    page.get_by_label("联系电话").fill("0373-6661234")
    page.get_by_label("合成一个文件").check()
    shot(page, "form")
    page.get_by_role("button", name="生成上报件").click()
    expect(page.get_by_text("上报件已生成。")).to_be_visible()
    expect(page.get_by_role("heading", name="报市委办信息科")).to_be_visible()
    shot(page, "record")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载上报件（Word，2 篇）").click()
    download = download_info.value
    assert download.suggested_filename.endswith("市委办信息科.docx")
    lines = [
        p.text
        for p in Document(io.BytesIO(open(download.path(), "rb").read())).paragraphs
    ]
    assert lines[0].startswith("报送单位：测试县委办公室")
    assert lines[1] == "联 系 人：张编辑\t联系电话：0373-6661234"
    for title in TITLES:
        assert title in lines
        assert f"{title}的正文。（测试县开发区）" in lines

    # The item's page lists the 上报.
    page.get_by_role("link", name=TITLES[0]).click()
    record = page.get_by_role("region", name="上报记录")
    expect(record.get_by_role("link", name="报市委办信息科")).to_be_visible()
    assert items[0].submissions.count() == 1
