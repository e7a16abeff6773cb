"""更正: a signer or admin corrects the text of an issued issue and prints it
again as 更正版 under the same number; the original stays as it was."""

import hashlib
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from briefing.models import Issue, IssueDocument, Item, ItemEvent, ItemRevision
from briefing.pdf import PdfRenderError
from briefing.services import issues as services
from briefing.services.errors import StaleVersionError, WorkflowError
from notifications.models import Notification
from tests import factories
from tests.briefing.issue_factories import (
    FakeRenderer,
    composed_issue,
    place_item,
    recipient_reader,
)

S = Issue.Status

OLD_SENTENCE = "全年签约金额八万元。"
NEW_SENTENCE = "全年签约金额八亿元。"


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


def issued_issue(items=2):
    """A signed issue whose first item says OLD_SENTENCE."""
    issue = composed_issue(status=S.PENDING_SIGNOFF, items=0)
    section = factories.make_section()
    place_item(issue, section, title="开发区招商签约", body=f"<p>{OLD_SENTENCE}</p>")
    for _ in range(items - 1):
        place_item(issue, section)
    services.sign_off_issue(issue, factories.make_signer())
    issue.refresh_from_db()
    return issue


def items_of(issue):
    return list(Item.objects.filter(issue=issue).order_by("position"))


def as_typed(issue, **changes):
    """The correction form's item fields: every item as it is, some changed."""
    typed = {
        item.pk: {"title": item.title, "body": item.body} for item in items_of(issue)
    }
    for pk, fields in changes.items():
        typed[int(pk)].update(fields)
    return typed


def correct(issue, actor, reason="第一条“亿元”误作“万元”。", version=None, **changes):
    return services.issue_correction(
        issue,
        actor,
        reason=reason,
        version=issue.version if version is None else version,
        items=as_typed(issue, **changes),
    )


def pdf_text(path_or_bytes):
    pdfplumber = pytest.importorskip("pdfplumber")
    source = path_or_bytes
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with pdfplumber.open(source) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    return text.replace("\n", "").replace(" ", "")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# -- the service -------------------------------------------------------------------


@pytest.mark.django_db
def test_correction_changes_the_printed_text_and_keeps_the_original():
    issue = issued_issue()
    original = issue.documents.get()
    original_hash = original.sha256
    with original.file.open("rb") as handle:
        original_bytes = handle.read()
    assert OLD_SENTENCE in pdf_text(original_bytes)
    first = items_of(issue)[0]

    correction = correct(
        issue,
        factories.make_admin(),
        **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}},
    )

    document = correction.document
    assert document.is_correction and document.reason == "第一条“亿元”误作“万元”。"
    with document.file.open("rb") as handle:
        new_bytes = handle.read()
    assert document.sha256 == hashlib.sha256(new_bytes).hexdigest()
    new_text = pdf_text(new_bytes)
    assert NEW_SENTENCE in new_text and OLD_SENTENCE not in new_text
    # Same number, marked 更正版.
    issue.refresh_from_db()
    assert issue.number_label in new_text and "更正版" in new_text
    # The original: same row, same file, same bytes, same hash.
    assert list(issue.documents.order_by("id")) == [original, document]
    original.refresh_from_db()
    assert original.sha256 == original_hash and not original.is_correction
    assert document.file.name != original.file.name
    with original.file.open("rb") as handle:
        assert handle.read() == original_bytes
    # ...and still downloadable, with its hash checked: a reader's copy of it.
    url = reverse("briefing:issue_document_download", args=[issue.pk, original.pk])
    response = client_for(recipient_reader(issue)).get(url)
    assert response.status_code == 200
    copy_text = pdf_text(b"".join(response.streaming_content))
    assert OLD_SENTENCE in copy_text and NEW_SENTENCE not in copy_text


@pytest.mark.django_db
def test_changed_items_get_a_revision_and_an_event_unchanged_ones_nothing(fake_pdf):
    issue = issued_issue(items=2)
    first, second = items_of(issue)
    reader = factories.make_reader()
    signer = factories.make_signer()
    revisions_before = ItemRevision.objects.filter(item=second).count()

    correction = correct(
        issue,
        signer,
        **{
            str(first.pk): {
                "title": " 开发区招商签约（更正） ",
                "body": f'<p onclick="x()">{NEW_SENTENCE}</p><script>alert(1)</script>',
            }
        },
    )

    assert correction.corrected == [Item.objects.get(pk=first.pk)]
    changed = Item.objects.get(pk=first.pk)
    assert changed.title == "开发区招商签约（更正）"
    # Sanitised on the server, like every item save.
    assert "<script" not in changed.body and "onclick" not in changed.body
    assert NEW_SENTENCE in changed.body
    assert NEW_SENTENCE in changed.search_text and "更正" in changed.search_text
    assert changed.version == first.version + 1
    assert changed.status == Item.Status.PUBLISHED
    revision = changed.revisions.order_by("-number").first()
    assert revision.note == "更正" and revision.author == signer
    assert revision.title == changed.title and revision.body == changed.body
    event = ItemEvent.objects.get(item=changed, action="correct")
    assert event.actor == signer and event.comment == "第一条“亿元”误作“万元”。"
    assert AuditEvent.objects.filter(
        action="item.correct", object_id=str(changed.pk)
    ).exists()
    # The untouched item: no revision, no event, same version.
    untouched = Item.objects.get(pk=second.pk)
    assert untouched.version == second.version
    assert ItemRevision.objects.filter(item=second).count() == revisions_before
    assert not ItemEvent.objects.filter(item=second, action="correct").exists()
    # The issue: new version, an event naming the corrected item, an audit event.
    issue_before = issue.version
    issue.refresh_from_db()
    assert issue.version == issue_before + 1
    issue_event = issue.events.get(action="correction")
    assert "《开发区招商签约（更正）》" in issue_event.comment
    assert correction.document.sha256 in issue_event.comment
    assert AuditEvent.objects.filter(
        action="issue_correction", object_id=str(issue.pk), result="success"
    ).exists()
    # Printed from the corrected text.
    printed_text = re.sub(r"<[^>]*>", "", fake_pdf.html[-1])
    assert NEW_SENTENCE in printed_text and "更正版" in printed_text
    # Readers hear of it only once the transaction commits (next test).
    assert not Notification.objects.filter(recipient=reader).exists()


