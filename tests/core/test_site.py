import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from demo.management.commands.load_demo import DEMO_PASSWORD
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def user(username):
    return get_user_model().objects.get(username=username)


def subprocess_env(**extra):
    env = {**os.environ, **extra}
    # Set for Playwright in tests/conftest.py; deployment checks refuse it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_fails(client, db):
    with mock.patch("core.views.connection.cursor", side_effect=OSError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.parametrize(
    "username, expected",
    [
        ("kfq_clerk", "/items/mine/"),
        ("kfq_reviewer", "/items/mine/"),
        ("editor", "/inbox/"),
        ("signer", "/issues/"),
        ("leader", "/read/"),
        ("admin", "/manage/"),
        ("auditor", "/audit/"),
    ],
)
def test_login_as_each_role_lands_on_its_page(client, demo, username, expected):
    response = client.post(
        reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == expected


def test_wrong_password_and_unknown_user_get_the_same_message(client, demo):
    wrong = client.post(reverse("login"), {"username": "editor", "password": "x"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == (
        unknown.context["form"].non_field_errors()
    )
    assert "请输入一个正确的" in str(wrong.context["form"].non_field_errors())


def test_pages_require_login(client, db):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/briefing/item/",
        "/admin/briefing/issue/",
        "/admin/departments/department/",
        "/admin/briefing/section/",
        "/admin/briefing/distributionlist/",
        "/admin/briefing/publication/",
    ],
)
def test_admin_pages_load_for_admin_and_refuse_clerk(client, demo, url):
    client.force_login(user("admin"))
    response = client.get(url)
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()
    client.logout()
    client.force_login(user("kfq_clerk"))
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_change_page_of_seed_issue_loads(client, demo):
    from briefing.models import Issue

    client.force_login(user("admin"))
    issue = Issue.objects.get(total_number=345)
    response = client.get(f"/admin/briefing/issue/{issue.pk}/change/")
    assert response.status_code == 200
    assert "第12期（总第345期）" in response.content.decode()


def test_navigation_shows_menus_by_role(client, db):
    editor = factories.make_editor()
    client.force_login(editor)
    page = client.get("/inbox/").content.decode()
    assert "收稿箱" in page and "组版签发" in page
    assert "系统管理" not in page
    client.force_login(factories.make_reader())
    page = client.get("/read/").content.decode()
    assert "阅读简报" in page
    assert "收稿箱" not in page and "组版签发" not in page


def test_password_policy_requires_three_character_classes():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="至少 3 类"):
        validate_password("abcdefgh1")
    with pytest.raises(ValidationError):
        validate_password("Ab1!")  # too short
    validate_password("Jianbao@2026")


def _settings_databases(extra, drop=()):
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "db = settings.DATABASES['default'];"
        "print(json.dumps({k: db[k] for k in ('ENGINE', 'NAME', 'HOST', 'PORT')}))"
    )
    full_env = subprocess_env(DJANGO_SETTINGS_MODULE="config.settings.dev", **extra)
    for name in drop:
        full_env.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=full_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_read_database_url():
    db = _settings_databases(
        {"DATABASE_URL": "postgres://u:p@db.example:6543/briefing_prod"}
    )
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "briefing_prod",
        "HOST": "db.example",
        "PORT": 6543,
    }


def test_settings_default_to_sqlite_file_in_project():
    db = _settings_databases({}, drop=["DATABASE_URL"])
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "db.sqlite3")


def test_production_settings_refuse_to_start_without_secret_key():
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="briefing.example.gov.cn",
    )
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy():
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="briefing.example.gov.cn",
        SECRET_KEY="k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_admin_role_cannot_redefine_roles_or_make_superusers(client, demo):
    admin_user = user("admin")
    assert not admin_user.has_perm("auth.change_group")
    assert admin_user.has_perm("auth.change_user")
    client.force_login(admin_user)
    group = Group.objects.get(name="审计员")
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": "审计员", "permissions": []}
    )
    assert response.status_code == 403
    clerk = user("kfq_clerk")
    page = client.get(f"/admin/auth/user/{clerk.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    assert 'name="groups"' in page


def test_the_browsers_icon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")
