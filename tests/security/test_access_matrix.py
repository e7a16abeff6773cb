"""The access matrix: every URL of the project × every role, against a table.

Walks the URL resolver, so a URL missing from ``access_expectations`` fails
the test and a new view cannot ship unguarded. Each request runs inside a
savepoint that is rolled back, so requests do not change each other's world.

Print the observed table (to review a new view, never to copy blindly):
    ACCESS_MATRIX_RECORD=1 pytest tests/security/test_access_matrix.py -s
"""

import os
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import world
from .access_expectations import (
    EXCLUDED_MODULES,
    EXCLUDED_NAMESPACES,
    EXPECTATIONS,
    cases_of,
)

pytestmark = pytest.mark.django_db
RECORD = bool(os.environ.get("ACCESS_MATRIX_RECORD"))


def walk(patterns=None, namespace="", route=""):
    """Yield (url name, route, view module) for every pattern of the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            ns = namespace
            if pattern.namespace:
                ns = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            yield from walk(pattern.url_patterns, ns, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            callback = pattern.callback
            module = getattr(callback, "__module__", "")
            view_class = getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            yield name, route + str(pattern.pattern), module


def project_urls():
    """URL names to check; the Django admin and third-party apps are left out
    (see EXCLUDED_MODULES for why each is)."""
    found = {}
    for name, route, module in walk():
        if module.startswith(EXCLUDED_MODULES):
            continue
        found.setdefault(name, route)
    return found


class _Rollback(Exception):
    pass


def request(client, method, url, data=None):
    """One request whose effects are undone: database rolled back, cookies kept
    (a logout must not log the next request out)."""
    response = None
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data or {})
            raise _Rollback
    except _Rollback:
        pass
    finally:
        client.cookies = cookies
    return response


def url_for(name, args, objects):
    kwargs = {
        key: objects[value].pk if value in objects else value
        for key, value in (args or {}).items()
    }
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def matrix_world():
    objects, users = world.build()
    return objects, users


def test_every_url_of_the_project_is_in_the_table():
    found = project_urls()
    unnamed = [route for name, route in found.items() if name is None]
    assert not unnamed, f"URL 没有名字，无法写进访问矩阵：{unnamed}"
    missing = sorted(set(found) - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - set(found))
    assert not missing, f"访问矩阵缺少这些 URL（新视图须写明各角色的预期）：{missing}"
    assert not stale, f"访问矩阵中这些 URL 已不存在：{stale}"


def _walk_methods(objects, users, methods, csrf=False):
    clients = world.clients(users, enforce_csrf_checks=csrf)
    observed, mismatches = {}, []
    for name in sorted(EXPECTATIONS):
        for case in cases_of(EXPECTATIONS[name]):
            url = url_for(name, case.get("args"), objects)
            for method in methods:
                expected = case.get(method)
                if expected is None:
                    continue
                for role in world.ROLES:
                    response = request(clients[role], method, url)
                    status = response.status_code
                    observed.setdefault((name, url, method), {})[role] = status
                    want = expected[role]
                    if status != want:
                        mismatches.append(
                            f"{method} {url} ({name}) 作为 {role}："
                            f"预期 {want}，实际 {status}"
                        )
                    elif (
                        method == "GET"
                        and role == "anonymous"
                        and status == 302
                        and not urlsplit(response["Location"]).path.startswith(
                            reverse("login")
                        )
                    ):
                        mismatches.append(
                            f"GET {url} 匿名跳转到 {response['Location']}"
                        )
    if RECORD:
        for (name, url, method), row in observed.items():
            print(f"{name:40} {method:4} {url:50}", *(row[r] for r in world.ROLES))
    return mismatches


def test_get_matrix(matrix_world):
    objects, users = matrix_world
    mismatches = _walk_methods(objects, users, ["GET"])
    assert not mismatches, "\n" + "\n".join(mismatches)


def test_post_matrix(matrix_world):
    objects, users = matrix_world
    mismatches = _walk_methods(objects, users, ["POST"])
    assert not mismatches, "\n" + "\n".join(mismatches)


@pytest.mark.one_database
def test_post_only_views_answer_405_to_get(matrix_world):
    objects, users = matrix_world
    clients = world.clients(users)
    wrong = []
    checked = 0
    for name, entry in EXPECTATIONS.items():
        for case in cases_of(entry):
            if "POST" not in case or "GET" in case:
                continue
            url = url_for(name, case.get("args"), objects)
            for role in world.ROLES:
                status = request(clients[role], "GET", url).status_code
                # Anonymous users are sent to log in before the method is checked.
                allowed = {302, 405} if role == "anonymous" else {405}
                checked += 1
                if status not in allowed:
                    wrong.append(f"GET {url} ({name}) 作为 {role}：{status}")
    assert checked, "no POST-only view found"
    assert not wrong, "\n" + "\n".join(wrong)


@pytest.mark.one_database
def test_state_changing_urls_refuse_a_post_without_csrf_token(matrix_world):
    """Every URL of the table, not only the cases listed with POST: a view the
    table lists for GET alone could still accept a POST (and be csrf_exempt).
    The middleware refuses before the view runs, so the answer is always 403."""
    objects, users = matrix_world
    clients = world.clients(users, enforce_csrf_checks=True)
    wrong = []
    checked = set()
    for name, entry in EXPECTATIONS.items():
        for case in cases_of(entry):
            url = url_for(name, case.get("args"), objects)
            if url in checked:
                continue
            checked.add(url)
            for role in world.ROLES:
                response = request(clients[role], "POST", url)
                body = response.content.decode(errors="replace")
                if response.status_code != 403 or "CSRF" not in body:
                    status = response.status_code
                    wrong.append(f"POST {url} ({name}) 作为 {role} 无令牌：{status}")
    # The state-changing URLs of online reading are in the walk.
    for name in [
        "reading:remind",
        "reading:instruction_create",
        "reading:instruction_sign",
        "reading:instruction_feedback",
    ]:
        assert any("POST" in case for case in cases_of(EXPECTATIONS[name])), name
    assert not wrong, "\n" + "\n".join(wrong)


def test_search_finds_only_what_the_reader_may_read(matrix_world):
    """A search hit is an object too: reader_outside finds nothing of an issue
    whose distribution does not name them (the matrix shows only the page)."""
    objects, users = matrix_world
    clients = world.clients(users)
    url = reverse("reading:search")
    found = {}
    for role in ["editor", "signer", "reader", "reader_outside", "admin"]:
        response = clients[role].get(url, {"q": world.SEARCH_WORD})
        assert response.status_code == 200, role
        found[role] = {hit.pk for hit in response.context["result"].hits}
    published = {objects["item_a_published"].pk}
    assert found == {
        "editor": published,
        "signer": published,
        "reader": published,
        "reader_outside": set(),
        "admin": published,
    }


def test_ckeditor_upload_refuses_anonymous_users(client, tmp_path, settings):
    """The CKEditor upload URL keeps the package's name: check it on its own."""
    settings.MEDIA_ROOT = tmp_path
    image = SimpleUploadedFile("a.png", world.PNG, content_type="image/png")
    response = client.post(reverse("ck_editor_5_upload_file"), {"upload": image})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")
    assert not any(tmp_path.rglob("*.png"))
