"""Every form of the site, sent back with a field missing, empty, huge or of the
wrong type: no answer is a server error (500).

The forms are found as a user finds them: on the pages of the access matrix,
opened by each role that may open them. Each form is first filled as the page
offers it (with each of its submit buttons), then one field at a time is
changed. Requests are rolled back (test_access_matrix.request), so a valid
submission changes nothing for the next one.

WeasyPrint is stood in for (FakeRenderer): the documents' HTML is still built
from what was sent, but laying it out is the PDF tests' concern, and a valid
印发 of a 通报 (some 25 of the variants) would take 0.4 s each.
"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import resolve
from lxml import html as lxml_html

from assessment import bulletin
from briefing.services import issues
from briefing.views import issues as issue_views
from tests.briefing.issue_factories import FakeRenderer

from . import world
from .access_expectations import EXPECTATIONS, cases_of
from .test_access_matrix import request, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

HUGE = "99999999999999999999"
VALUES = {
    "empty": "",
    "huge": HUGE,
    "big_int": "99999999999",  # fits 64 bits, not PostgreSQL's integer
    "text": "abc",
    "long_text": "长" * 100_000,
}
# Forms of the page frame (the header's logout) and of other tests' concern.
SKIPPED_ACTIONS = {"/logout/"}
# The test client does not check the CSRF token (the access matrix checks that
# a POST without one is refused), and no view reads it: a form with the token
# changed is the form as offered, sent again.
UNCHANGED_FIELDS = {"csrfmiddlewaretoken"}


def forms_on(content: bytes, page_url: str):
    """(method, action path, [(name, value)], [(button name, value)]) per form."""
    tree = lxml_html.fromstring(content.decode(errors="replace"))
    for form in tree.forms:
        method = (form.method or "GET").upper()
        action = urlsplit(urljoin(page_url, form.action or page_url)).path
        fields = list(form.form_values())
        buttons = [
            (b.get("name"), b.get("value", ""))
            for b in form.xpath(".//button[@name] | .//input[@type='submit'][@name]")
        ]
        yield method, action, fields, buttons


def variants(fields, buttons):
    """The form as offered, then each field missing and with each bad value."""
    bases = [fields + [button] for button in buttons] or [fields]
    for base in bases:
        yield "as offered", base
        for index, (name, _) in enumerate(base):
            if name in UNCHANGED_FIELDS:
                continue
            rest = base[:index] + base[index + 1 :]
            yield f"{name} missing", rest
            for label, value in VALUES.items():
                yield f"{name}={label}", rest + [(name, value)]


def as_data(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_no_form_answers_500_to_missing_empty_huge_or_wrong_values(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(bulletin, "render_pdf", renderer)
    monkeypatch.setattr(issues, "render_pdf", renderer)
    monkeypatch.setattr(issue_views, "render_pdf", renderer)  # 预览 PDF, a GET
    objects, users = world.build()
    # A view that raises is answered 500, as in production, not re-raised.
    clients = world.clients(users, raise_request_exception=False)
    seen, failures, sent = set(), [], 0
    for name in sorted(EXPECTATIONS):
        for case in cases_of(EXPECTATIONS[name]):
            if "GET" not in case:
                continue
            page_url = url_for(name, case.get("args"), objects)
            for role in world.ROLES[1:]:
                if case["GET"][role] != 200:
                    continue
                page = request(clients[role], "GET", page_url)
                if "html" not in page.get("Content-Type", ""):
                    continue
                for method, action, fields, buttons in forms_on(page.content, page_url):
                    # One form of each view: /items/1/edit/ stands for all items.
                    view = resolve(action).view_name
                    key = (method, view, tuple(sorted({n for n, _ in fields})))
                    if action in SKIPPED_ACTIONS or key in seen:
                        continue
                    seen.add(key)
                    for label, pairs in variants(fields, buttons):
                        sent += 1
                        response = request(
                            clients[role], method, action, as_data(pairs)
                        )
                        if response.status_code >= 500:
                            failures.append(
                                f"{method} {action}（{role}，{label}）："
                                f"{response.status_code}"
                            )
    # The forms that matter are among those found.
    views = {view for _, view, _ in seen}
    for must in [
        "briefing:item_edit",
        "briefing:issue_update",
        "briefing:issue_create",
    ]:
        assert must in views, must
    assert renderer.html, "no form reached a document's rendering"
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures)
