"""Numbering, sign-off, freezing and the stored hash (更正: test_issues_correction)."""

import datetime
import hashlib

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from briefing.models import Issue, IssueDocument, Item, ItemEvent
from briefing.pdf import PdfRenderError
from briefing.services import issues as services
from briefing.services.errors import WorkflowError
from notifications.models import Notification
from tests import factories
from tests.briefing.issue_factories import (
    FakeRenderer,
    composed_issue,
    place_item,
    recipient_reader,
)

S = Issue.Status


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


def pending_issue(publication=None, **kwargs):
    return composed_issue(publication, status=S.PENDING_SIGNOFF, **kwargs)


def sign(issue, signer=None):
    services.sign_off_issue(issue, signer or factories.make_signer())
    issue.refresh_from_db()
    return issue


@pytest.mark.django_db
def test_first_issue_of_a_year_is_number_one_and_total_runs_on(fake_pdf):
    publication = factories.make_publication()
    signer = factories.make_signer()
    first = sign(
        pending_issue(publication, issue_date=datetime.date(2026, 3, 2)), signer
    )
    second = sign(
        pending_issue(publication, issue_date=datetime.date(2026, 3, 9)), signer
    )
    next_year = sign(
        pending_issue(publication, issue_date=datetime.date(2027, 1, 5)), signer
    )
    assert (first.year, first.number, first.total_number) == (2026, 1, 1)
    assert (second.year, second.number, second.total_number) == (2026, 2, 2)
    assert (next_year.year, next_year.number, next_year.total_number) == (2027, 1, 3)
    assert next_year.number_label == "第1期（总第3期）"
    publication.refresh_from_db()
    assert (publication.number_year, publication.last_number) == (2027, 1)
    assert publication.last_total_number == 3


@pytest.mark.django_db
def test_starting_numbers_set_by_the_admin_are_continued(fake_pdf):
    # A county moving in mid-year: 第11期（总第344期） was its last paper issue.
    publication = factories.make_publication(
        number_year=2026, last_number=11, last_total_number=344
    )
    issue = sign(pending_issue(publication, issue_date=datetime.date(2026, 11, 24)))
    assert issue.number_label == "第12期（总第345期）"
    # The number printed is the number assigned.
    assert "第12期（总第345期）" in fake_pdf.html[-1]


@pytest.mark.django_db
def test_a_back_dated_issue_into_a_closed_year_is_refused(fake_pdf):
    publication = factories.make_publication(
        number_year=2027, last_number=3, last_total_number=50
    )
    issue = pending_issue(publication, issue_date=datetime.date(2026, 12, 30))
    with pytest.raises(WorkflowError, match="2026年"):
        services.sign_off_issue(issue, factories.make_signer())
    issue.refresh_from_db()
    assert issue.status == S.PENDING_SIGNOFF and issue.number is None


@pytest.mark.django_db
def test_sign_off_stores_the_pdf_with_its_hash_and_freezes_the_issue(fake_pdf):
    issue = pending_issue(items=2)
    signer = factories.make_signer()
    reader = factories.make_reader()
    document = services.sign_off_issue(issue, signer)
    issue.refresh_from_db()

    assert issue.status == S.ISSUED
    assert issue.signed_by == signer and issue.signed_at is not None
    assert issue.distribution_text == issue.distribution_list.lines
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert not document.is_correction
    # Rendered once.
    assert len(fake_pdf.html) == 1
    # Its items are 已刊发, each with an event.
    items = Item.objects.filter(issue=issue)
    assert {item.status for item in items} == {Item.Status.PUBLISHED}
    assert ItemEvent.objects.filter(item__in=items, action="publish").count() == 2
    # Event, audit, and readers told (on commit).
    assert issue.events.filter(action="sign_off", to_status=S.ISSUED).exists()
    assert AuditEvent.objects.filter(
        action="issue_sign_off", object_id=str(issue.pk), result="success"
    ).exists()
    # Nothing is sent before the transaction commits (see the next test).
    assert not Notification.objects.filter(recipient=reader).exists()


