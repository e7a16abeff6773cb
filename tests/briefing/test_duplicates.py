"""疑似重复: an editor opening an item sees earlier items of the last 12 months
(any unit, any status) whose text is a copy or a near copy."""

import datetime
import re

import pytest
from django.urls import reverse

from briefing.duplicates import shingles, similarity
from briefing.services import items as services
from tests import factories

from .issue_factories import place_item

pytestmark = pytest.mark.django_db

TITLE = "我县成功创建“河南省质量强县示范县”"
SENTENCES = [
    "近日，省市场监督管理局公布了2026年河南省质量强县示范县名单，我县成功入选。",
    "近年来，我县坚持质量第一、效益优先，深入实施质量强县战略。",
    "全县累计培育省长质量奖企业2家、市长质量奖企业7家，制修订标准31项。",
    "下一步，我县将持续完善质量基础设施，推动质量工作再上新台阶。",
]
OTHER = (
    "今年以来，县民政局扎实推进养老服务体系建设，新建社区养老服务中心5个，"
    "为1200名困难老人提供居家上门服务，老年助餐点覆盖全部乡镇。"
)


def paragraphs(sentences):
    return "".join(f"<p>{sentence}</p>" for sentence in sentences)


def plain(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.content.decode()))


def test_figures_spacing_and_punctuation_do_not_hide_a_copy():
    original = shingles("".join(SENTENCES))
    changed = shingles("".join(SENTENCES).replace("31", "45").replace("，", ", "))
    assert similarity(original, changed) == 1.0
    assert similarity(original, shingles(OTHER)) < 0.1


def published_original(department, created):
    """The item printed in an earlier issue, written through the services."""
    clerk = factories.make_clerk(department)
    item = services.create_item(clerk, title=TITLE, body=paragraphs(SENTENCES))
    issue = factories.make_issue(status="issued", number=12, total_number=345)
    place_item(issue, factories.make_section())  # the issue has other items too
    type(item).objects.filter(pk=item.pk).update(
        status="published", issue=issue, created_at=created
    )
    return item, issue


def resubmitted(department, body):
    clerk = factories.make_clerk(department)
    item = services.create_item(clerk, title="我县创建质量强县示范县", body=body)
    return services.submit_item(item, clerk)


def test_a_resubmitted_copy_is_shown_to_the_editor_with_the_earlier_item(
    client, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC))
    unit = factories.make_department("民政局", name="延津县民政局")
    original, issue = published_original(
        unit, datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )
    # Edited: sentences reordered, a figure changed, a sentence cut, new title.
    edited = [SENTENCES[1], SENTENCES[0].replace("2026", "2027"), SENTENCES[2]]
    copy = resubmitted(unit, paragraphs(edited))
    unrelated = resubmitted(unit, f"<p>{OTHER}</p>")

    client.force_login(factories.make_editor())
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert "疑似重复" in page
    assert f"相似度 95%： {TITLE} （民政局，已刊发，{issue}）" in page
    page = plain(client.get(reverse("briefing:item_detail", args=[unrelated.pk])))
    assert "疑似重复" not in page

    # The clerk sees no other item of any unit.
    client.force_login(copy.author)
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert "疑似重复" not in page


def test_items_older_than_twelve_months_are_not_compared(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC))
    unit = factories.make_department("民政局", name="延津县民政局")
    published_original(unit, datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC))
    copy = resubmitted(unit, paragraphs(SENTENCES))
    client.force_login(factories.make_editor())
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert "疑似重复" not in page
