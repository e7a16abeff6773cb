"""Security headers on every page; production settings for cookies and HSTS."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def directives(response):
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = set(words[1:])
    return parsed


@pytest.mark.parametrize("url", ["/login/", "/issues/"])
def test_content_security_policy_forbids_inline_script(url):
    client = Client()
    if url != "/login/":
        client.force_login(factories.make_reader())
    response = client.get(url)
    assert response.status_code == 200
    csp = directives(response)
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'", "'unsafe-inline'"}
    assert csp["img-src"] == {"'self'", "data:", "blob:"}
    assert csp["object-src"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}
    assert csp["base-uri"] == {"'self'"}


def test_frame_sniffing_and_referrer_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_session_and_csrf_cookies_are_httponly_and_samesite(client):
    factories.make_reader(username="leader2")
    response = client.post(
        reverse("login"), {"username": "leader2", "password": factories.PASSWORD}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_settings_secure_cookies_and_hsts():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.DEBUG, s.DEMO_DATA_ALLOWED)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "briefing.example.gov.cn",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
        "False",
    ]


@pytest.mark.parametrize(
    ("make_user", "url_name"),
    [
        (factories.make_reader, "reading:home"),
        (factories.make_editor, "briefing:inbox"),
        (factories.make_admin, "notifications:list"),
    ],
)
def test_signed_in_pages_are_not_kept_by_the_browser(make_user, url_name):
    """Shared office computers: the next person must not get a signed-in page
    from the browser's cache or history."""
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
