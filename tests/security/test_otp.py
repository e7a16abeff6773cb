"""Two-step verification (TOTP): required for the roles a setting names,
optional for everyone else, counted and locked like the password."""

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from core import accounts, roles
from tests import factories

pytestmark = pytest.mark.django_db

ISSUES = "/issues/"


@pytest.fixture
def required(settings):
    """The county graded level 3: admins and signers must use the second factor."""
    settings.OTP_REQUIRED_FOR_ROLES = [roles.ADMIN, roles.SIGNER]
    return settings


def login(user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, "password login failed"
    return client


def make_device(user, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=confirmed)


def code(device) -> str:
    """The next code the user's phone shows that the server has not seen yet
    (a code is good once: a later login uses the next 30-second step)."""
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    ahead = max(0, device.last_t + 1 - clock.t())
    value = totp(
        device.bin_key, device.step, device.t0, device.digits, device.drift + ahead
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device) -> str:
    """A code no step near now produces."""
    device.refresh_from_db()
    near = {
        totp(device.bin_key, device.step, device.t0, device.digits, device.drift + d)
        for d in range(-3, 4)
    }
    return f"{next(n for n in range(123456, 999999) if n not in near):06d}"


def time_passes(device, seconds=60):
    """The user takes a while to type again (django-otp spaces tries 1, 2, 4 s…)."""
    TOTPDevice.objects.filter(pk=device.pk, throttling_failure_count__gt=0).update(
        throttling_failure_timestamp=timezone.now()
        - datetime.timedelta(seconds=seconds)
    )


def path_of(response) -> str:
    return response["Location"].split("?")[0]


# --- required for a role --------------------------------------------------------


def test_signer_without_device_is_sent_to_enroll_and_kept_there(required):
    signer = factories.make_signer()
    client = login(signer)
    for url in [ISSUES, "/", reverse("password_change"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert path_of(response) == reverse("otp_setup"), url
    page = client.get(reverse("otp_setup"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "必须启用两步验证" in body
    assert "开始设置" in body
    # Logging out still works.
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrollment_confirms_only_with_the_right_code(required):
    signer = factories.make_signer()
    client = login(signer)
    start = client.post(reverse("otp_setup"), {"next": ISSUES})
    assert start.status_code == 302
    device = TOTPDevice.objects.get(user=signer)
    assert device.confirmed is False

    page = client.get(start["Location"])
    body = page.content.decode()
    assert "<svg" in body and "两步验证二维码" in body
    secret = page.context["secret"]
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in Base32
    assert secret in body
    assert '<label for="id_code">验证码</label>' in body

    wrong = client.post(
        reverse("otp_setup"), {"code": wrong_code(device), "next": ISSUES}
    )
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert path_of(client.get(ISSUES)) == reverse("otp_setup")

    time_passes(device)
    right = client.post(reverse("otp_setup"), {"code": code(device), "next": ISSUES})
    assert right.status_code == 302
    assert right["Location"] == ISSUES
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(ISSUES).status_code == 200
    event = AuditEvent.objects.get(action="otp_enrolled")
    assert event.user == signer
    assert event.result == AuditEvent.Result.SUCCESS


def test_next_login_asks_for_the_code(required):
    signer = factories.make_signer()
    device = make_device(signer)
    client = login(signer)
    response = client.get(ISSUES)
    assert path_of(response) == reverse("otp_verify")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<label for="id_code">验证码</label>' in page.content.decode()

    wrong = client.post(reverse("otp_verify"), {"code": wrong_code(device)})
    assert wrong.status_code == 200
    message = "验证码不正确，请重新输入。再错 4 次将退出登录并锁定。"
    assert message in wrong.content.decode()
    assert path_of(client.get(ISSUES)) == reverse("otp_verify")

    time_passes(device)
    right = client.post(reverse("otp_verify"), {"code": code(device), "next": ISSUES})
    assert right.status_code == 302
    assert right["Location"] == ISSUES
    assert client.get(ISSUES).status_code == 200
    failed = AuditEvent.objects.get(action="otp_failed")
    assert failed.user == signer and failed.result == AuditEvent.Result.FAILURE
    assert AuditEvent.objects.filter(action="otp_verified", user=signer).count() == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a right code starts the count anew


def test_a_code_is_good_once(required):
    signer = factories.make_signer()
    device = make_device(signer)
    first = login(signer)
    used = code(device)
    assert first.post(reverse("otp_verify"), {"code": used}).status_code == 302
    second = login(signer)
    again = second.post(reverse("otp_verify"), {"code": used})
    assert again.status_code == 200
    assert "验证码不正确" in again.content.decode()


def test_five_wrong_codes_log_out_lock_and_are_audited(required):
    signer = factories.make_signer()
    device = make_device(signer)
    client = login(signer)
    for attempt in range(1, 5):
        response = client.post(reverse("otp_verify"), {"code": wrong_code(device)})
        assert response.status_code == 200, attempt
        time_passes(device)
    fifth = client.post(reverse("otp_verify"), {"code": wrong_code(device)})
    assert fifth.status_code == 302
    assert path_of(fifth) == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(fifth["Location"])
    assert "验证码连续错误 5 次，已退出登录" in page.content.decode()

    failed = AuditEvent.objects.filter(action="otp_failed", user=signer)
    assert failed.count() == 5
    assert {e.result for e in failed} == {AuditEvent.Result.FAILURE}
    lockout = AuditEvent.objects.get(action="otp_lockout")
    assert lockout.user == signer and lockout.result == AuditEvent.Result.FAILURE
    assert AuditEvent.objects.filter(action="logout", user=signer).exists()

    # Locked for 30 minutes: even the right code is refused and ends the session.
    again = login(signer)
    assert "锁定" in again.get(reverse("otp_verify")).content.decode()
    refused = again.post(reverse("otp_verify"), {"code": code(device)})
    assert path_of(refused) == reverse("login")
    assert "_auth_user_id" not in again.session
    assert not AuditEvent.objects.filter(action="otp_verified").exists()

    time_passes(device, seconds=31 * 60)
    later = login(signer)
    ok = later.post(reverse("otp_verify"), {"code": code(device)})
    assert ok.status_code == 302 and path_of(ok) != reverse("login")
    assert later.get(ISSUES).status_code == 200


def test_codes_too_fast_are_refused_with_a_wait_message(required):
    signer = factories.make_signer()
    device = make_device(signer)
    client = login(signer)
    client.post(reverse("otp_verify"), {"code": wrong_code(device)})
    # Right away, even the right code waits its turn (django-otp's throttling).
    hurried = client.post(reverse("otp_verify"), {"code": code(device)})
    assert hurried.status_code == 200
    assert "尝试过于频繁" in hurried.content.decode()
    assert path_of(client.get(ISSUES)) == reverse("otp_verify")


def test_admins_and_superusers_are_required_when_the_admin_role_is_listed(required):
    admin = factories.make_admin()
    superuser = factories.make_user(is_superuser=True, is_staff=True)
    editor = factories.make_editor()
    assert path_of(login(admin).get("/admin/")) == reverse("otp_setup")
    assert path_of(login(superuser).get("/admin/")) == reverse("otp_setup")
    # 编辑 is not listed: the password is enough.
    assert login(editor).get(reverse("briefing:inbox")).status_code == 200


def test_password_change_waits_for_the_second_factor(required):
    signer = factories.make_signer()
    device = make_device(signer)
    accounts.require_password_change(signer)
    client = login(signer)
    assert path_of(client.get(ISSUES)) == reverse("otp_verify")
    assert client.get(reverse("otp_verify")).status_code == 200
    client.post(reverse("otp_verify"), {"code": code(device)})
    assert path_of(client.get(ISSUES)) == reverse("password_change")


@pytest.mark.parametrize(
    "target", ["//evil.cn", "https:evil.cn", "javascript:alert(1)"]
)
def test_verify_does_not_redirect_off_site(required, target):
    signer = factories.make_signer()
    device = make_device(signer)
    client = login(signer)
    response = client.post(
        reverse("otp_verify"), {"code": code(device), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- optional ----------------------------------------------------------------------


def test_setting_off_reader_logs_in_with_the_password_only(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    client = login(factories.make_reader())
    assert client.get(ISSUES).status_code == 200


def test_setting_off_signer_without_device_is_not_asked(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    client = login(factories.make_signer())
    assert client.get(ISSUES).status_code == 200
    assert path_of(client.get(reverse("otp_verify"))) == reverse("home")


def test_reader_enrolls_voluntarily_from_the_password_page(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    reader = factories.make_reader()
    client = login(reader)
    page = client.get(reverse("password_change")).content.decode()
    assert f'<a href="{reverse("otp_setup")}">两步验证</a>' in page
    setup = client.get(reverse("otp_setup")).content.decode()
    assert "必须启用" not in setup
    client.post(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=reader, confirmed=False)
    assert client.post(reverse("otp_setup"), {"code": code(device)}).status_code == 302
    assert "您已启用两步验证" in client.get(reverse("otp_setup")).content.decode()
    # Enrolled: a second enrollment cannot replace the device behind its back.
    client.post(reverse("otp_setup"))
    assert TOTPDevice.objects.filter(user=reader).count() == 1
    # And the next login asks for the code although no setting requires it.
    again = login(reader)
    assert path_of(again.get(ISSUES)) == reverse("otp_verify")


def test_user_with_a_voluntary_device_is_asked_for_it(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    reader = factories.make_reader()
    device = make_device(reader)
    client = login(reader)
    assert path_of(client.get(ISSUES)) == reverse("otp_verify")
    client.post(reverse("otp_verify"), {"code": code(device)})
    assert client.get(ISSUES).status_code == 200


def test_unconfirmed_device_asks_nothing_at_login(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    reader = factories.make_reader()
    make_device(reader, confirmed=False)
    assert login(reader).get(ISSUES).status_code == 200


# --- the admin -----------------------------------------------------------------------


def test_admin_lists_devices_in_chinese_without_the_secret(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    admin = factories.make_admin()
    device = make_device(factories.make_reader(username="qianfa"))
    client = login(admin)
    page = client.get(reverse("admin:core_otpdevice_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    for text in [
        "两步验证设备",
        "用户",
        "已启用",
        "最近使用",
        "连续错误次数",
        "qianfa",
    ]:
        assert text in body, text
    detail = client.get(reverse("admin:core_otpdevice_change", args=[device.pk]))
    assert detail.status_code == 200
    assert device.key not in detail.content.decode()
    # django-otp's own English admin (which shows the secret) is not there.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert not client.get(reverse("admin:core_otpdevice_add")).status_code == 200


def test_admin_resets_a_device_and_it_is_audited(required):
    # A signer's account is managed by a superuser (core.permissions).
    admin = factories.make_user(username="root", is_staff=True, is_superuser=True)
    admin_device = make_device(admin)
    signer = factories.make_signer(username="qianfa")
    device = make_device(signer)
    signer_client = login(signer)
    signer_client.post(reverse("otp_verify"), {"code": code(device)})
    assert signer_client.get(ISSUES).status_code == 200

    client = login(admin)
    client.post(reverse("otp_verify"), {"code": code(admin_device)})
    url = reverse("admin:core_otpdevice_delete", args=[device.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="otp_reset")
    assert event.user == admin
    assert event.object_type == "user" and event.object_id == str(signer.pk)
    assert "qianfa" in event.reason
    # One event for one reset: the admin's own log of the delete adds none.
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()
    # The signer's session no longer counts as verified: enroll again.
    assert path_of(signer_client.get(ISSUES)) == reverse("otp_setup")


def test_admin_reset_action_audits_each_device(settings):
    settings.OTP_REQUIRED_FOR_ROLES = []
    admin = factories.make_admin()
    devices = [make_device(factories.make_reader()) for _ in range(2)]
    client = login(admin)
    response = client.post(
        reverse("admin:core_otpdevice_changelist"),
        {"action": "reset_devices", "_selected_action": [d.pk for d in devices]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.filter(action="otp_reset").count() == 2


def test_admin_role_may_reset_devices():
    admin_group = Group.objects.get(name=roles.ADMIN)
    codenames = set(admin_group.permissions.values_list("codename", flat=True))
    assert {"view_otpdevice", "delete_otpdevice"} <= codenames
    assert "add_otpdevice" not in codenames