@pytest.mark.django_db(transaction=True)
def test_readers_are_notified_after_commit(fake_pdf):
    issue = issued_issue(items=1)
    reader = recipient_reader(issue)
    outside = factories.make_reader()
    clerk = factories.make_clerk(factories.make_department())
    Notification.objects.all().delete()  # those of the sign-off
    correct(issue, factories.make_signer(), reason="错字。")
    told = Notification.objects.filter(title__contains="更正版")
    assert reader.pk in set(told.values_list("recipient", flat=True))
    assert clerk.pk not in set(told.values_list("recipient", flat=True))
    assert outside.pk not in set(told.values_list("recipient", flat=True))
    assert told.filter(recipient=reader, body="错字。").exists()


@pytest.mark.django_db
def test_a_correction_without_a_text_change_prints_the_issue_again(fake_pdf):
    issue = issued_issue(items=2)
    versions = {item.pk: item.version for item in items_of(issue)}
    correction = correct(issue, factories.make_signer(), reason="版面字体修复后重印。")
    assert correction.corrected == []
    assert correction.document.is_correction
    assert {item.pk: item.version for item in items_of(issue)} == versions
    assert not ItemEvent.objects.filter(action="correct").exists()
    assert "文字未改动" in issue.events.get(action="correction").comment


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "reader", "clerk"])
def test_only_a_signer_or_an_admin_corrects(fake_pdf, role):
    issue = issued_issue(items=1)
    user = {
        "editor": factories.make_editor,
        "reader": factories.make_reader,
        "clerk": lambda: factories.make_clerk(factories.make_department()),
    }[role]()
    first = items_of(issue)[0]
    with pytest.raises(WorkflowError, match="只有签发人或管理员"):
        correct(issue, user, **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}})
    assert Item.objects.get(pk=first.pk).body == first.body
    assert issue.documents.count() == 1
    assert AuditEvent.objects.filter(
        action="issue_correction", result="failure", user=user
    ).exists()


@pytest.mark.django_db
def test_the_reason_is_required(fake_pdf):
    issue = issued_issue(items=1)
    first = items_of(issue)[0]
    with pytest.raises(WorkflowError, match="请填写更正原因"):
        correct(
            issue,
            factories.make_signer(),
            reason="  ",
            **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}},
        )
    assert Item.objects.get(pk=first.pk).body == first.body
    assert issue.documents.count() == 1


@pytest.mark.django_db
def test_a_stale_version_is_refused(fake_pdf):
    issue = issued_issue(items=1)
    first = items_of(issue)[0]
    loaded_at = issue.version
    correct(issue, factories.make_admin(), reason="先更正一次。")
    with pytest.raises(StaleVersionError, match="已有变动"):
        correct(
            issue,
            factories.make_signer(),
            version=loaded_at,
            **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}},
        )
    assert Item.objects.get(pk=first.pk).body == first.body
    assert issue.documents.count() == 2


@pytest.mark.django_db
def test_only_an_issued_issue_is_corrected(fake_pdf):
    issue = composed_issue(status=S.PENDING_SIGNOFF, items=1)
    with pytest.raises(WorkflowError, match="已签发"):
        correct(issue, factories.make_signer())


@pytest.mark.django_db
def test_an_item_of_another_issue_is_refused(fake_pdf):
    issue = issued_issue(items=1)
    other = issued_issue(items=1)
    stranger = items_of(other)[0]
    typed = as_typed(issue)
    typed[stranger.pk] = {"title": "别的期", "body": "<p>不该改。</p>"}
    with pytest.raises(WorkflowError, match="刷新"):
        services.issue_correction(
            issue,
            factories.make_signer(),
            reason="错字。",
            version=issue.version,
            items=typed,
        )
    assert Item.objects.get(pk=stranger.pk).title == stranger.title


