"""The monthly 通报: draft, edit, issue, PDF in the official layout, and .docx."""

import hashlib
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse

from assessment import bulletin as bulletin_doc
from assessment import services
from assessment.models import Bulletin, BulletinDocument
from audit.models import AuditEvent
from briefing.pdf import PdfRenderError
from notifications.models import Notification
from tests.briefing.issue_factories import FakeRenderer
from tests.briefing.test_pdf import notdef_glyphs
from tests.factories import make_clerk

from .factories import fixed_data_set

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


@pytest.fixture
def data():
    return fixed_data_set()


@pytest.fixture
def draft(data):
    return services.create_bulletin(data["editor"], 2026, 7)


def test_draft_holds_the_months_figures(draft):
    assert draft.title == "关于2026年7月份政务信息报送情况的通报"
    data = draft.data
    assert [(r["rank"], r["unit"], r["score"]) for r in data["ranking"]] == [
        (1, "开发区", "7"),
        (2, "民政局", "2"),
        (3, "交通局", "-2"),
    ]
    assert data["totals"]["submitted"] == "2"
    assert {m["unit"] for m in data["missed"]} == {"开发区", "民政局", "交通局"}
    assert [r["publication"] for r in data["higher"]] == ["《河南信息》第9期"]
    assert [r["leader"] for r in data["instructions"]] == ["县长"]
    assert "全县3个单位共报送政务信息2条" in draft.intro


