"""Downloads are numbered copies: a reader's is marked, the stored file never is.

Also the 密级 of an issue: chosen from a list, with its 保密期限, never two.
"""

import datetime
import hashlib
import io
import threading
import zoneinfo

import pdfplumber
import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from briefing.forms.issues import IssueSettingsForm
from briefing.models import Classification, Issue, IssueCopy
from briefing.services import issues as services
from briefing.services.errors import WorkflowError
from tests import factories
from tests.briefing.issue_factories import (
    FakeRenderer,
    composed_issue,
    recipient_reader,
)

S = Issue.Status
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


def issued_issue(**kwargs):
    issue = composed_issue(status=S.PENDING_SIGNOFF, items=1, **kwargs)
    services.sign_off_issue(issue, factories.make_signer())
    issue.refresh_from_db()
    return issue


def get(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response, body


def reading_url(issue, document):
    return reverse("reading:document", args=[issue.pk, document.pk])


def marks(pdf: bytes) -> list[str]:
    """The light grey text of each page: the watermark, in drawing order."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            "".join(
                char["text"]
                for char in page.chars
                if tuple(char["non_stroking_color"] or ()) == (0.8,)
            )
            for page in document.pages
        ]


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


# -- downloads -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_reader_gets_a_copy_marked_with_name_unit_time_and_number(
    fake_pdf, time_machine
):
    issue = issued_issue()
    document = issue.documents.get()
    original, original_hash = stored(document), document.sha256
    reader = recipient_reader(issue)
    reader.first_name = "陈副县长"
    reader.save()

    # 01:05 UTC is 09:05 in Shanghai.
    time_machine.move_to(
        datetime.datetime(2026, 11, 24, 1, 5, tzinfo=datetime.UTC), tick=False
    )
    response, first = get(reader, reading_url(issue, document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _response, second = get(reader, reading_url(issue, document))

    assert first != original
    assert marks(first) == ["陈副县长　领导2026-11-24 09:05　第000001份" * 2]
    assert marks(second) == ["陈副县长　领导2026-11-24 09:05　第000002份" * 2]
    # The stored file and its hash: untouched.
    document.refresh_from_db()
    assert stored(document) == original and document.sha256 == original_hash
    assert hashlib.sha256(original).hexdigest() == original_hash
    # Each copy recorded: a row and an audit event naming its number.
    copies = IssueCopy.objects.filter(issue=issue).order_by("number")
    assert [(c.number, c.recipient, c.is_marked) for c in copies] == [
        (1, reader, True),
        (2, reader, True),
    ]
    reasons = AuditEvent.objects.filter(
        action="pdf_download", user=reader, object_id=str(document.pk)
    ).values_list("reason", flat=True)
    assert sorted(reasons) == ["第000001份，加标记", "第000002份，加标记"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "signer"])
def test_editors_and_signers_get_the_unmarked_original_still_numbered(fake_pdf, role):
    issue = issued_issue()
    document = issue.documents.get()
    user = {"editor": factories.make_editor, "signer": factories.make_signer}[role]()
    url = reverse("briefing:issue_document_download", args=[issue.pk, document.pk])
    response, body = get(user, url)
    assert response.status_code == 200
    assert body == stored(document)
    copy = IssueCopy.objects.get(issue=issue)
    assert (copy.number, copy.recipient, copy.is_marked) == (1, user, False)
    assert AuditEvent.objects.filter(
        action="pdf_download", user=user, reason="第000001份，原版（未加标记）"
    ).exists()


@pytest.mark.django_db
def test_an_admin_gets_a_marked_copy(fake_pdf):
    issue = issued_issue()
    document = issue.documents.get()
    admin = factories.make_admin()
    url = reverse("briefing:issue_document_download", args=[issue.pk, document.pk])
    _response, body = get(admin, url)
    assert "第000001份" in marks(body)[0]


@pytest.mark.django_db
def test_a_reader_outside_the_distribution_gets_404_and_no_number(fake_pdf):
    issue = issued_issue()
    document = issue.documents.get()
    outsider = factories.make_reader()
    response, _body = get(outsider, reading_url(issue, document))
    assert response.status_code == 404
    url = reverse("briefing:issue_document_download", args=[issue.pk, document.pk])
    assert get(outsider, url)[0].status_code == 404
    issue.refresh_from_db()
    assert issue.last_copy_number == 0 and not IssueCopy.objects.exists()


@pytest.mark.django_db
def test_an_altered_file_is_refused_before_any_number_is_used(fake_pdf):
    issue = issued_issue()
    document = issue.documents.get()
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    response, _body = get(recipient_reader(issue), reading_url(issue, document))
    assert response.status_code == 500
    assert "完整性校验" in response.content.decode()
    assert not IssueCopy.objects.exists()


@pytest.mark.django_db
def test_a_classified_copy_carries_its_number_at_the_top_left_of_page_one(fake_pdf):
    publication = factories.make_publication()
    issue = issued_issue(
        publication=publication, classification="secret", secrecy_years=1
    )
    assert issue.marking == "秘密★1年" and issue.is_classified
    document = issue.documents.get()
    reader = recipient_reader(issue)
    get(reader, reading_url(issue, document))
    _response, body = get(reader, reading_url(issue, document))
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        black = [
            c for c in pdf.pages[0].chars if tuple(c["non_stroking_color"]) == (0,)
        ]
    assert "".join(c["text"] for c in black) == "000002"
    # 版心 top left: 28 mm from the left edge, on the first of its lines.
    assert black[0]["x0"] == pytest.approx(28 * 72 / 25.4, abs=0.5)
    assert 37 * 72 / 25.4 - 1 < black[0]["top"] < 37 * 72 / 25.4 + 28.95


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) need PostgreSQL; SQLite locks the file",
)
def test_concurrent_downloads_get_distinct_consecutive_numbers(fake_pdf):
    issue = issued_issue()
    document = issue.documents.get()
    readers = [recipient_reader(issue) for _ in range(12)]
    start = threading.Barrier(len(readers))
    numbers, errors = [], []

    def download(reader):
        try:
            start.wait()
            numbers.append(services.download_copy(document, reader).number)
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=download, args=(r,)) for r in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(numbers) == list(range(1, 13))
    recorded = IssueCopy.objects.filter(issue=issue)
    assert sorted(recorded.values_list("number", flat=True)) == list(range(1, 13))
    assert {c.recipient_id for c in recorded} == {r.pk for r in readers}
    issue.refresh_from_db()
    assert issue.last_copy_number == 12


# -- 密级 ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_issue_takes_the_publication_default(fake_pdf):
    publication = factories.make_publication(
        default_classification=Classification.CONFIDENTIAL, default_secrecy_years=5
    )
    issue = services.create_issue(
        actor=factories.make_editor(),
        publication=publication,
        issue_date=datetime.date(2026, 11, 24),
    )
    assert (issue.classification, issue.secrecy_years) == ("confidential", 5)
    assert issue.marking == "机密★5年"


@pytest.mark.parametrize(
    "classification, years, problem",
    [
        ("none", None, ""),
        ("internal", None, ""),
        ("secret", 1, ""),
        ("confidential", 20, ""),
        ("internal", 1, "不标保密期限"),
        ("none", 3, "不标保密期限"),
        ("secret", None, "须写保密期限"),
        ("secret", 11, "1 至 10 年"),
        ("confidential", 21, "1 至 20 年"),
        ("绝密", None, "绝密 不在可用的选项中"),
    ],
)
def test_the_settings_form_refuses_contradictory_markings(
    classification, years, problem
):
    form = IssueSettingsForm(
        {
            "issue_date": "2026-11-24",
            "copies": "60",
            "classification": classification,
            "secrecy_years": "" if years is None else str(years),
            "version": "1",
        }
    )
    if problem:
        assert not form.is_valid()
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        assert problem in errors
    else:
        assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_database_refuses_a_marking_with_the_wrong_period():
    issue = composed_issue()
    for classification, years in [("internal", 1), ("secret", None), ("secret", 11)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Issue.objects.filter(pk=issue.pk).update(
                classification=classification, secrecy_years=years
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_publication(
            default_classification="internal", default_secrecy_years=1
        )


@pytest.mark.django_db
def test_editor_sets_the_marking_on_the_compose_page_and_the_preview_prints_it():
    issue = composed_issue()
    editor = factories.make_editor()
    client = Client()
    client.force_login(editor)
    url = reverse("briefing:issue_update", args=[issue.pk])
    data = {
        "issue_date": "2026-11-24",
        "distribution_list": issue.distribution_list_id,
        "copies": "60",
        "classification": "secret",
        "secrecy_years": "",
        "version": issue.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "秘密须写保密期限" in response.content.decode()
    data["secrecy_years"] = "1"
    assert client.post(url, data).status_code == 302
    issue.refresh_from_db()
    assert issue.marking == "秘密★1年"
    assert issue.events.filter(action="update", comment__contains="密级 秘密★1年")
    html = client.get(reverse("briefing:issue_preview", args=[issue.pk]))
    page = html.content.decode()
    assert '<p class="masthead-note">秘密★1年</p>' in page
    assert "内部资料" not in page


@pytest.mark.django_db
def test_the_marking_cannot_change_once_issued(fake_pdf):
    issue = issued_issue()
    with pytest.raises(WorkflowError, match="本期已签发"):
        services.update_issue(
            issue,
            factories.make_editor(),
            issue_date=issue.issue_date,
            distribution_list=issue.distribution_list,
            copies=issue.copies,
            version=issue.version,
            classification="secret",
            secrecy_years=1,
        )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ("internal", None)),
        ("内部资料", ("internal", None)),
        ("内部资料　注意保存　秘密★1年", ("secret", 1)),
        ("秘密", ("secret", 10)),
        ("机密★5年", ("confidential", 5)),
        ("机密★30年", ("confidential", 20)),
    ],
)
def test_the_free_text_field_is_migrated_to_one_marking(text, expected):
    import importlib

    migration = importlib.import_module(
        "briefing.migrations.0006_issue_classification_and_copies"
    )
    assert migration.parse_marking(text) == expected


# -- the .docx ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_docx_is_stored_at_sign_off_with_its_hash_and_checked_on_download(
    fake_pdf,
):
    issue = issued_issue()
    document = issue.documents.get()
    with document.docx.open("rb") as handle:
        docx = handle.read()
    assert docx.startswith(b"PK") and hashlib.sha256(docx).hexdigest() == (
        document.docx_sha256
    )
    url = reverse("briefing:issue_document_docx", args=[issue.pk, document.pk])
    editor = factories.make_editor()
    response, body = get(editor, url)
    assert response.status_code == 200 and body == docx
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="docx_download", user=editor).exists()
    # A reader of the issue: 404 (the .docx carries no reader's mark).
    assert get(recipient_reader(issue), url)[0].status_code == 404
    # Altered: refused, recorded.
    with open(document.docx.path, "ab") as handle:
        handle.write(b"tampered")
    response, _body = get(editor, url)
    assert response.status_code == 500
    assert AuditEvent.objects.filter(
        action="pdf_integrity_failure", reason__contains="Word 文件"
    ).exists()


@pytest.mark.django_db
def test_a_failed_sign_off_leaves_neither_file_behind(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue = composed_issue(status=S.PENDING_SIGNOFF, items=1)
    monkeypatch.setattr(services, "render_pdf", FakeRenderer())

    def fail(*args, **kwargs):
        raise RuntimeError("publish failed")

    monkeypatch.setattr(services, "publish_items_of_issue", fail)
    with pytest.raises(RuntimeError):
        services.sign_off_issue(issue, factories.make_signer())
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.docx"))
