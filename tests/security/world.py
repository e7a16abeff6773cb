"""A small world with one object of each kind, for the access matrix.

Two units (A needs unit review, B does not), one user per role, items of both
units in the states that matter, issues in each state, an issued PDF. Two
readers (领导): ``reader`` is named in the issued issue's distribution,
``reader_outside`` is not; a 批示 of the reader on unit A's item in the issued
issue, one still 待签收, one answered with a feedback file, and one with a
办理时限 sent on (转办) to unit B too, answered by unit A alone; a 约稿
asking unit A only.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from assessment.models import AdoptionLevel, Bulletin, HigherAdoption, ScoringRuleSet
from audit.roles import AUDITOR
from briefing.models import (
    Attachment,
    EditorImage,
    Issue,
    IssueDocument,
    IssueSection,
    Item,
    ItemRevision,
    Publication,
    UrgentCategory,
)
from briefing.sanitize import search_text
from briefing.uploads import EDITOR_IMAGE_DIR
from commissions.models import Commission
from notifications.models import Notification
from planning.models import PlannedIssue
from reading import services as reading_services
from tests import factories
from tests.briefing.issue_factories import blank_pdf

# The roles the matrix requests every URL as, in the table's column order.
ROLES = [
    "anonymous",
    "clerk_a",
    "clerk_b",
    "reviewer_a",
    "editor",
    "signer",
    "reader",
    "reader_outside",
    "admin",
    "auditor",
]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
# A word only unit A's item in the issued issue holds (reading:search).
SEARCH_WORD = "护堤巡查"
# A real (blank) PDF: readers' downloads are copies marked on it.
PDF = blank_pdf("matrix")


def build():
    """Create the world; returns (objects by name, users by role)."""
    unit_a = factories.make_department("甲单位", requires_unit_review=True)
    unit_b = factories.make_department("乙单位")
    users = {
        "clerk_a": factories.make_clerk(unit_a, username="clerk_a"),
        "clerk_b": factories.make_clerk(unit_b, username="clerk_b"),
        "reviewer_a": factories.make_reviewer(unit_a, username="reviewer_a"),
        "editor": factories.make_editor(username="editor"),
        "signer": factories.make_signer(username="signer"),
        "reader": factories.make_reader(username="reader"),
        "reader_outside": factories.make_reader(username="reader_outside"),
        "admin": factories.make_admin(username="admin"),
        "auditor": factories.make_user(username="auditor", group=AUDITOR),
    }
    publication = factories.make_publication()
    # 作为专报编发 takes an urgent item into a new issue of this one.
    factories.make_publication(name="信息专报", kind=Publication.Kind.SPECIAL)
    section = factories.make_section()
    distribution = factories.make_distribution()
    # Only ``reader`` and unit A's members may read online what goes to this
    # list (not unit B's clerk).
    online = factories.add_online_readers(distribution, users["reader"])
    online.departments.add(unit_a)
    S = Item.Status

    def item(unit, author, status, **kwargs):
        made = factories.make_item(
            department=unit, author=author, status=status, **kwargs
        )
        ItemRevision.objects.create(
            item=made, number=1, title=made.title, body=made.body, author=author
        )
        return made

    now = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    objects = {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "section": section,
        "publication": publication,
        "distribution": distribution,
        "item_a_draft": item(unit_a, users["clerk_a"], S.DRAFT),
        "item_a_review": item(unit_a, users["clerk_a"], S.PENDING_REVIEW),
        "item_a_submitted": item(
            unit_a, users["clerk_a"], S.SUBMITTED, submitted_at=now
        ),
        "item_a_returned": item(unit_a, users["clerk_a"], S.RETURNED, submitted_at=now),
        "item_b_draft": item(unit_b, users["clerk_b"], S.DRAFT),
        "item_b_submitted": item(
            unit_b, users["clerk_b"], S.SUBMITTED, submitted_at=now
        ),
        "item_b_urgent": item(
            unit_b,
            users["clerk_b"],
            S.SUBMITTED,
            submitted_at=now,
            is_urgent=True,
            urgent_category=UrgentCategory.EMERGENCY,
            event_at=now,
        ),
    }
    issue_kwargs = {
        "publication": publication,
        "created_by": users["editor"],
        "distribution_list": distribution,
    }
    draft = factories.make_issue(**issue_kwargs)
    pending = factories.make_issue(
        status=Issue.Status.PENDING_SIGNOFF,
        issue_date=datetime.date(2026, 11, 25),
        **issue_kwargs,
    )
    issued = factories.make_issue(
        status=Issue.Status.ISSUED,
        year=2026,
        number=1,
        total_number=1,
        signed_by=users["signer"],
        signed_at=now,
        issue_date=datetime.date(2026, 11, 20),
        **issue_kwargs,
    )
    for issue, status in [
        (draft, S.ADOPTED),
        (pending, S.ADOPTED),
        (issued, S.PUBLISHED),
    ]:
        placed = IssueSection.objects.create(issue=issue, section=section, position=1)
        objects[f"issue_section_{issue.status}"] = placed
        objects[f"item_in_{issue.status}"] = item(
            unit_b,
            users["clerk_b"],
            status,
            submitted_at=now,
            issue=issue,
            section=section,
            position=1,
        )
    # Unit A's item in the issued issue, with an image pasted into it: the
    # image is part of the issue, so only those who may read the issue see it.
    item_a_published = item(
        unit_a,
        users["clerk_a"],
        S.PUBLISHED,
        title=f"汛期{SEARCH_WORD}全覆盖",
        submitted_at=now,
        issue=issued,
        section=section,
        position=2,
    )
    published_image = "fedcba9876543210fedcba9876543210.png"
    if not default_storage.exists(f"{EDITOR_IMAGE_DIR}/{published_image}"):
        default_storage.save(f"{EDITOR_IMAGE_DIR}/{published_image}", ContentFile(PNG))
    body = f'<p>已印发。</p><p><img src="/items/images/{published_image}"></p>'
    Item.objects.filter(pk=item_a_published.pk).update(
        body=body, search_text=search_text(item_a_published.title, body)
    )
    EditorImage.objects.create(
        name=published_image, item=item_a_published, uploaded_by=users["clerk_a"]
    )
    document = IssueDocument(
        issue=issued,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        created_by=users["signer"],
    )
    document.file.save("matrix-issue.pdf", ContentFile(PDF), save=False)
    docx = b"PK\x03\x04 matrix"
    document.docx_sha256 = hashlib.sha256(docx).hexdigest()
    document.docx.save("matrix-issue.docx", ContentFile(docx), save=False)
    document.save()
    attachment = Attachment(
        item=objects["item_a_submitted"],
        original_name="材料.pdf",
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=users["clerk_a"],
    )
    attachment.file.save("matrix-attachment.pdf", ContentFile(PDF), save=False)
    attachment.save()
    # An image pasted into unit A's submitted item.
    image = "0123456789abcdef0123456789abcdef.png"
    path = f"{EDITOR_IMAGE_DIR}/{image}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(PNG))
    Item.objects.filter(pk=objects["item_a_submitted"].pk).update(
        body=f'<p>正文。</p><p><img src="/items/images/{image}"></p>'
    )
    EditorImage.objects.create(
        name=image, item=objects["item_a_submitted"], uploaded_by=users["clerk_a"]
    )
    # 批示 by the reader on unit A's item, written and answered through the
    # services as a leader and the unit would: one 待签收, one 已反馈 with a file.
    instruction_pending = reading_services.write_instruction(
        item_a_published, issued, users["reader"], "请认真研究，抓好落实。"
    )
    instruction_answered = reading_services.write_instruction(
        item_a_published, issued, users["reader"], "请总结经验，报送进展。"
    )
    reading_services.sign_instruction(instruction_answered, users["clerk_a"])
    feedback = reading_services.file_feedback(
        instruction_answered,
        users["clerk_a"],
        "<p>已落实，详见附件。</p>",
        [SimpleUploadedFile("落实情况.pdf", PDF, content_type="application/pdf")],
    )
    # A 批示 with a 办理时限, sent on (转办) to unit B as well: unit A has
    # fed back with a file, which unit B may not fetch.
    instruction_transferred = reading_services.write_instruction(
        item_a_published,
        issued,
        users["reader"],
        "请甲、乙两单位共同研究落实。",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        transfer_to=[unit_b],
    )
    reading_services.sign_instruction(instruction_transferred, users["clerk_a"])
    feedback_a = reading_services.file_feedback(
        instruction_transferred,
        users["clerk_a"],
        "<p>甲单位已落实。</p>",
        [SimpleUploadedFile("甲单位落实情况.pdf", PDF, content_type="application/pdf")],
    )
    notification = Notification.objects.create(
        recipient=users["editor"], title="测试通知", url="/inbox/"
    )
    # 上报 of unit A's published item; 信息工作考核: a record on unit B's item
    # (sent up too), the rule set, two 通报.
    submission = factories.make_submission([item_a_published], users["editor"])
    submission_b = factories.make_submission(
        [objects["item_b_submitted"]], users["editor"]
    )
    level = AdoptionLevel.objects.filter(is_county=False).first()
    higher = HigherAdoption.objects.create(
        submission=submission_b,
        item=objects["item_b_submitted"],
        level=level,
        adopted_on=datetime.date(2026, 11, 21),
        publication="《市委信息》第1期",
        created_by=users["editor"],
    )
    bulletin = {
        status: Bulletin.objects.create(
            year=2026,
            month=month,
            title=f"关于2026年{month}月份信息报送情况的通报",
            intro="导语。",
            office_name="测试县人民政府办公室",
            issue_date=datetime.date(2026, month + 1, 5),
            status=status,
            created_by=users["editor"],
        )
        for status, month in [(Bulletin.Status.DRAFT, 10), (Bulletin.Status.ISSUED, 9)]
    }
    # 约稿 asking unit A only.
    commission = Commission.objects.create(
        topic="汛期防汛工作",
        deadline=now + datetime.timedelta(days=7),
        created_by=users["editor"],
    )
    commission.departments.set([unit_a])
    # A planned issue (出刊计划) of the publication, its 截稿 the day before.
    plan = PlannedIssue.objects.create(
        publication=publication,
        slot=datetime.date(2026, 12, 4),
        issue_date=datetime.date(2026, 12, 4),
        deadline=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
    )
    objects.update(
        {
            "commission_a": commission,
            "submission": submission,
            "plan": plan,
            "higher_record": higher,
            "rule_set": ScoringRuleSet.objects.order_by("valid_from").first(),
            "bulletin_draft": bulletin[Bulletin.Status.DRAFT],
            "bulletin_issued": bulletin[Bulletin.Status.ISSUED],
            "issue_draft": draft,
            "issue_pending": pending,
            "issue_issued": issued,
            "document": document,
            "attachment_a": attachment,
            "revision_a": objects["item_a_submitted"].revisions.first(),
            "notification_editor": notification,
            "item_a_published": item_a_published,
            "instruction_pending": instruction_pending,
            "instruction_answered": instruction_answered,
            "feedback_attachment": feedback.attachments.get(),
            "instruction_transferred": instruction_transferred,
            "feedback_attachment_transferred": feedback_a.attachments.get(),
        }
    )
    return objects, users


def clients(users, **kwargs):
    """One logged-in test client per role, plus an anonymous one."""
    result = {"anonymous": Client(**kwargs)}
    for role, user in users.items():
        client = Client(**kwargs)
        client.force_login(user)
        result[role] = client
    return result