def test_editor_edits_the_text_then_issues_and_units_are_told(
    client, data, draft, django_capture_on_commit_callbacks
):
    clerk = make_clerk(data["kfq"])
    client.force_login(data["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/stats/bulletins/{draft.pk}/",
            issue_form(
                draft,
                recipients="各乡镇、县直各单位：",
                intro="七月份全县政务信息工作总体平稳。",
                closing="望各单位再接再厉。",
                office_name="测试县委办公室",
            ),
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.ISSUED
    assert draft.intro == "七月份全县政务信息工作总体平稳。"
    assert Notification.objects.filter(recipient=clerk, title=draft.title).exists()
    with pytest.raises(services.AssessmentError, match="已印发"):
        services.update_bulletin(
            draft, data["editor"], version=draft.version, intro="x"
        )
    # The issued 通报 is open to the units; a draft is not.
    client.force_login(clerk)
    assert client.get(f"/stats/bulletins/{draft.pk}/").status_code == 200
    other = services.create_bulletin(data["editor"], 2026, 6)
    assert client.get(f"/stats/bulletins/{other.pk}/").status_code == 404
    assert client.get(f"/stats/bulletins/{other.pk}/file.pdf").status_code == 404


def test_a_stale_form_is_refused(data, draft):
    services.update_bulletin(
        draft, data["editor"], version=draft.version, intro="第一次修改"
    )
    with pytest.raises(services.AssessmentError, match="已被他人修改"):
        services.update_bulletin(draft, data["editor"], version=1, intro="第二次")


def test_pdf_is_a4_with_embedded_fonts_and_reads_back(data, draft):
    pdfplumber = pytest.importorskip("pdfplumber")
    from pypdf import PdfReader

    content = bulletin_doc.bulletin_pdf(draft)
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        page = pdf.pages[0]
        assert round(page.width / MM) == 210
        assert round(page.height / MM) == 297
        text = "".join(p.extract_text() or "" for p in pdf.pages)
        # Page numbers (— 1 —) fall between the lines of running text.
        text = re.sub(r"—\d+—", "", text.replace(" ", "").replace("\n", ""))
        # A draft says so at the top of every page (the mark may split a line
        # that runs over a page break).
        assert all("草稿（未印发）" in (p.extract_text() or "") for p in pdf.pages)
        text = text.replace("草稿（未印发）", "")
        chars = page.chars
    for expected in (
        "信息工作通报",
        "关于2026年7月份政务信息报送情况的通报",
        "一、各单位报送及得分情况",
        "开发区",
        "交通局",
        "《河南信息》第9期",
    ):
        assert expected in text, expected
    # The type area starts 28 mm from the left edge, as in the briefing.
    assert min(c["x0"] for c in chars) == pytest.approx(28 * MM, abs=2 * MM)
    fonts = {}
    for pdf_page in PdfReader(io.BytesIO(content)).pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (
                descendant[0].get_object()["/FontDescriptor"]
                if descendant
                else font.get("/FontDescriptor")
            )
            fonts[font["/BaseFont"]] = any(
                key in descriptor.get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    # As for the briefing: no character was drawn as an empty box.
    assert notdef_glyphs(content) == []


def test_docx_has_the_title_and_the_ranking(draft):
    from docx import Document

    document = Document(io.BytesIO(bulletin_doc.bulletin_docx(draft)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于2026年7月份政务信息报送情况的通报"
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["名次", "单位"]
    assert [c.text for c in table.rows[1].cells][1] == "开发区"
    section = document.sections[0]
    assert round(section.page_width.mm) == 210


# --- the issued PDF: rendered once at 印发, stored with its SHA-256 -------------


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(bulletin_doc, "render_pdf", renderer)
    return renderer


def issue(data, draft):
    services.issue_bulletin(draft, data["editor"], version=draft.version)
    draft.refresh_from_db()
    return draft


def issue_form(draft, **changes):
    """The 印发 form of ``draft`` as the page offers it, with ``changes``."""
    return {
        "version": draft.version,
        "action": "issue",
        "title": draft.title,
        "recipients": draft.recipients,
        "intro": draft.intro,
        "closing": draft.closing,
        "office_name": draft.office_name,
        "issue_date": "2026-08-03",
        **changes,
    }


def stored_files():
    folder = settings.MEDIA_ROOT / "bulletins"
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_issuing_stores_the_pdf_with_its_sha256(data, draft, fake_pdf):
    bulletin = issue(data, draft)
    assert bulletin.status == Bulletin.Status.ISSUED
    document = bulletin.document
    assert len(fake_pdf.html) == 1
    assert bulletin.title in fake_pdf.html[0]
    assert "草稿（未印发）" not in fake_pdf.html[0]
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert stored == fake_pdf.pdfs[0]
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)
    assert document.created_by == data["editor"]
    # Private: under MEDIA_ROOT, which no URL serves.
    path = settings.MEDIA_ROOT / document.file.name
    assert path.is_file() and document.file.name.startswith("bulletins/")
    event = AuditEvent.objects.get(action="assessment.bulletin_issue")
    assert document.sha256 in event.reason


def test_the_reading_home_links_the_bulletins_once_one_is_issued(
    client, data, draft, fake_pdf
):
    client.force_login(make_clerk(data["kfq"]))
    link = f'href="{reverse("assessment:bulletins")}"'
    assert link not in client.get(reverse("reading:home")).content.decode()
    issue(data, draft)
    page = client.get(reverse("reading:home")).content.decode()
    assert link in page and "信息工作月度通报" in page


def test_download_serves_exactly_the_stored_bytes(client, data, draft, fake_pdf):
    bulletin = issue(data, draft)
    clerk = make_clerk(data["kfq"])
    client.force_login(clerk)
    for _ in range(2):
        response = client.get(f"/stats/bulletins/{bulletin.pk}/file.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        with bulletin.document.file.open("rb") as handle:
            assert response.content == handle.read()
    # Not rendered again on download.
    assert len(fake_pdf.html) == 1
    assert AuditEvent.objects.filter(action="pdf_download", user=clerk).count() == 2


def test_a_tampered_pdf_is_refused_and_audited(client, data, draft, fake_pdf):
    bulletin = issue(data, draft)
    document = bulletin.document
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    clerk = make_clerk(data["kfq"])
    client.force_login(clerk)
    response = client.get(f"/stats/bulletins/{bulletin.pk}/file.pdf")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "未通过完整性校验" in page
    assert document.sha256 in page
    assert b"tampered" not in response.content
    event = AuditEvent.objects.get(action="pdf_integrity_failure")
    assert (event.user, event.result) == (clerk, AuditEvent.Result.FAILURE)
    assert (event.object_type, event.object_id) == (
        "bulletindocument",
        str(document.pk),
    )
    assert not AuditEvent.objects.filter(action="pdf_download").exists()


def test_a_missing_pdf_is_refused_too(client, data, draft, fake_pdf):
    bulletin = issue(data, draft)
    bulletin.document.file.delete(save=False)
    client.force_login(data["editor"])
    response = client.get(f"/stats/bulletins/{bulletin.pk}/file.pdf")
    assert response.status_code == 500
    assert AuditEvent.objects.filter(
        action="pdf_integrity_failure", reason__contains="文件缺失"
    ).exists()


def test_render_failure_leaves_the_bulletin_a_draft(
    client, data, draft, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html, base_url=None):
        raise PdfRenderError("PDF 生成失败：字体缺失。")

    monkeypatch.setattr(bulletin_doc, "render_pdf", broken)
    clerk = make_clerk(data["kfq"])
    before = stored_files()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.AssessmentError, match="通报未印发，仍为草稿"),
    ):
        services.issue_bulletin(draft, data["editor"], version=draft.version)
    version = draft.version
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT
    assert (draft.issued_by, draft.issued_at, draft.version) == (None, None, version)
    assert not BulletinDocument.objects.exists()
    assert stored_files() == before
    assert not AuditEvent.objects.filter(action="assessment.bulletin_issue").exists()
    assert not Notification.objects.filter(recipient=clerk).exists()

    # Through the page: the editor sees why, and the 通报 is still editable.
    client.force_login(data["editor"])
    response = client.post(f"/stats/bulletins/{draft.pk}/", issue_form(draft))
    assert response.status_code == 200
    assert "PDF 生成失败：字体缺失。（通报未印发，仍为草稿" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT


def test_a_text_too_long_to_print_is_refused_before_anything_is_rendered(
    client, data, draft, fake_pdf
):
    client.force_login(data["editor"])
    response = client.post(
        f"/stats/bulletins/{draft.pk}/", issue_form(draft, intro="长" * 5001)
    )
    assert response.status_code == 200
    assert (
        "导语不能超过 5000 字（现有 5001 字），请删减后再保存。"
        in response.content.decode()
    )
    intro = draft.intro
    draft.refresh_from_db()
    assert (draft.status, draft.intro) == (Bulletin.Status.DRAFT, intro)
    assert fake_pdf.html == []


def test_a_draft_pdf_is_rendered_on_each_download(client, data, draft, fake_pdf):
    client.force_login(data["editor"])
    for _ in range(2):
        response = client.get(f"/stats/bulletins/{draft.pk}/file.pdf")
        assert response.status_code == 200
    assert len(fake_pdf.html) == 2
    assert not BulletinDocument.objects.exists()


def test_a_bulletin_created_at_the_same_moment_elsewhere_is_a_message(
    data, monkeypatch
):
    real_snapshot = bulletin_doc.snapshot
    raced = []

    def snapshot_while_another_editor_creates_it(year, month):
        figures = real_snapshot(year, month)
        if not raced:  # between this editor's check and save, another saves
            raced.append(True)
            services.create_bulletin(data["editor"], year, month)
        return figures

    monkeypatch.setattr(
        bulletin_doc, "snapshot", snapshot_while_another_editor_creates_it
    )
    # A message, not an error page. (Here the other editor's row shares this
    # test's transaction, so it goes when this call rolls back.)
    with pytest.raises(services.AssessmentError, match="2026年7月的通报已经存在"):
        services.create_bulletin(data["editor"], 2026, 7)


def test_issuing_asks_first(client, data, draft):
    client.force_login(data["editor"])
    page = client.get(f"/stats/bulletins/{draft.pk}/").content.decode()
    assert re.search(r'value="issue"[^>]*data-confirm="确定印发本期通报吗？', page)
    assert "core/confirm" in page