@pytest.mark.django_db(transaction=True)
def test_readers_and_signers_are_notified_after_commit(fake_pdf):
    issue = pending_issue()
    reader = recipient_reader(issue)
    outside = factories.make_reader()  # not on this issue's distribution
    signer = factories.make_signer()
    clerk = factories.make_clerk(factories.make_department())
    services.sign_off_issue(issue, signer)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {reader.username, signer.username} <= told
    assert clerk.username not in told and outside.username not in told


@pytest.mark.django_db
def test_renderer_failure_uses_up_nothing_and_a_retry_gets_the_same_number(
    monkeypatch,
):
    publication = factories.make_publication(
        number_year=2026, last_number=4, last_total_number=40
    )
    issue = pending_issue(publication)
    signer = factories.make_signer()

    def broken(html, base_url=None):
        raise PdfRenderError("无法生成 PDF：服务器上没有可用的中文字体。")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(WorkflowError, match="期号未占用"):
        services.sign_off_issue(issue, signer)
    publication.refresh_from_db()
    issue.refresh_from_db()
    assert (publication.last_number, publication.last_total_number) == (4, 40)
    assert issue.status == S.PENDING_SIGNOFF and issue.number is None
    assert not IssueDocument.objects.exists()
    assert set(Item.objects.filter(issue=issue).values_list("status", flat=True)) == {
        Item.Status.ADOPTED
    }

    monkeypatch.setattr(services, "render_pdf", FakeRenderer())
    issue = sign(issue, signer)
    assert issue.number_label == "第5期（总第41期）"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "reader", "clerk", "admin"])
def test_only_a_signer_signs(fake_pdf, role):
    issue = pending_issue()
    user = {
        "editor": factories.make_editor,
        "reader": factories.make_reader,
        "admin": factories.make_admin,
        "clerk": lambda: factories.make_clerk(factories.make_department()),
    }[role]()
    with pytest.raises(WorkflowError, match="只有签发人"):
        services.sign_off_issue(issue, user)
    issue.refresh_from_db()
    assert issue.status == S.PENDING_SIGNOFF and issue.number is None
    # The refusal is on the audit trail.
    assert AuditEvent.objects.filter(
        action="issue_sign_off", result="failure", user=user
    ).exists()


@pytest.mark.django_db
def test_a_draft_cannot_be_signed_before_it_is_submitted(fake_pdf):
    issue = composed_issue()
    with pytest.raises(WorkflowError, match="尚未提交签发"):
        services.sign_off_issue(issue, factories.make_signer())


@pytest.mark.django_db
def test_submit_needs_items_and_a_distribution_list():
    editor = factories.make_editor()
    empty = factories.make_issue(distribution_list=factories.make_distribution())
    with pytest.raises(WorkflowError, match="还没有稿件"):
        services.submit_for_signoff(empty, editor)
    no_list = factories.make_issue()
    place_item(no_list, factories.make_section())
    with pytest.raises(WorkflowError, match="分发范围"):
        services.submit_for_signoff(no_list, editor)
    issue = composed_issue()
    issue = services.submit_for_signoff(issue, editor)
    assert issue.status == S.PENDING_SIGNOFF
    assert issue.events.filter(action="submit").exists()


@pytest.mark.django_db
def test_send_back_needs_a_comment_and_returns_the_issue_to_the_editor():
    issue = pending_issue()
    signer = factories.make_signer()
    with pytest.raises(WorkflowError, match="退回意见"):
        services.send_back(issue, signer, "  ")
    with pytest.raises(WorkflowError, match="只有签发人"):
        services.send_back(issue, factories.make_editor(), "改一下")
    issue = services.send_back(issue, signer, "第二条数据请核实。")
    assert issue.status == S.DRAFT
    event = issue.events.get(action="send_back")
    assert event.comment == "第二条数据请核实。" and event.actor == signer