@pytest.mark.django_db
def test_render_failure_changes_nothing(monkeypatch, fake_pdf):
    issue = issued_issue(items=2)
    first = items_of(issue)[0]
    before = (issue.version, first.version, first.revisions.count())

    def broken(html, base_url=None):
        raise PdfRenderError("无法生成 PDF：服务器上没有可用的中文字体。")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(WorkflowError, match="更正未发布"):
        correct(
            issue,
            factories.make_signer(),
            **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}},
        )
    issue.refresh_from_db()
    item = Item.objects.get(pk=first.pk)
    assert (issue.version, item.version, item.revisions.count()) == before
    assert item.body == first.body
    assert not ItemEvent.objects.filter(action="correct").exists()
    assert list(IssueDocument.objects.filter(issue=issue)) == [
        issue.documents.get(is_correction=False)
    ]
    assert not issue.events.filter(action="correction").exists()


# -- the page ----------------------------------------------------------------------


def correct_url(issue):
    return reverse("briefing:issue_correct", args=[issue.pk])


def form_data(issue, reason="第一条“亿元”误作“万元”。", version=None, **changes):
    data = {
        "reason": reason,
        "version": issue.version if version is None else version,
    }
    for pk, fields in as_typed(issue, **changes).items():
        data[f"item-{pk}-title"] = fields["title"]
        data[f"item-{pk}-body"] = fields["body"]
    return data


@pytest.mark.django_db
def test_the_page_shows_every_item_editable_to_signer_and_admin_only(fake_pdf):
    issue = issued_issue(items=2)
    first, second = items_of(issue)
    for user in (factories.make_signer(), factories.make_admin()):
        page = client_for(user).get(correct_url(issue))
        assert page.status_code == 200
        html = page.content.decode()
        assert f'name="item-{first.pk}-title"' in html
        assert f'name="item-{second.pk}-body"' in html
        assert OLD_SENTENCE in html and "更正原因" in html
    for user in (factories.make_editor(), factories.make_reader()):
        assert client_for(user).get(correct_url(issue)).status_code == 404
        assert (
            client_for(user).post(correct_url(issue), form_data(issue)).status_code
            == 404
        )
    assert issue.documents.count() == 1
    detail = reverse("briefing:issue_detail", args=[issue.pk])
    assert (
        correct_url(issue)
        in client_for(factories.make_signer()).get(detail).content.decode()
    )
    assert (
        correct_url(issue)
        not in client_for(factories.make_editor()).get(detail).content.decode()
    )


@pytest.mark.django_db
def test_correcting_through_the_page(fake_pdf):
    issue = issued_issue(items=2)
    first = items_of(issue)[0]
    client = client_for(factories.make_signer())
    response = client.post(
        correct_url(issue),
        form_data(issue, **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>\r\n"}}),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    assert NEW_SENTENCE in Item.objects.get(pk=first.pk).body
    page = client.get(response["Location"]).content.decode()
    assert "已发布更正版（更正了 1 篇稿件）" in page


@pytest.mark.django_db
def test_an_empty_reason_on_the_page_keeps_the_typed_text(fake_pdf):
    issue = issued_issue(items=1)
    first = items_of(issue)[0]
    response = client_for(factories.make_signer()).post(
        correct_url(issue),
        form_data(
            issue, reason="", **{str(first.pk): {"body": f"<p>{NEW_SENTENCE}</p>"}}
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写更正原因" in html and NEW_SENTENCE in html
    assert Item.objects.get(pk=first.pk).body == first.body


@pytest.mark.django_db
def test_a_stale_page_is_refused_and_keeps_the_typed_text(fake_pdf):
    issue = issued_issue(items=1)
    first = items_of(issue)[0]
    client = client_for(factories.make_signer())
    loaded_at = issue.version
    assert (
        client.post(
            correct_url(issue), form_data(issue, reason="先改一次。")
        ).status_code
        == 302
    )
    response = client.post(
        correct_url(issue),
        form_data(
            issue,
            version=loaded_at,
            **{str(first.pk): {"body": "<p>另一位签发人打的字。</p>"}},
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "已有变动" in html and "另一位签发人打的字。" in html
    assert Item.objects.get(pk=first.pk).body == first.body
    assert issue.documents.count() == 2


@pytest.mark.django_db
def test_the_default_download_is_the_newest_correction(fake_pdf):
    issue = issued_issue(items=1)
    signer = factories.make_signer()
    correct(issue, signer, reason="第一次更正。")
    issue.refresh_from_db()
    newest = correct(issue, signer, reason="第二次更正。").document
    page = client_for(recipient_reader(issue)).get(
        reverse("briefing:issue_detail", args=[issue.pk])
    )
    html = page.content.decode()
    current = html[html.index("当前版本") : html.index("下载当前版本 PDF")]
    assert "第二次更正。" in current and "第一次更正。" not in current
    assert (
        reverse("briefing:issue_document_download", args=[issue.pk, newest.pk])
        in current
    )
    # Every version stays listed: the original and both corrections.
    assert html.count("下载更正版 PDF") == 2 and "下载原版 PDF" in html
