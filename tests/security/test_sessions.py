"""Sessions: idle and absolute limits, logout, disabling a user, ?next= redirects."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core import accounts
from core.models import UserSession
from tests import factories

pytestmark = pytest.mark.django_db


def logged_in_client(user):
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def clock(time_machine):
    """The whole clock (time-machine), from now on: the session's expiry, the
    cache's timeouts and core.middleware all read it."""
    time_machine.move_to(timezone.now())
    return time_machine


def session_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_idle_session_is_refused_after_thirty_minutes(clock):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    client = logged_in_client(factories.make_reader())
    assert client.get(reverse("briefing:issue_list")).status_code == 200
    clock.shift(30 * 60 + 1)
    response = client.get(reverse("briefing:issue_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_active_session_lives_on_past_thirty_minutes(clock):
    client = logged_in_client(factories.make_reader())
    for _ in range(4):  # 80 minutes, a request every 20
        clock.shift(20 * 60)
        assert client.get(reverse("briefing:issue_list")).status_code == 200


def test_session_is_renewed_at_most_once_a_minute(clock):
    client = logged_in_client(factories.make_reader())
    client.get(reverse("briefing:issue_list"))
    first = session_expiry(client)
    clock.shift(30)
    client.get(reverse("briefing:issue_list"))
    assert session_expiry(client) == first  # not written again within the minute
    clock.shift(31)
    client.get(reverse("briefing:issue_list"))
    assert session_expiry(client) > first
    # Idle 29 minutes 30 seconds after that renewal: still logged in.
    clock.shift(29 * 60 + 30)
    assert client.get(reverse("briefing:issue_list")).status_code == 200


def test_session_ends_twelve_hours_after_login_however_active():
    user = factories.make_reader()
    client = logged_in_client(user)
    assert client.get(reverse("briefing:issue_list")).status_code == 200
    session = client.session
    session[accounts.LOGIN_AT_KEY] = timezone.now().timestamp() - 12 * 60 * 60 - 5
    session.save()
    response = client.get(reverse("briefing:issue_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="session_expired", user=user).exists()


def test_session_younger_than_twelve_hours_goes_on():
    client = logged_in_client(factories.make_reader())
    session = client.session
    session[accounts.LOGIN_AT_KEY] = timezone.now().timestamp() - 11 * 60 * 60
    session.save()
    assert client.get(reverse("briefing:issue_list")).status_code == 200


def test_logout_deletes_the_session_on_the_server():
    user = factories.make_reader()
    client = logged_in_client(user)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie replayed is anonymous.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("briefing:issue_list")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", user=user).count() == 1


def test_disabling_a_user_ends_all_their_sessions():
    user = factories.make_reader()
    office, home = logged_in_client(user), logged_in_client(user)
    keys = [office.session.session_key, home.session.session_key]
    assert Session.objects.filter(session_key__in=keys).count() == 2
    admin = factories.make_admin(username="guanli")
    assert accounts.deactivate_user(user, actor=admin) == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    for client in (office, home):
        assert client.get(reverse("briefing:issue_list")).status_code == 302
    event = AuditEvent.objects.get(action="account_disabled")
    assert event.object_id == str(user.pk) and event.username == "guanli"
    assert "2 个会话" in event.reason


def test_disabling_in_the_admin_ends_sessions_and_names_the_admin():
    user = factories.make_reader(username="leader2")
    reader = logged_in_client(user)
    admin = factories.make_user(username="root", is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin)
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups"}
    }
    data.update(
        {
            "is_active": "",
            "groups": [g.pk for g in user.groups.all()],
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("is_active")
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    assert reader.get(reverse("briefing:issue_list")).status_code == 302
    event = AuditEvent.objects.get(action="account_disabled")
    assert event.username == "root"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.cn",
        "//evil.cn/issues/",
        "https:evil.cn",
        "https://evil.cn/",
        "javascript:alert(1)",
        "/\\evil.cn",
        "\\\\evil.cn",
        "http://127.0.0.1.evil.cn/",
    ],
)
def test_next_never_leaves_the_site(client, target):
    factories.make_reader(username="leader2")
    response = client.post(
        reverse("login") + "?next=x",
        {"username": "leader2", "password": factories.PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_next_within_the_site_is_followed(client):
    factories.make_reader(username="leader2")
    response = client.post(
        reverse("login"),
        {
            "username": "leader2",
            "password": factories.PASSWORD,
            "next": "/issues/",
        },
    )
    assert response["Location"] == "/issues/"


def test_next_is_not_reflected_unescaped_in_the_login_page(client):
    page = client.get(reverse("login"), {"next": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.content.decode()


def test_logout_next_never_leaves_the_site():
    client = logged_in_client(factories.make_reader())
    response = client.post(reverse("logout") + "?next=//evil.cn")
    assert response.status_code == 302
    assert "evil.cn" not in response["Location"]