@pytest.mark.django_db
def test_item_text_cannot_change_once_the_issue_awaits_sign_off():
    from briefing.services.items import editor_save_item

    issue = pending_issue(items=1)
    item = Item.objects.get(issue=issue)
    with pytest.raises(WorkflowError, match="已送签"):
        editor_save_item(
            item,
            factories.make_editor(),
            version=item.version,
            title="改过的标题",
            body="<p>签发人没有看过的文字。</p>",
        )
    item.refresh_from_db()
    assert item.title != "改过的标题"


@pytest.mark.django_db
def test_a_frozen_issue_refuses_every_change(fake_pdf):
    issue = sign(pending_issue(items=2))
    editor = factories.make_editor()
    item = Item.objects.filter(issue=issue).first()
    issue_section = issue.issue_sections.first()
    attempts = [
        lambda: services.update_issue(
            issue,
            editor,
            issue_date=datetime.date(2026, 1, 1),
            distribution_list=None,
            copies=5,
            version=issue.version,
        ),
        lambda: services.move_item(issue, item.pk, "down", editor),
        lambda: services.set_item_order(
            issue, item.section_id, [item.pk, item.pk + 1], editor
        ),
        lambda: services.move_section(issue, issue_section.pk, "down", editor),
        lambda: services.set_section_order(issue, [issue_section.pk], editor),
        lambda: services.move_item_to_section(
            issue, item.pk, factories.make_section(), editor
        ),
        lambda: services.submit_for_signoff(issue, editor),
    ]
    before = (issue.issue_date, issue.copies, issue.version, issue.number)
    for attempt in attempts:
        with pytest.raises(WorkflowError, match="本期已签发"):
            attempt()
    with pytest.raises(WorkflowError, match="本期已签发"):
        services.sign_off_issue(issue, factories.make_signer())
    issue.refresh_from_db()
    assert (issue.issue_date, issue.copies, issue.version, issue.number) == before


@pytest.mark.django_db
def test_stored_hash_is_checked_before_serving(fake_pdf):
    issue = sign(pending_issue())
    document = issue.documents.get()
    reader = factories.make_reader()
    assert services.read_verified_document(document, reader).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="pdf_download", user=reader).exists()

    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(services.DocumentIntegrityError, match="完整性校验"):
        services.read_verified_document(document, reader)
    assert AuditEvent.objects.filter(
        action="pdf_integrity_failure", result="failure", user=reader
    ).exists()


@pytest.mark.django_db
def test_sign_off_renders_a_real_pdf_with_the_assigned_number():
    pdfplumber = pytest.importorskip("pdfplumber")
    publication = factories.make_publication(
        name="工作简报", number_year=2026, last_number=11, last_total_number=344
    )
    issue = pending_issue(publication, items=1)
    document = services.sign_off_issue(issue, factories.make_signer())
    with pdfplumber.open(document.file.path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "第12期（总第345期）" in text
    assert "预览" not in text


@pytest.mark.django_db
def test_render_pdf_command_writes_the_issue(tmp_path, demo):
    issue = Issue.objects.get(total_number=345)
    out = tmp_path / "seed.pdf"
    call_command("render_pdf", str(issue.pk), "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_load_demo_stores_the_seed_pdf_once(demo):
    import os

    call_command("load_demo", stdout=open(os.devnull, "w"))
    issue = Issue.objects.get(total_number=345)
    document = issue.documents.get()
    assert not document.is_correction
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.size == len(data)


@pytest.mark.django_db
def test_admin_sets_starting_numbers_in_the_admin_and_sign_off_continues(fake_pdf):
    from django.test import Client

    publication = factories.make_publication()
    client = Client()
    client.force_login(factories.make_admin())
    url = f"/admin/briefing/publication/{publication.pk}/change/"
    page = client.get(url).content.decode()
    assert "期号起点" in page and "跨年连续" in page
    response = client.post(
        url,
        {
            "name": publication.name,
            "kind": "regular",
            "office_name": publication.office_name,
            "default_classification": "internal",
            "is_active": "on",
            "number_year": "2026",
            "last_number": "11",
            "last_total_number": "344",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="publication_numbering_set").exists()
    issue = sign(pending_issue(publication, issue_date=datetime.date(2026, 11, 24)))
    assert issue.number_label == "第12期（总第345期）"
