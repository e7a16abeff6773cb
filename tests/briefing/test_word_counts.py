"""字数 where editors and clerks look for it, and the printed length on the
compose page against the publication's target and length guide."""

import io
import re
from html import escape

import pytest
from django.urls import reverse
from pypdf import PdfReader

from briefing.hygiene import char_count
from briefing.models import Item
from briefing.pdf import render_pdf
from briefing.sanitize import html_to_text
from briefing.selectors.issues import issue_html
from briefing.services import items as services
from tests import factories

from .issue_factories import composed_issue, place_item

pytestmark = pytest.mark.django_db

SENTENCE = "县开发区千方百计赶进度，截至目前共谋划项目 77 个，总投资 141.8 亿元。"


def plain(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.content.decode()))


def test_saving_stores_the_count_of_the_body_text_not_its_markup():
    clerk = factories.make_clerk(factories.make_department("开发区"))
    item = services.create_item(
        clerk,
        title="标题不算在正文字数内",
        body="<p><strong>加粗</strong>的字 and 2026</p><p>第二段。</p>",
    )
    # 加粗的字 (4) + and (3) + 2026 (4) + 第二段。(4); spaces and tags not.
    assert item.char_count == 15


def test_the_editor_form_shows_the_count_against_the_guide(client):
    clerk = factories.make_clerk(factories.make_department("开发区"))
    factories.make_publication(item_length_guide=20)
    client.force_login(clerk)
    item = services.create_item(clerk, title="标题", body=f"<p>{SENTENCE}</p>")
    page = client.get(reverse("briefing:item_edit", args=[item.pk]))
    assert "正文 36 字（建议不超过 20 字，已超出 16 字）" in plain(page)


def test_the_inbox_shows_each_items_count(client):
    editor = factories.make_editor()
    clerk = factories.make_clerk(factories.make_department("开发区"))
    item = services.create_item(
        clerk, title="开发区项目建设", body=f"<p>{SENTENCE}</p>"
    )
    services.submit_item(item, clerk)
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:inbox")))
    assert "字数" in page
    assert "开发区项目建设 36 开发区" in page


def test_compose_page_counts_items_sections_and_issue_and_estimates_pages(client):
    editor = factories.make_editor()
    publication = factories.make_publication(item_length_guide=300, target_pages=2)
    issue = composed_issue(publication, items=0)
    first, second = factories.make_section("项目建设"), factories.make_section("民生")
    bodies = {
        "短稿": f"<p>{escape(SENTENCE)}</p>",
        "长稿": "".join(f"<p>{escape(SENTENCE * 3)}</p>" for _ in range(3)),
    }
    for title, body in bodies.items():
        place_item(issue, first, title=title, body=body)
    for n in range(6):
        place_item(issue, second, title=f"民生稿{n}", body=bodies["长稿"])
    for item in Item.objects.filter(issue=issue):  # counted as the services do
        item.char_count = char_count(html_to_text(item.body))
        item.save(update_fields=["char_count"])
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))

    assert "短稿 （" in page and " 36 字 " in page
    assert "长稿 （" in page and "324 字，超出建议篇幅 24 字" in page
    assert "【项目建设】 360 字" in page
    assert "【民生】 1944 字" in page
    pages = len(PdfReader(io.BytesIO(render_pdf(issue_html(issue)))).pages)
    estimate = int(re.search(r"预计印刷 (\d+) 页（目标 2 页）", page).group(1))
    assert "全期正文 2304 字" in page
    assert abs(estimate - pages) <= 1 and estimate > 2
    assert f"预计印刷 {estimate} 页，超过本刊物的目标 2 页" in page


def test_no_warning_within_the_target(client):
    editor = factories.make_editor()
    issue = composed_issue(factories.make_publication(target_pages=4), items=2)
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))
    assert "预计印刷 1 页（目标 4 页）" in page
    assert "超过本刊物的目标" not in page
