"""The pool (已采用，待编入, issue 19): adopting without an issue, placing into
an issue on the compose page, and the inbox's batch actions."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import selectors as assessment
from assessment.periods import Period
from audit.models import AuditEvent
from briefing import workflow
from briefing.models import Issue, Item, ItemEvent
from briefing.services import items as services
from briefing.services.errors import StaleVersionError, WorkflowError
from notifications.models import Notification
from tests.factories import make_section

from .item_helpers import S, item_in_state, make_cast

pytestmark = pytest.mark.django_db

INBOX = reverse("briefing:inbox")
BATCH = reverse("briefing:inbox_batch")


def detail(item):
    return reverse("briefing:item_detail", args=[item.pk])


def ticks(*items):
    return [f"{item.pk}:{item.version}" for item in items]


def page_text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- services ------------------------------------------------------------------


def test_adopt_without_an_issue_puts_the_item_in_the_pool(
    django_capture_on_commit_callbacks,
):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        pooled = services.adopt_item(item, None, None, cast.editor)
    assert pooled.status == S.ADOPTED and pooled.issue is None
    assert pooled.section is None and pooled.position is None
    assert workflow.state_of(pooled) == workflow.POOLED
    event = pooled.events.get(action="adopt")
    assert (event.from_status, event.to_status) == (S.SUBMITTED, S.ADOPTED)
    assert event.comment == "采用，待编入"
    assert AuditEvent.objects.filter(action="item.adopt", object_id=str(item.pk))
    assert Notification.objects.filter(
        recipient=cast.clerk, body__contains="待编入简报"
    ).exists()


def test_place_puts_a_pooled_item_last_in_the_section():
    cast = make_cast()
    first = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    pooled = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), None, None, cast.editor
    )
    placed = services.place_item(pooled, cast.issue, cast.section, cast.other_editor)
    assert (placed.issue, placed.section, placed.position) == (
        cast.issue,
        cast.section,
        first.position + 1,
    )
    assert placed.status == S.ADOPTED
    event = placed.events.last()
    assert event.action == "place" and event.actor == cast.other_editor
    assert event.comment == f"编入{cast.issue}【{cast.section.name}】"
    assert AuditEvent.objects.filter(action="item.place", object_id=str(placed.pk))
    # Placed once: a second click is refused in words, nothing moves twice.
    with pytest.raises(WorkflowError, match="不能执行“编入本期”"):
        services.place_item(placed, cast.issue, cast.section, cast.editor)
    assert placed.events.filter(action="place").count() == 1


def test_place_needs_an_issue_being_composed_and_a_section():
    cast = make_cast()
    pooled = item_in_state(cast, workflow.POOLED)
    with pytest.raises(WorkflowError, match="请选择栏目"):
        services.place_item(pooled, cast.issue, None, cast.editor)
    Issue.objects.filter(pk=cast.issue.pk).update(status=Issue.Status.PENDING_SIGNOFF)
    with pytest.raises(WorkflowError, match="已不在组稿中"):
        services.place_item(pooled, cast.issue, cast.section, cast.editor)
    Issue.objects.filter(pk=cast.issue.pk).update(status=Issue.Status.DRAFT)
    with pytest.raises(StaleVersionError):
        services.place_item(
            pooled, cast.issue, cast.section, cast.editor, version=pooled.version - 1
        )
    pooled.refresh_from_db()
    assert workflow.state_of(pooled) == workflow.POOLED


def test_an_item_goes_back_to_the_pool_from_its_issue_and_can_be_unadopted():
    cast = make_cast()
    item = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    back = services.return_to_pool(item, cast.editor)
    assert back.status == S.ADOPTED and back.issue is None and back.position is None
    assert back.events.last().comment == f"从{cast.issue}移回待编池"
    # Copy-editing in the pool is allowed (no issue is frozen).
    saved = services.editor_save_item(
        back,
        cast.other_editor,
        version=back.version,
        title="改过的标题",
        body="<p>改</p>",
    )
    assert saved.title == "改过的标题"
    undone = services.unadopt_item(saved, cast.other_editor)
    assert undone.status == S.EDITING and undone.claimed_by == cast.other_editor
    # Out of an issue sent for sign-off: refused.
    frozen = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    Issue.objects.filter(pk=cast.issue.pk).update(status=Issue.Status.PENDING_SIGNOFF)
    with pytest.raises(WorkflowError, match="已不在组稿中"):
        services.return_to_pool(frozen, cast.editor)


def test_a_pooled_item_counts_as_adopted_in_the_assessment():
    """采用 is counted at the adopt event while the item is 已采用 (or 已刊发):
    the pool is 已采用, so it counts; placing it later does not count again;
    撤销采用 takes it back."""
    cast = make_cast()
    item = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), None, None, cast.editor
    )
    today = timezone.localdate()
    period = Period.month(today.year, today.month)

    def adopted():
        stats = assessment.unit_statistics(period, today=today)
        return stats.row_for(cast.department.pk).adopted

    assert adopted() == 1
    item = services.place_item(item, cast.issue, cast.section, cast.editor)
    item = services.return_to_pool(item, cast.editor)
    assert adopted() == 1
    services.unadopt_item(item, cast.editor)
    assert adopted() == 0


def test_move_each_moves_those_that_can_and_names_those_that_cannot():
    cast = make_cast()
    a = item_in_state(cast, S.SUBMITTED, title="甲稿")
    b = item_in_state(cast, S.SUBMITTED, title="乙稿")
    held = item_in_state(cast, S.EDITING, title="丙稿")  # held by 张编辑
    versions = {item.pk: item.version for item in (a, b, held)}
    Item.objects.filter(pk=b.pk).update(version=b.version + 1)  # changed meanwhile
    outcome = services.move_each(
        [a, b, held], cast.other_editor, "adopt", versions=versions
    )
    assert [item.title for item in outcome.done] == ["甲稿"]
    refused = {item.title: why for item, why in outcome.refused}
    assert "已被他人修改" in refused["乙稿"]
    assert "正由他人处理" in refused["丙稿"]
    # One event and one audit row for the one item moved.
    assert ItemEvent.objects.filter(action="adopt").count() == 1
    assert AuditEvent.objects.filter(action="item.adopt").count() == 1
    # The same submit again moves nothing twice.
    again = services.move_each([a], cast.other_editor, "adopt", versions=versions)
    assert again.done == [] and "已采用（待编入）" in again.refused[0][1]
    assert ItemEvent.objects.filter(action="adopt").count() == 1


# --- the item page ------------------------------------------------------------------


def test_item_page_without_an_open_issue_offers_the_pool_and_a_new_issue(client):
    cast = make_cast()
    Issue.objects.update(status=Issue.Status.PENDING_SIGNOFF)
    item = item_in_state(cast, S.SUBMITTED)
    client.force_login(cast.editor)
    page = page_text(client.get(detail(item)))
    assert "暂无组稿中的期" in page and "采用（待编入）" in page
    assert reverse("briefing:issue_create") in page
    response = client.post(
        reverse("briefing:item_move", args=[item.pk, "adopt"]),
        {"version": item.version},
        follow=True,
    )
    item.refresh_from_db()
    assert item.status == S.ADOPTED and item.issue is None
    assert "已采用，稿件在待编池中" in " ".join(messages_of(response))
    page = page_text(response)
    assert "已采用（待编入）" in page and "等待编入一期" in page
    assert "撤销采用" in page  # a way back out of the pool


def test_item_page_adopts_into_the_first_open_issue_by_default_or_the_pool(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    client.force_login(cast.editor)
    form = client.get(detail(item)).context["adopt_form"]
    assert form["issue"].value() == cast.issue.pk
    assert "暂不编入（放入待编池）" in str(form["issue"])
    # An issue without a section is refused with a message, nothing moves.
    response = client.post(
        reverse("briefing:item_move", args=[item.pk, "adopt"]),
        {"issue": cast.issue.pk, "version": item.version},
        follow=True,
    )
    assert "编入一期时请选择栏目。" in messages_of(response)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_a_pooled_item_is_placed_from_its_page(client):
    cast = make_cast()
    item = item_in_state(cast, workflow.POOLED)
    client.force_login(cast.editor)
    page = page_text(client.get(detail(item)))
    assert "编入本期" in page and "待编池中" in page
    client.post(
        reverse("briefing:item_move", args=[item.pk, "place"]),
        {"issue": cast.issue.pk, "section": cast.section.pk, "version": item.version},
    )
    item.refresh_from_db()
    assert item.issue == cast.issue and item.section == cast.section


# --- the compose page ---------------------------------------------------------------


def test_compose_page_lists_the_pool_and_places_an_item(client):
    cast = make_cast()
    other = make_section(name="民生保障")
    pooled = item_in_state(cast, workflow.POOLED, title="待编的稿件")
    client.force_login(cast.editor)
    issue_url = reverse("briefing:issue_detail", args=[cast.issue.pk])
    page = page_text(client.get(issue_url))
    assert "待编池（已采用，待编入 1 篇）" in page and "待编的稿件" in page
    place = reverse("briefing:issue_item_place", args=[cast.issue.pk, pooled.pk])
    response = client.post(
        place, {"section": other.pk, "version": pooled.version}, follow=True
    )
    assert "《待编的稿件》已编入本期【民生保障】。" in messages_of(response)
    pooled.refresh_from_db()
    assert (pooled.issue, pooled.section, pooled.position) == (cast.issue, other, 1)
    # A second click (the page as it was) is refused in words.
    response = client.post(
        place, {"section": other.pk, "version": pooled.version - 1}, follow=True
    )
    assert any("不能执行“编入本期”" in m for m in messages_of(response))
    # 移回待编池 from the issue.
    response = client.post(
        reverse("briefing:issue_item_to_pool", args=[cast.issue.pk, pooled.pk]),
        follow=True,
    )
    assert "《待编的稿件》已移回待编池。" in messages_of(response)
    pooled.refresh_from_db()
    assert pooled.issue is None and pooled.status == S.ADOPTED


def test_only_editors_place_from_the_compose_page(client):
    cast = make_cast()
    pooled = item_in_state(cast, workflow.POOLED)
    place = reverse("briefing:issue_item_place", args=[cast.issue.pk, pooled.pk])
    for user in (cast.clerk, cast.signer, cast.admin, cast.reader):
        client.force_login(user)
        assert client.post(place, {"section": cast.section.pk}).status_code == 404
    pooled.refresh_from_db()
    assert pooled.issue is None


# --- the inbox's batch actions --------------------------------------------------


def test_inbox_rows_have_checkboxes_and_the_batch_form_for_editors(client):
    cast = make_cast()
    item_in_state(cast, S.SUBMITTED, title="甲稿")
    client.force_login(cast.editor)
    page = page_text(client.get(INBOX))
    assert 'type="checkbox" name="items"' in page
    for label in [
        "采用（入待编池）",
        "退回意见（退回时必填",
        "不采用原因（不采用时必填",
    ]:
        assert label in page
    client.force_login(cast.admin)  # sees the inbox, makes no moves
    page = page_text(client.get(INBOX))
    assert "甲稿" in page and 'name="items"' not in page


def test_batch_adopt_moves_each_item_and_reports_the_rest(
    client, django_capture_on_commit_callbacks
):
    cast = make_cast()
    a = item_in_state(cast, S.SUBMITTED, title="甲稿")
    b = item_in_state(cast, S.SUBMITTED, title="乙稿")
    c = item_in_state(cast, S.RETURNED, title="丙稿")
    client.force_login(cast.editor)
    data = {"move": "adopt", "items": ticks(a, b, c), "query": "status=submitted"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BATCH, data)
    assert response.url == f"{INBOX}?status=submitted"
    for item in (a, b):
        item.refresh_from_db()
        assert workflow.state_of(item) == workflow.POOLED
    c.refresh_from_db()
    assert c.status == S.RETURNED
    shown = messages_of(client.get(INBOX))
    assert any(
        m == "已采用 2 篇，进入待编池（组版时在组版页编入）：《甲稿》《乙稿》"
        for m in shown
    )
    assert any("以下 1 篇未能采用（入待编池）：《丙稿》" in m for m in shown)
    assert AuditEvent.objects.filter(action="item.adopt").count() == 2
    assert Notification.objects.filter(title__startswith="稿件已采用").count() == 2
    # A double submit: the same form again moves nothing.
    client.post(BATCH, data)
    assert ItemEvent.objects.filter(action="adopt").count() == 2
    shown = messages_of(client.get(INBOX))
    assert any("以下 3 篇未能" in m and "《甲稿》" in m for m in shown)


def test_batch_return_needs_one_comment_and_gives_it_to_each(client):
    cast = make_cast()
    a = item_in_state(cast, S.SUBMITTED, title="甲稿")
    b = item_in_state(cast, S.SUBMITTED, title="乙稿")
    client.force_login(cast.editor)
    response = client.post(BATCH, {"move": "return", "items": ticks(a, b)})
    shown = messages_of(client.get(response.url))
    assert any("请填写退回意见" in m for m in shown)
    assert Item.objects.filter(status=S.RETURNED).count() == 0
    client.post(
        BATCH, {"move": "return", "items": ticks(a, b), "comment": "请补充具体数据"}
    )
    for item in (a, b):
        item.refresh_from_db()
        assert item.status == S.RETURNED
        assert item.events.last().comment == "请补充具体数据"


def test_batch_not_use_needs_one_reason(client):
    cast = make_cast()
    a = item_in_state(cast, S.SUBMITTED, title="甲稿")
    client.force_login(cast.editor)
    client.post(BATCH, {"move": "not_use", "items": ticks(a), "reason": " "})
    a.refresh_from_db()
    assert a.status == S.SUBMITTED
    client.post(
        BATCH, {"move": "not_use", "items": ticks(a), "reason": "与本期主题不符"}
    )
    a.refresh_from_db()
    assert a.status == S.NOT_USED
    assert a.events.last().comment == "与本期主题不符"


def test_batch_with_nothing_ticked_keeps_the_typed_comment(client):
    cast = make_cast()
    client.force_login(cast.editor)
    response = client.post(BATCH, {"move": "return", "comment": "请补充数据"})
    shown = messages_of(client.get(response.url))
    assert "请先勾选要处理的稿件。" in shown
    assert any("请补充数据" in m for m in shown)


def test_batch_is_for_editors_only(client):
    cast = make_cast()
    a = item_in_state(cast, S.SUBMITTED)
    data = {"move": "adopt", "items": ticks(a)}
    for user in (cast.clerk, cast.reviewer, cast.signer, cast.admin, cast.reader):
        client.force_login(user)
        assert client.post(BATCH, data).status_code == 404
    client.logout()
    assert client.post(BATCH, data).status_code == 302
    assert client.get(BATCH).status_code in (302, 405)
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_batch_ignores_forged_and_unseen_ids(client):
    cast = make_cast()
    draft = item_in_state(cast, S.DRAFT, title="草稿")  # editors do not see drafts
    client.force_login(cast.editor)
    response = client.post(
        BATCH,
        {
            "move": "adopt",
            "items": [*ticks(draft), "x:1", "99999:1", "9" * 5000 + ":1"],
        },
    )
    shown = messages_of(client.get(response.url))
    assert "有 2 篇稿件不存在或您无权查看，未处理。" in shown
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
