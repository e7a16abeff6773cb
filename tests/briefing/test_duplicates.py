"""疑似重复: an editor opening an item sees earlier items of the last 12 months
(any unit, any status) whose text is a copy or a near copy."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import ItemCredit
from assessment.periods import Period
from assessment.selectors import unit_statistics
from audit.models import AuditEvent
from briefing.duplicates import shingles, similarity
from briefing.models import DuplicateDecision, Item
from briefing.services import items as services
from tests import factories

from .issue_factories import place_item

pytestmark = pytest.mark.django_db
D = Decimal

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
    item.refresh_from_db()
    services.index_for_duplicates(item)  # its keys carry the creation time
    return item, issue


def resubmitted(department, body, title="我县创建质量强县示范县"):
    clerk = factories.make_clerk(department)
    item = services.create_item(clerk, title=title, body=body)
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

    # The clerk is warned too: their unit's earlier item, with its title.
    client.force_login(copy.author)
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert f"相似度 95%： {TITLE} （民政局，已刊发，{issue}）" in page


def test_items_older_than_twelve_months_are_not_compared(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC))
    unit = factories.make_department("民政局", name="延津县民政局")
    published_original(unit, datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC))
    copy = resubmitted(unit, paragraphs(SENTENCES))
    client.force_login(factories.make_editor())
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert "疑似重复" not in page


# --- every check point, the editor's decisions, the comparison page -------------

NOW = datetime.datetime(2026, 11, 24, 9, tzinfo=datetime.UTC)


@pytest.fixture
def printed(time_machine):
    """民政局's item printed in 第12期 (June), as in the issue's report."""
    time_machine.move_to(NOW, tick=False)
    unit = factories.make_department("民政局", name="延津县民政局")
    return published_original(unit, datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))


def other_units_copy(short_name="开发区"):
    """The same text, edited, sent by another unit."""
    unit = factories.make_department(short_name, name=f"延津县{short_name}")
    edited = [SENTENCES[1], SENTENCES[0].replace("2026", "2027"), SENTENCES[2]]
    return resubmitted(unit, paragraphs(edited))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_clerk_is_warned_on_submit_without_the_other_units_title(client, printed):
    original, issue = printed
    clerk = factories.make_clerk(factories.make_department("开发区"))
    client.force_login(clerk)
    response = client.post(
        reverse("briefing:item_create"),
        {
            "title": "我县创建质量强县",
            "body": paragraphs(SENTENCES),
            "action": "submit",
        },
        follow=True,
    )
    warning = f"与另一单位的稿件相似度 100%（民政局，已刊发，{issue}）"
    assert any(warning in m for m in messages_of(response))
    page = plain(response)
    assert "疑似重复" in page and "已提交" in page  # submitted all the same
    assert f"相似度 100%：另一单位的稿件（民政局，已刊发，{issue}）" in page
    assert TITLE not in page  # another unit's item: no title, no link
    assert f"/duplicates/{original.pk}/" not in page


def test_the_editor_is_warned_on_adopt_and_before_and_on_submitting_for_sign_off(
    client, printed
):
    original, old_issue = printed
    copy = other_units_copy()
    editor = factories.make_editor()
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:item_detail", args=[copy.pk])))
    assert f"相似度 95%： {TITLE} （民政局，已刊发，{old_issue}） 比较" in page

    issue = factories.make_issue(distribution_list=factories.make_distribution())
    section = factories.make_section()
    response = client.post(
        reverse("briefing:item_move", args=[copy.pk, "adopt"]),
        {"issue": issue.pk, "section": section.pk, "version": copy.version},
        follow=True,
    )
    assert "已采用。" in messages_of(response)
    warning = (
        f"《{copy.title}》疑似重复："
        f"与《{TITLE}》相似度 95%（民政局，已刊发，{old_issue}）。"
    )
    assert warning in messages_of(response)

    compose = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))
    assert (
        f"《{copy.title}》（开发区）：相似度 95%，民政局，已刊发，{old_issue}"
        f"（ 比较《{TITLE}》 ）" in compose
    )
    response = client.post(
        reverse("briefing:issue_submit", args=[issue.pk]), follow=True
    )
    assert "已提交签发，等待签发人签发。" in messages_of(response)
    assert warning in messages_of(response)


def test_the_comparison_shows_both_items_side_by_side(client, printed):
    original, old_issue = printed
    copy = other_units_copy()
    client.force_login(factories.make_editor())
    response = client.get(
        reverse("briefing:item_duplicate", args=[copy.pk, original.pk])
    )
    page = plain(response)
    assert "相似度 95%" in page
    assert f"{TITLE} 民政局，已刊发，{old_issue}，2026-06-01" in page
    assert "本稿：我县创建质量强县示范县 开发区，已报送" in page
    rows = response.context["rows"]
    assert rows[0].kind == "replace"  # the titles differ
    assert any(row.kind == "delete" and "下一步" in row.left for row in rows)
    for label in ["不是重复的理由", "退回意见", "合并为合报：保留民政局的稿件"]:
        assert label in page
    # The published item cannot be closed, so it can only be the one kept.
    assert "合并为合报：保留开发区的稿件" not in page


def test_the_comparison_is_not_found_for_who_may_not_see_both(client, printed):
    original, _ = printed
    copy = other_units_copy()
    url = reverse("briefing:item_duplicate", args=[copy.pk, original.pk])
    client.force_login(copy.author)  # sees their own item, not 民政局's
    assert client.get(url).status_code == 404
    client.force_login(original.author)  # sees 民政局's, not 开发区's
    assert client.get(url).status_code == 404
    client.force_login(factories.make_signer())
    assert client.get(url).status_code == 404
    client.force_login(factories.make_editor())
    assert client.get(url).status_code == 200
    same = reverse("briefing:item_duplicate", args=[copy.pk, copy.pk])
    assert client.get(same).status_code == 404


def test_proceeding_with_a_reason_is_stored_shown_and_audited(client, printed):
    original, old_issue = printed
    copy = other_units_copy()
    editor = factories.make_editor(first_name="李编辑")
    client.force_login(editor)
    url = reverse("briefing:item_duplicate_proceed", args=[copy.pk, original.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "请填写理由" in plain(refused)

    reason = "今年是复评，数字已更新，与6月的创建稿不是同一件事"
    response = client.post(url, {"reason": reason}, follow=True)
    assert "已记录：两篇不是重复稿件。" in messages_of(response)
    page = plain(response)
    assert (
        f"已处理：不是重复，继续处理（李编辑，2026-11-24 17:00）。理由：{reason}"
        in page
    )
    assert f"与民政局《{TITLE}》不是重复：{reason}" in page  # the timeline
    decision = DuplicateDecision.objects.get()
    assert (decision.item, decision.other, decision.decided_by) == (
        copy,
        original,
        editor,
    )
    audit = AuditEvent.objects.get(action="item.duplicate_proceed")
    assert audit.user == editor and reason in audit.reason
    assert audit.object_id == str(copy.pk)

    # Decided: no more warnings on 采用, and the other item shows it as well.
    issue = factories.make_issue()
    response = client.post(
        reverse("briefing:item_move", args=[copy.pk, "adopt"]),
        {"issue": issue.pk, "section": factories.make_section().pk},
        follow=True,
    )
    assert not any("疑似重复" in m for m in messages_of(response))
    again = client.post(url, {"reason": "再来一次"})
    assert again.status_code == 409
    assert DuplicateDecision.objects.count() == 1

    # Only editors decide.
    client.force_login(copy.author)
    assert client.post(url, {"reason": reason}).status_code == 404


def test_merging_keeps_both_units_and_splits_the_assessment(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 7, 10, 9, tzinfo=datetime.UTC))
    mzj = factories.make_department("民政局", name="延津县民政局")
    kfq = factories.make_department("开发区", name="延津县开发区")
    first = resubmitted(mzj, paragraphs(SENTENCES))
    second = resubmitted(kfq, paragraphs(SENTENCES[:3]))
    editor = factories.make_editor()
    client.force_login(editor)
    page = plain(
        client.get(reverse("briefing:item_duplicate", args=[second.pk, first.pk]))
    )
    assert "合并为合报：保留民政局的稿件" in page
    assert "合并为合报：保留开发区的稿件" in page

    response = client.post(
        reverse("assessment:merge", args=[first.pk, second.pk]),
        {"version": second.version},
        follow=True,
    )
    assert (
        f"已合并：开发区的稿件已标为未采用（已合并到《{first.title}》），"
        "本稿为民政局、开发区合报。"
    ) in messages_of(response)
    second.refresh_from_db()
    assert second.status == Item.Status.NOT_USED
    assert second.events.last().comment == f"已合并到《{first.title}》"
    assert {
        (c.department.short_name, c.share)
        for c in ItemCredit.objects.filter(item=first)
    } == {("民政局", Decimal("0.5")), ("开发区", Decimal("0.5"))}
    assert first.events.filter(action="duplicate_merge").exists()
    audited = set(
        AuditEvent.objects.filter(user=editor).values_list("action", "object_id")
    )
    assert {
        ("item.not_use", str(second.pk)),
        ("item.duplicate_merge", str(first.pk)),
        ("assessment.set_credits", str(first.pk)),
    } <= audited
    page = plain(client.get(reverse("briefing:item_detail", args=[first.pk])))
    assert "已处理：合并为合报" in page

    # The kept item adopted: each unit gets half of it, and 开发区's own item,
    # merged away, counts for nothing (neither 报送 nor 未采用). By hand, July:
    # 民政局 and 开发区 each submitted ½, adopted ½, not used 0.
    issue = factories.make_issue()
    services.adopt_item(first, issue, factories.make_section(), editor)
    period = Period.range(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31))
    result = unit_statistics(period, today=datetime.date(2026, 8, 15))
    for unit in (mzj, kfq):
        row = result.row_for(unit.pk)
        assert (row.submitted, row.adopted, row.not_used) == (D("0.5"), D("0.5"), 0)


def test_an_item_merged_away_counts_only_through_the_joint_item(client, time_machine):
    """Statistics, ranking, drill-down and export agree, figures by hand."""
    time_machine.move_to(datetime.datetime(2026, 7, 10, 9, tzinfo=datetime.UTC))
    mzj = factories.make_department("民政局", name="延津县民政局", order=1)
    kfq = factories.make_department("开发区", name="延津县开发区", order=2)
    kept = resubmitted(mzj, paragraphs(SENTENCES))
    resubmitted(mzj, f"<p>{OTHER}</p>", title="民政局养老服务")
    merged = resubmitted(kfq, paragraphs(SENTENCES[:3]), title="开发区质量强县")
    editor = factories.make_editor()
    client.force_login(editor)
    client.post(
        reverse("assessment:merge", args=[kept.pk, merged.pk]),
        {"version": merged.version},
    )
    services.adopt_item(kept, factories.make_issue(), factories.make_section(), editor)

    # July, by hand. 民政局: submitted ½ (joint) + 1 (own) = 1.5, adopted ½.
    # 开发区: submitted ½, adopted ½ (its merged item counts for nothing; it
    # used to add 1 submitted and 1 not used). Both under the monthly quota of
    # 2: score ½ × 1 − 1 = −0.5 each; equal scores and adoptions, so the rank
    # goes by 报送量: 民政局 1st, 开发区 2nd (tied 1st when 开发区 had 1.5 too).
    query = {"period": "month", "year": 2026, "month": 7}
    period = Period.month(2026, 7)
    result = unit_statistics(period, today=datetime.date(2026, 8, 15))
    mine, theirs = result.row_for(mzj.pk), result.row_for(kfq.pk)
    assert (mine.submitted, mine.adopted, mine.not_used) == (D("1.5"), D("0.5"), 0)
    assert (theirs.submitted, theirs.adopted, theirs.not_used) == (
        D("0.5"),
        D("0.5"),
        0,
    )
    assert (mine.score, theirs.score) == (D("-0.5"), D("-0.5"))
    assert (mine.rank, theirs.rank) == (1, 2)
    assert theirs.adoption_rate == 1

    drill = plain(
        client.get(reverse("assessment:drill", args=[kfq.pk, "submitted"]), query)
    )
    assert kept.title in drill and merged.title not in drill
    drill = plain(
        client.get(reverse("assessment:drill", args=[kfq.pk, "not_used"]), query)
    )
    assert merged.title not in drill

    csv_rows = {
        row[1]: row
        for row in csv.reader(
            io.StringIO(
                client.get(reverse("assessment:export", args=["csv"]), query)
                .content.decode()
                .lstrip("\ufeff")
            )
        )
    }
    header = csv_rows["单位"]
    columns = [header.index(name) for name in ("名次", "报送量", "采用量", "未采用")]
    assert [csv_rows["民政局"][i] for i in columns] == ["1", "1.5", "0.5", "0"]
    assert [csv_rows["开发区"][i] for i in columns] == ["2", "0.5", "0.5", "0"]


def test_merging_items_of_one_unit_is_refused(client, printed):
    original, _ = printed
    copy = resubmitted(original.department, paragraphs(SENTENCES))
    client.force_login(factories.make_editor())
    response = client.post(
        reverse("assessment:merge", args=[original.pk, copy.pk]),
        {"version": copy.version},
        follow=True,
    )
    assert any("无需合报" in m for m in messages_of(response))
    copy.refresh_from_db()
    assert copy.status == Item.Status.SUBMITTED
    assert not DuplicateDecision.objects.exists()
