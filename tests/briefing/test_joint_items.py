"""A 合报 item (two units' 疑似重复 merged into one) prints all its units:
（民政局、开发区） after the item in the PDF, the issued .docx, the reading page,
the inbox and the compose page; its own unit first, the other units in order."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from docx import Document

from assessment.services import merge_into_joint_item, set_item_credits
from briefing.models import Issue
from briefing.services import issues as issue_services
from briefing.services import items as services
from tests import factories

from .issue_factories import composed_issue
from .test_issues_correction import pdf_text

pytestmark = pytest.mark.django_db

LAST = "下一步，县民政局将会同开发区持续做好困难群众冬季救助工作。"
BODY = (
    "<p>入冬以来，我县为1200名困难群众发放取暖补贴，"
    "开发区新建临时救助点3个，民政局开展夜间巡查12次。</p>"
    f"<p>{LAST}</p>"
)


def plain(response) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", response.content.decode()))


def submitted(department, body, title="我县做好困难群众冬季救助工作"):
    clerk = factories.make_clerk(department)
    item = services.create_item(clerk, title=title, body=body)
    return services.submit_item(item, clerk)


@pytest.fixture
def joint(time_machine):
    """民政局's item kept as the 合报 item of 民政局 and 开发区, adopted into a
    draft issue that has another unit's item too."""
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC))
    # 开发区 comes first in the units' order: the item's own unit still leads.
    kfq = factories.make_department("开发区", name="延津县开发区", order=1)
    mzj = factories.make_department("民政局", name="延津县民政局", order=2)
    kept = submitted(mzj, BODY)
    other = submitted(kfq, BODY.replace("1200", "1300"), title="开发区冬季救助")
    editor = factories.make_editor()
    merge_into_joint_item(kept, editor, other=other, version=other.version)
    issue = composed_issue(items=1)
    section = issue.issue_sections.get().section
    services.adopt_item(kept, issue, section, editor)
    return kept, issue, editor


def test_compose_page_and_inbox_name_both_units(client, joint):
    kept, issue, editor = joint
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))
    assert f"{kept.title}（民政局、开发区）" in page
    page = plain(client.get(reverse("briefing:inbox"), {"status": "adopted"}))
    assert "民政局、开发区" in page
    # The other unit's ordinary item keeps its one unit.
    alone = issue.items.exclude(pk=kept.pk).get()
    assert f"{alone.title}（{alone.department.short_name}）" in plain(
        client.get(reverse("briefing:issue_detail", args=[issue.pk]))
    )


def test_the_signed_pdf_docx_and_reading_page_end_the_item_with_both_units(
    client, joint
):
    kept, issue, editor = joint
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PENDING_SIGNOFF)
    issue_services.sign_off_issue(issue, factories.make_signer())
    document = issue.documents.get()

    with document.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert f"{LAST}（民政局、开发区）" in text
    assert "（民政局）" not in text and "（开发区）" not in text

    with document.docx.open("rb") as handle:
        paragraphs = [p.text for p in Document(io.BytesIO(handle.read())).paragraphs]
    assert any(p.endswith(f"{LAST}（民政局、开发区）") for p in paragraphs)
    assert not any("（民政局）" in p for p in paragraphs)

    client.force_login(editor)
    page = plain(client.get(reverse("reading:issue", args=[issue.pk])))
    assert f"{LAST}（民政局、开发区）" in page


def test_undoing_the_joint_report_prints_the_own_unit_again(client, joint):
    kept, issue, editor = joint
    set_item_credits(kept, editor, [])
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))
    assert f"{kept.title}（民政局）" in page
    assert "民政局、开发区" not in page


def test_after_sign_off_the_printed_units_stay_and_shares_may_change(client, joint):
    """The issued PDF names （民政局、开发区）: the reading page may not name
    others later, nor may a later report be merged into the printed item."""
    from decimal import Decimal

    from assessment.services import AssessmentError
    from briefing.services.errors import WorkflowError

    kept, issue, editor = joint
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PENDING_SIGNOFF)
    issue_services.sign_off_issue(issue, factories.make_signer())
    kept.refresh_from_db()
    mzj, kfq = kept.department, kept.joint_units.exclude(pk=kept.department_id).get()
    third = factories.make_department("司法局", name="延津县司法局")

    with pytest.raises(AssessmentError, match="印发的报送单位不能再改"):
        set_item_credits(kept, editor, [(mzj, None), (kfq, None), (third, None)])
    with pytest.raises(AssessmentError, match="印发的报送单位不能再改"):
        set_item_credits(kept, editor, [])
    late = submitted(third, BODY.replace("1200", "1250"), title="司法局冬季救助")
    with pytest.raises(WorkflowError, match="已随.*签发，不能再合报"):
        merge_into_joint_item(kept, editor, other=late, version=late.version)
    late.refresh_from_db()
    assert late.status == late.Status.SUBMITTED

    credits = set_item_credits(
        kept, editor, [(mzj, Decimal("0.7")), (kfq, Decimal("0.3"))]
    )
    assert [c.share for c in credits] == [Decimal("0.7"), Decimal("0.3")]
    client.force_login(editor)
    page = plain(client.get(reverse("reading:issue", args=[issue.pk])))
    assert f"{LAST}（民政局、开发区）" in page
    assert "司法局" not in page
