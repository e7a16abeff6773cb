"""Issue pages: who sees what, the forms, preview, download with hash check."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from briefing.models import Issue, Item
from briefing.services import issues as services
from tests import factories
from tests.briefing.issue_factories import (
    FakeRenderer,
    composed_issue,
    item_titles,
)

S = Issue.Status


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(db):
    department = factories.make_department()
    return {
        "editor": factories.make_editor(),
        "signer": factories.make_signer(),
        "reader": factories.make_reader(),
        # A reader the issue's distribution does not name.
        "reader_outside": factories.make_reader(),
        "admin": factories.make_admin(),
        "clerk": factories.make_clerk(department),
        "reviewer": factories.make_reviewer(department),
        "nobody": factories.make_user(),
    }


@pytest.fixture
def issued(people, fake_pdf):
    issue = composed_issue(status=S.PENDING_SIGNOFF)
    factories.add_online_readers(issue.distribution_list, people["reader"])
    services.sign_off_issue(issue, people["signer"])
    issue.refresh_from_db()
    return issue


def detail(issue):
    return reverse("briefing:issue_detail", args=[issue.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, sees_draft, sees_issued",
    [
        ("editor", True, True),
        ("signer", True, True),
        ("admin", True, True),
        ("reader", False, True),
        ("reader_outside", False, False),
        ("clerk", False, False),
        ("reviewer", False, False),
        ("nobody", False, False),
    ],
)
def test_who_may_see_an_issue(people, issued, role, sees_draft, sees_issued):
    draft = composed_issue()
    client = client_for(people[role])
    assert client.get(detail(draft)).status_code == (200 if sees_draft else 404)
    assert client.get(detail(issued)).status_code == (200 if sees_issued else 404)
    document = issued.documents.get()
    download = reverse(
        "briefing:issue_document_download", args=[issued.pk, document.pk]
    )
    assert client.get(download).status_code == (200 if sees_issued else 404)
    preview = reverse("briefing:issue_preview", args=[draft.pk])
    assert client.get(preview).status_code == (200 if sees_draft else 404)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(issued):
    response = Client().get(detail(issued))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_document_of_another_issue_is_404(people, issued, fake_pdf):
    other = composed_issue(status=S.PENDING_SIGNOFF)
    services.sign_off_issue(other, people["signer"])
    foreign = other.documents.get()
    url = reverse("briefing:issue_document_download", args=[issued.pk, foreign.pk])
    assert client_for(people["reader"]).get(url).status_code == 404


@pytest.mark.django_db
def test_issue_list_puts_pending_first_for_signers_and_hides_drafts_from_readers(
    people, issued
):
    pending = composed_issue(status=S.PENDING_SIGNOFF)
    draft = composed_issue(issue_date=datetime.date(2026, 4, 1))
    signer_page = client_for(people["signer"]).get("/issues/").content.decode()
    assert signer_page.index("待签发") < signer_page.index("已签发")
    assert detail(pending) in signer_page and detail(issued) in signer_page
    editor_page = client_for(people["editor"]).get("/issues/").content.decode()
    assert "组稿中" in editor_page and detail(draft) in editor_page
    assert "新建一期" in editor_page
    reader_page = client_for(people["reader"]).get("/issues/").content.decode()
    assert detail(issued) in reader_page
    assert detail(pending) not in reader_page and detail(draft) not in reader_page
    assert client_for(people["clerk"]).get("/issues/").status_code == 404


@pytest.mark.django_db
def test_editor_creates_an_issue_through_the_form(people):
    publication = factories.make_publication()
    distribution = factories.make_distribution(default_copies=45)
    client = client_for(people["editor"])
    assert client.get(reverse("briefing:issue_create")).status_code == 200
    response = client.post(
        reverse("briefing:issue_create"),
        {
            "publication": publication.pk,
            "issue_date": "2026-12-01",
            "distribution_list": distribution.pk,
            "copies": "",
        },
    )
    issue = Issue.objects.get(publication=publication)
    assert response.status_code == 302 and response["Location"] == detail(issue)
    assert issue.copies == 45
    for role in ("signer", "reader", "clerk"):
        page = client_for(people[role]).get(reverse("briefing:issue_create"))
        assert page.status_code == 404


@pytest.mark.django_db
def test_settings_form_keeps_what_was_typed_on_a_stale_version(people):
    issue = composed_issue()
    client = client_for(people["editor"])
    url = reverse("briefing:issue_update", args=[issue.pk])
    data = {
        "issue_date": "2026-12-02",
        "distribution_list": issue.distribution_list_id,
        "copies": "77",
        "classification": "internal",
        "version": issue.version,
    }
    assert client.post(url, data).status_code == 302
    data["copies"] = "88"  # same (now stale) version
    response = client.post(url, data)
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert 'value="88"' in response.content.decode()
    issue.refresh_from_db()
    assert issue.copies == 77


@pytest.mark.django_db
def test_down_button_is_a_plain_post_form(people):
    issue = composed_issue(items=2)
    section_id = issue.issue_sections.get().section_id
    first, second = Item.objects.filter(issue=issue).order_by("position")
    client = client_for(people["editor"])
    page = client.get(detail(issue)).content.decode()
    move_url = reverse("briefing:issue_item_move", args=[issue.pk, first.pk])
    assert f'action="{move_url}"' in page
    assert client.get(move_url).status_code == 405
    response = client.post(move_url, {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{first.pk}")
    assert item_titles(issue, section_id) == [second.title, first.title]


@pytest.mark.django_db
def test_drag_and_drop_order_answers_json(people):
    issue = composed_issue(items=3)
    section_id = issue.issue_sections.get().section_id
    ids = list(
        Item.objects.filter(issue=issue).order_by("position").values_list("pk", "title")
    )
    url = reverse("briefing:issue_item_order", args=[issue.pk, section_id])
    client = client_for(people["editor"])
    new_order = [ids[2][0], ids[0][0], ids[1][0]]
    response = client.post(
        url, {"order": new_order}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    assert item_titles(issue, section_id) == [ids[2][1], ids[0][1], ids[1][1]]
    response = client.post(
        url, {"order": new_order[:2]}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 400 and "刷新" in response.json()["error"]
    # A signer may look but not reorder.
    assert client_for(people["signer"]).post(url, {"order": new_order}).status_code == (
        404
    )


@pytest.mark.django_db
def test_state_changes_need_csrf(people):
    issue = composed_issue()
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["editor"])
    response = client.post(reverse("briefing:issue_submit", args=[issue.pk]))
    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == S.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "issue_submit",
        "issue_sign_off",
        "issue_send_back",
        "issue_update",
        "issue_section_order",
    ],
)
def test_post_only_views_refuse_get(people, name):
    issue = composed_issue()
    url = reverse(f"briefing:{name}", args=[issue.pk])
    assert client_for(people["editor"]).get(url).status_code == 405


@pytest.mark.django_db
def test_preview_shows_the_number_the_issue_will_get_marked_preview(people):
    publication = factories.make_publication(
        number_year=2026, last_number=11, last_total_number=344
    )
    issue = composed_issue(publication)
    client = client_for(people["editor"])
    html = client.get(reverse("briefing:issue_preview", args=[issue.pk]))
    assert html.status_code == 200
    text = html.content.decode()
    assert "第12期（总第345期）" in text and "预览" in text
    # Looking does not use the number up.
    publication.refresh_from_db()
    assert publication.last_number == 11
    assert "第12期（总第345期）" in client.get(detail(issue)).content.decode()


@pytest.mark.django_db
def test_pdf_preview_renders_on_the_fly(people):
    pdfplumber = pytest.importorskip("pdfplumber")
    import io

    issue = composed_issue(items=1)
    response = client_for(people["signer"]).get(
        reverse("briefing:issue_preview_pdf", args=[issue.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = pdf.pages[0].extract_text()
        # Drawn first, behind the text; diagonal, so read in drawing order.
        drawn = "".join(char["text"] for char in pdf.pages[0].chars)
    assert "第1期（总第1期）" in text and drawn.startswith("预览（未签发）")
    assert not issue.documents.exists()


@pytest.mark.django_db
def test_signer_signs_and_sends_back_through_the_page(people, fake_pdf):
    issue = composed_issue(status=S.PENDING_SIGNOFF)
    client = client_for(people["signer"])
    page = client.get(detail(issue)).content.decode()
    assert "签发" in page and "退回意见" in page
    response = client.post(
        reverse("briefing:issue_send_back", args=[issue.pk]), {"comment": ""}
    )
    assert response.status_code == 400 and "请填写退回意见" in response.content.decode()
    sign = reverse("briefing:issue_sign_off", args=[issue.pk])
    refused = client.post(sign, {"opinion": " "}, follow=True).content.decode()
    assert "请填写签发意见" in refused
    issue.refresh_from_db()
    assert issue.status == S.PENDING_SIGNOFF
    response = client.post(sign, {"opinion": "同意印发，请抓紧分发。"}, follow=True)
    page = response.content.decode()
    issue.refresh_from_db()
    assert issue.status == S.ISSUED
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "已签发，第1期（总第1期）已生成 PDF。"
    # The opinion is on the issue's timeline and beside the signer's name.
    assert issue.events.get(action="sign_off").comment == "同意印发，请抓紧分发。"
    assert page.count("同意印发，请抓紧分发。") == 2


@pytest.mark.django_db
def test_editor_cannot_sign_through_the_page(people, fake_pdf):
    issue = composed_issue(status=S.PENDING_SIGNOFF)
    response = client_for(people["editor"]).post(
        reverse("briefing:issue_sign_off", args=[issue.pk]), follow=True
    )
    assert "只有签发人可以签发" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == S.PENDING_SIGNOFF


@pytest.mark.django_db
def test_editor_downloads_the_stored_file_under_a_chinese_name(people, issued):
    document = issued.documents.get()
    url = reverse("briefing:issue_document_download", args=[issued.pk, document.pk])
    response = client_for(people["editor"]).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    with document.file.open("rb") as handle:
        assert body == handle.read()  # the unmarked original
    disposition = unquote(response["Content-Disposition"])
    expected = f"{issued.publication.name}第{issued.number}期.pdf"
    assert disposition.startswith("attachment") and expected in disposition
    assert AuditEvent.objects.filter(
        action="pdf_download", user=people["editor"], reason__startswith="第000001份"
    ).exists()


@pytest.mark.django_db
def test_a_tampered_file_is_refused_with_an_error_page(people, issued):
    document = issued.documents.get()
    with open(document.file.path, "r+b") as handle:
        handle.seek(5)
        handle.write(b"X")
    url = reverse("briefing:issue_document_download", args=[issued.pk, document.pk])
    response = client_for(people["reader"]).get(url)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "完整性校验" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="pdf_integrity_failure", result="failure"
    ).exists()


@pytest.mark.django_db
def test_documents_list_original_and_correction_with_reason(people, issued):
    client = client_for(people["signer"])
    data = {"reason": "民政局一条数字有误。", "version": issued.version}
    for item in Item.objects.filter(issue=issued):
        data[f"item-{item.pk}-title"] = item.title
        data[f"item-{item.pk}-body"] = item.body
    response = client.post(reverse("briefing:issue_correct", args=[issued.pk]), data)
    assert response.status_code == 302
    page = client_for(people["reader"]).get(detail(issued)).content.decode()
    assert "原版" in page and "更正版" in page and "民政局一条数字有误。" in page
    assert "发布更正版" not in page  # readers may not correct
    correction = issued.documents.get(is_correction=True)
    response = client.get(
        reverse("briefing:issue_document_download", args=[issued.pk, correction.pk])
    )
    assert "（更正版）.pdf" in unquote(response["Content-Disposition"])


@pytest.mark.django_db
def test_timeline_shows_each_step(people, fake_pdf):
    issue = services.create_issue(
        actor=people["editor"],
        publication=factories.make_publication(),
        issue_date=datetime.date(2026, 5, 6),
        distribution_list=factories.make_distribution(),
    )
    from tests.briefing.issue_factories import place_item

    place_item(issue, factories.make_section())
    services.submit_for_signoff(issue, people["editor"])
    services.send_back(issue, people["signer"], "请补充一条。")
    services.submit_for_signoff(issue, people["editor"])
    services.sign_off_issue(issue, people["signer"])
    page = client_for(people["editor"]).get(detail(issue)).content.decode()
    timeline = page[page.index("本期记录") :]
    steps = ["新建", "提交签发", "退回修改", "请补充一条。", "提交签发", "签发"]
    positions = [timeline.index(step) for step in steps[:4]]
    assert positions == sorted(positions)
    assert timeline.count("提交签发") == 2


@pytest.mark.django_db
def test_a_send_back_comment_refused_after_sign_off_is_shown_to_copy(people, fake_pdf):
    issue = composed_issue(status=S.PENDING_SIGNOFF)
    other_signer = factories.make_signer()
    client = client_for(people["signer"])
    assert "退回意见" in client.get(detail(issue)).content.decode()
    # A colleague signs it while this signer writes a comment.
    services.sign_off_issue(issue, other_signer)
    response = client.post(
        reverse("briefing:issue_send_back", args=[issue.pk]),
        {"comment": "第二条数据请核实。"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "本期已签发" in page
    assert "您填写的退回意见未提交" in page and "第二条数据请核实。" in page
    # The page shows the issue as it is now: no sign-off or send-back form.
    assert reverse("briefing:issue_send_back", args=[issue.pk]) not in page
    issue.refresh_from_db()
    assert issue.status == S.ISSUED


@pytest.mark.django_db
def test_the_issue_list_is_headed_like_its_menu_entry(people):
    page = client_for(people["editor"]).get(reverse("briefing:issue_list"))
    text = page.content.decode()
    assert "<h1>组版签发</h1>" in text
    assert "<title>组版签发 · " in text


@pytest.mark.django_db
def test_the_files_table_of_an_issued_issue_scrolls_inside_its_box(people, issued):
    page = client_for(people["editor"]).get(detail(issued)).content.decode()
    files = page[page.index("签发文件") :]
    assert files.index('<div class="table-scroll">') < files.index("<table")
    css = (settings.BASE_DIR / "static/briefing/issues/issues.css").read_text()
    assert re.search(r"\.timeline \.comment[^{]*\{[^}]*overflow-wrap: anywhere", css)


def test_every_print_red_has_an_srgb_fallback_just_before_it():
    """Browsers (the HTML preview) drop device-cmyk(); WeasyPrint keeps it."""
    css = (settings.BASE_DIR / "static/briefing/print.css").read_text()
    declarations = [
        d.strip()
        for d in re.split(r"[;{}]", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
        if ":" in d
    ]
    cmyk = [i for i, d in enumerate(declarations) if "device-cmyk(" in d]
    assert len(cmyk) == 3  # title, 更正版 mark, rule under the masthead
    for i in cmyk:
        prop = declarations[i].split(":")[0]
        fallback = declarations[i - 1]
        assert fallback.split(":")[0] == prop, declarations[i]
        assert "#e60012" in fallback and "cmyk" not in fallback


@pytest.mark.django_db
def test_the_html_preview_is_a_centred_a4_sheet_on_screen(people):
    issue = composed_issue()
    html = client_for(people["editor"]).get(
        reverse("briefing:issue_preview", args=[issue.pk])
    )
    screen = html.content.decode().split("@media screen", 1)[1]
    assert "width: 210mm" in screen and "margin: 1rem auto" in screen


@pytest.mark.django_db
def test_a_new_issue_starts_dated_today_in_shanghai(client):
    client.force_login(factories.make_editor())
    page = client.get(reverse("briefing:issue_create")).content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'name="issue_date"[^>]*value="{today}"', page)
