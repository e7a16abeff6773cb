"""A small world with one object of each kind, for the access matrix.

Two units (A needs unit review, B does not), one user per role, items of both
units in the states that matter, issues in each state, an issued PDF.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from assessment.models import AdoptionLevel, Bulletin, HigherAdoption, ScoringRuleSet
from audit.roles import AUDITOR
from briefing.models import (
    Attachment,
    Issue,
    IssueDocument,
    IssueSection,
    Item,
    ItemRevision,
)
from briefing.uploads import EDITOR_IMAGE_DIR
from notifications.models import Notification
from tests import factories

# The roles the matrix requests every URL as, in the table's column order.
ROLES = [
    "anonymous",
    "clerk_a",
    "clerk_b",
    "reviewer_a",
    "editor",
    "signer",
    "reader",
    "admin",
    "auditor",
]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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
        "admin": factories.make_admin(username="admin"),
        "auditor": factories.make_user(username="auditor", group=AUDITOR),
    }
    publication = factories.make_publication()
    section = factories.make_section()
    distribution = factories.make_distribution()
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
    document = IssueDocument(
        issue=issued,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        created_by=users["signer"],
    )
    document.file.save("matrix-issue.pdf", ContentFile(PDF), save=False)
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
    notification = Notification.objects.create(
        recipient=users["editor"], title="测试通知", url="/inbox/"
    )
    # 信息工作考核: a record on unit B's item, the rule set, two 通报.
    level = AdoptionLevel.objects.filter(is_county=False).first()
    higher = HigherAdoption.objects.create(
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
    objects.update(
        {
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
