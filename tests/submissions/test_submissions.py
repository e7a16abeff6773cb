"""上报: the editor makes a 上报件 from chosen items; the .docx as the city reads
it; the record on each item; e-mail; what the city made of it, in the scores."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from docx import Document

from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.models import AdoptionLevel
from assessment.periods import Period
from audit.models import AuditEvent
from briefing.models import Issue, Item
from submissions import services
from submissions.models import Submission
from tests.factories import (
    make_clerk,
    make_department,
    make_editor,
    make_issue,
    make_item,
    make_publication,
    make_signer,
)

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
S = Item.Status
OFFICE = "长垣县委办公室"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2030, 5, 12, 10, 0, tzinfo=SH), tick=False)


@pytest.fixture
def world(clock):
    editor = make_editor(username="sub_editor", first_name="王编辑")
    unit = make_department("民政局", name="长垣县民政局")
    other = make_department("交通局", name="长垣县交通运输局")
    issue = make_issue(
        publication=make_publication(office_name=OFFICE),
        status=Issue.Status.ISSUED,
        number=7,
        total_number=107,
        created_by=editor,
    )
    published = make_item(
        department=unit,
        title="民政局兜牢困难群众基本生活底线",
        body="<p>今年以来，县民政局发放低保金1200万元。</p><p>下一步将开展冬季走访。</p>",
        status=S.PUBLISHED,
        issue=issue,
        submitted_at=datetime.datetime(2030, 5, 1, 9, tzinfo=SH),
    )
    adopted = make_item(
        department=other,
        title="交通局农村公路建设提速",
        body="<p>新改建农村公路86公里。</p>",
        status=S.ADOPTED,
        issue=make_issue(created_by=editor),  # the issue being composed
        submitted_at=datetime.datetime(2030, 5, 2, 9, tzinfo=SH),
    )
    draft = make_item(department=unit, title="草稿不可上报", status=S.SUBMITTED)
    return {
        "editor": editor,
        "unit": unit,
        "other": other,
        "issue": issue,
        "published": published,
        "adopted": adopted,
        "submitted": draft,
    }


def texts(content: bytes) -> list[str]:
    """The paragraphs of a .docx as python-docx reads them."""
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def make(world, items, **fields):
    data = {
        "recipient": "市委办信息科",
        "office_name": OFFICE,
        "contact_name": "李明",
        "contact_phone": "0373-8881234",
        "layout": "combined",
        **fields,
    }
    return services.make_submission(world["editor"], items=items, **data)


def test_editor_makes_a_submission_through_the_form(client, world):
    client.force_login(world["editor"])
    form = client.get("/submissions/new/")
    page = form.content.decode()
    # Adopted items are offered; the office is filled in from the publication.
    assert "交通局农村公路建设提速" in page
    assert "民政局兜牢困难群众基本生活底线" not in page
    assert OFFICE in page
    issue_page = client.get(f"/submissions/new/?issue={world['issue'].pk}")
    assert "民政局兜牢困难群众基本生活底线" in issue_page.content.decode()
    # A draft issue is not a source.
    draft = make_issue(created_by=world["editor"])
    assert client.get(f"/submissions/new/?issue={draft.pk}").status_code == 404

    response = client.post(
        f"/submissions/new/?issue={world['issue'].pk}",
        {
            "items": [world["published"].pk],
            "recipient": "市委办信息科",
            "office_name": OFFICE,
            "contact_name": "李明",
            "contact_phone": "0373-8881234",
            "layout": "combined",
        },
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.pk}/"
    assert submission.created_by == world["editor"]
    assert [e.item for e in submission.entries.all()] == [world["published"]]
    event = AuditEvent.objects.get(action="submission.create")
    assert "市委办信息科" in event.reason
    assert "民政局兜牢困难群众基本生活底线" in event.reason
    detail = client.get(response["Location"]).content.decode()
    assert "报市委办信息科" in detail
    assert "下载上报件" in detail


def test_form_keeps_what_was_typed_when_no_item_is_chosen(client, world):
    client.force_login(world["editor"])
    response = client.post(
        "/submissions/new/",
        {
            "recipient": "市委办信息科",
            "office_name": OFFICE,
            "contact_name": "李明",
            "contact_phone": "0373-8881234",
            "layout": "combined",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一篇稿件。" in page
    assert "0373-8881234" in page
    assert not Submission.objects.exists()


def test_the_combined_docx_holds_header_items_and_contact(client, world):
    submission = make(world, [world["published"], world["adopted"]])
    client.force_login(world["editor"])
    response = client.get(f"/submissions/{submission.pk}/file.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    lines = texts(response.content)
    assert lines[0] == f"报送单位：{OFFICE}\t2030年5月12日"
    assert lines[1] == "联 系 人：李明\t联系电话：0373-8881234"
    assert "民政局兜牢困难群众基本生活底线" in lines
    assert "交通局农村公路建设提速" in lines
    assert "今年以来，县民政局发放低保金1200万元。" in lines
    # The unit closes each item, in full, as the city does not know 简称.
    assert "下一步将开展冬季走访。（长垣县民政局）" in lines
    assert "新改建农村公路86公里。（长垣县交通运输局）" in lines
    # The second item starts on a new page.
    document = Document(io.BytesIO(response.content))
    second = next(p for p in document.paragraphs if p.text == "交通局农村公路建设提速")
    assert second.paragraph_format.page_break_before
    # The fonts named as offices have them.
    title = next(p for p in document.paragraphs if p.text.startswith("民政局兜牢"))
    assert title.runs[0].font.name == "方正小标宋简体"
    assert AuditEvent.objects.filter(action="submission.download").count() == 1


def test_one_file_per_item(client, world):
    submission = make(world, [world["published"], world["adopted"]], layout="per_item")
    client.force_login(world["editor"])
    response = client.get(
        f"/submissions/{submission.pk}/items/{world['adopted'].pk}.docx"
    )
    lines = texts(response.content)
    assert "交通局农村公路建设提速" in lines
    assert "民政局兜牢困难群众基本生活底线" not in lines
    assert lines[1] == "联 系 人：李明\t联系电话：0373-8881234"
    # An item that is not in this 上报: 404.
    assert (
        client.get(
            f"/submissions/{submission.pk}/items/{world['submitted'].pk}.docx"
        ).status_code
        == 404
    )


def test_the_file_is_what_was_sent_even_if_the_item_changes(client, world):
    submission = make(world, [world["adopted"]])
    Item.objects.filter(pk=world["adopted"].pk).update(title="后来改过的标题")
    client.force_login(world["editor"])
    lines = texts(client.get(f"/submissions/{submission.pk}/file.docx").content)
    assert "交通局农村公路建设提速" in lines
    assert "后来改过的标题" not in lines


def test_a_joint_item_goes_up_with_all_its_units_in_full(client, world):
    # 合报 of 交通局 (its own unit) and 民政局: the city reads both full names.
    world["adopted"].joint_units.set([world["unit"], world["other"]])
    submission = make(world, [world["adopted"]])
    client.force_login(world["editor"])
    lines = texts(client.get(f"/submissions/{submission.pk}/file.docx").content)
    assert "新改建农村公路86公里。（长垣县交通运输局、长垣县民政局）" in lines


def test_only_adopted_or_published_items_go_up(world):
    with pytest.raises(services.SubmissionError, match="不是已采用或已刊发"):
        make(world, [world["submitted"]])
    with pytest.raises(services.SubmissionError, match="请至少选择"):
        make(world, [])
    with pytest.raises(services.SubmissionError, match="报送对象"):
        make(world, [world["adopted"]], recipient=" ")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("who", ["signer", "clerk"])
def test_only_editors_submit(world, who):
    user = make_signer() if who == "signer" else make_clerk(world["other"])
    with pytest.raises(services.SubmissionError, match="只有编辑"):
        services.make_submission(
            user,
            items=[world["adopted"]],
            recipient="市委办信息科",
            office_name=OFFICE,
        )


def test_records_are_listed_on_each_item_for_editors_only(client, world):
    make(world, [world["published"], world["adopted"]])
    make(world, [world["adopted"]], recipient="省委办信息处")
    client.force_login(world["editor"])
    page = client.get(f"/items/{world['adopted'].pk}/").content.decode()
    assert "上报记录" in page
    assert "报市委办信息科" in page
    assert "报省委办信息处" in page
    page = client.get(f"/items/{world['published'].pk}/").content.decode()
    assert "报市委办信息科" in page
    assert "报省委办信息处" not in page
    # The unit's clerk sees their item, not the office's 上报.
    clerk = make_clerk(world["other"])
    client.force_login(clerk)
    response = client.get(f"/items/{world['adopted'].pk}/")
    assert response.status_code == 200
    assert "上报记录" not in response.content.decode()


def test_mail_goes_once_with_the_files(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = make(
            world,
            [world["published"], world["adopted"]],
            layout="per_item",
            email="xxk@city.example.gov.cn",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xxk@city.example.gov.cn"]
    names = [name for name, _, _ in message.attachments]
    assert names == [
        "上报件-民政局兜牢困难群众基本生活底线.docx",
        "上报件-交通局农村公路建设提速.docx",
    ]
    assert "交通局农村公路建设提速" in texts(message.attachments[1][1])
    # A retried or doubled task sends nothing more.
    assert services.mail_submission(submission.pk) is False
    assert len(mail.outbox) == 1
    submission.refresh_from_db()
    assert submission.emailed_at is not None
    assert AuditEvent.objects.filter(action="submission.email").count() == 1


def test_no_address_no_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make(world, [world["adopted"]])
    assert mail.outbox == []


# --- what the city made of it counts in the assessment ----------------------------


def test_city_feedback_on_a_submission_counts_by_hand(world):
    """Seeded rules (0002): 县级 1/2, 市级 3/5, 省级 5/10 per 采用/批示.

    民政局's item published (县级采用 1 × 1), sent up, adopted by the city
    (市级采用 1 × 3) and given a 省领导批示 (1 × 10): 14 points. 交通局's
    item was sent in the same 上报 and adopted by the city: 3 points.
    """
    editor = world["editor"]
    submission = make(world, [world["published"], world["adopted"]])
    city = AdoptionLevel.objects.get(short_name="市级")
    province = AdoptionLevel.objects.get(short_name="省级")
    assessment_services.record_higher_adoption(
        world["published"],
        editor,
        submission=submission,
        level=city,
        adopted_on=datetime.date(2030, 5, 12),
        publication="《市委信息》第20期",
    )
    assessment_services.record_higher_adoption(
        world["adopted"],
        editor,
        submission=submission,
        level=city,
        adopted_on=datetime.date(2030, 5, 12),
        publication="《市委信息》第20期",
    )
    assessment_services.record_instruction(
        world["published"],
        editor,
        submission=submission,
        level=province,
        instructed_on=datetime.date(2030, 5, 12),
        leader="副省长",
    )
    # The published item's county adoption, as the workflow would have logged it.
    from tests.assessment.factories import event

    event(
        world["published"],
        "adopt",
        S.SUBMITTED,
        S.ADOPTED,
        world["published"].submitted_at,
    )
    stats = assessment_selectors.unit_statistics(
        Period.month(2030, 5), today=datetime.date(2030, 5, 12)
    )
    mzj = stats.row_for(world["unit"].pk)
    jtj = stats.row_for(world["other"].pk)
    assert [line.text for line in mzj.lines] == [
        "采用1条×1分",
        "市级采用1条×3分",
        "省领导批示1次×10分",
    ]
    assert mzj.score == Decimal(14)
    assert [line.text for line in jtj.lines] == ["市级采用1条×3分"]
    assert jtj.score == Decimal(3)
    # The 上报 page shows what came of it.
    feedback = {r.item_id for r in submission.higher_adoptions.all()}
    assert feedback == {world["published"].pk, world["adopted"].pk}


def test_feedback_must_answer_a_submission_of_that_item(world):
    editor = world["editor"]
    city = AdoptionLevel.objects.get(short_name="市级")
    other = make(world, [world["adopted"]])
    with pytest.raises(assessment_services.AssessmentError, match="上报记录"):
        assessment_services.record_higher_adoption(
            world["published"],
            editor,
            submission=None,
            level=city,
            adopted_on=datetime.date(2030, 5, 12),
            publication="《市委信息》第20期",
        )
    with pytest.raises(assessment_services.AssessmentError, match="没有这篇稿件"):
        assessment_services.record_instruction(
            world["published"],
            editor,
            submission=other,
            level=city,
            instructed_on=datetime.date(2030, 5, 12),
            leader="市长",
        )
    with pytest.raises(assessment_services.AssessmentError, match="早于上报时间"):
        assessment_services.record_higher_adoption(
            world["adopted"],
            editor,
            submission=other,
            level=city,
            adopted_on=datetime.date(2030, 5, 11),
            publication="《市委信息》第20期",
        )
