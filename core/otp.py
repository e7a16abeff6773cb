"""Two-step verification (TOTP, django-otp): who needs it, enrolling, verifying.

The only code that creates, confirms or verifies a user's ``TOTPDevice``. A
user needs the step after the password when they have a confirmed device
(enrolled of their own will or because they must), or when one of their groups
is listed in ``OTP_REQUIRED_FOR_ROLES`` (they are sent to enroll first).

Wrong codes are counted by django-otp's own throttling on the device
(``throttling_failure_count``, reset by a right code), which also spaces
attempts out (1, 2, 4, … seconds). ``OTP_FAILURE_LIMIT`` wrong codes in a row
end the session and lock the step for ``AXES_COOLOFF_TIME`` hours, like a
password lockout.
"""

import datetime
import enum
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import record_event

from . import roles

DEVICE_NAME = "手机动态口令"
# In the session: the user had a confirmed device when they logged in.
ENROLLED_KEY = "core_otp_enrolled"


class OTPError(Exception):
    """A step the user cannot take now; the message says why, in Chinese."""


class Outcome(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    THROTTLED = "throttled"
    LOCKED = "locked"


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    message: str = ""


def confirmed_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user) -> bool:
    """Whether ``user`` enrolled a device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_enrollment(request, user) -> None:
    """At login: whether ``user`` enrolled a device, kept in the session, so
    the pages after the second factor need not ask the database."""
    request.session[ENROLLED_KEY] = has_confirmed_device(user)


def pending_device(user) -> TOTPDevice | None:
    """The device being enrolled (saved, not yet confirmed by a right code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def required_for(user) -> bool:
    """Whether the setting makes the second factor compulsory for ``user``."""
    wanted = set(settings.OTP_REQUIRED_FOR_ROLES)
    if not wanted or not user.is_authenticated:
        return False
    if user.is_superuser and roles.ADMIN in wanted:
        return True
    return bool(wanted & roles.group_names(user))


def is_verified(request) -> bool:
    """The session passed the second factor (django-otp's OTPMiddleware)."""
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def step_pending(request) -> str:
    """What the logged-in user must do before anything else: "verify",
    "enroll", or "" when nothing (verified, or no second factor for them)."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return ""
    # Not yet verified: a device enrolled at login is looked up again (it may
    # have been reset since); a session from before the flag asks once.
    if request.session.get(ENROLLED_KEY, True):
        enrolled = has_confirmed_device(user)
        if request.session.get(ENROLLED_KEY) != enrolled:
            request.session[ENROLLED_KEY] = enrolled
        if enrolled:
            return "verify"
    if required_for(user):
        return "enroll"
    return ""


def lockout_duration() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def locked_until(device) -> datetime.datetime | None:
    """When the lock after too many wrong codes ends, or None if not locked."""
    if (
        device.throttling_failure_count < settings.OTP_FAILURE_LIMIT
        or device.throttling_failure_timestamp is None
    ):
        return None
    until = device.throttling_failure_timestamp + lockout_duration()
    return until if until > timezone.now() else None


def lockout_message() -> str:
    minutes = round(lockout_duration().total_seconds() / 60)
    return (
        f"验证码连续错误 {settings.OTP_FAILURE_LIMIT} 次，已退出登录，"
        f"两步验证锁定 {minutes} 分钟。如非本人操作，请联系系统管理员。"
    )


def _wait_message(info) -> str:
    until = (info or {}).get("locked_until")
    seconds = 1
    if until is not None:
        seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
    return f"尝试过于频繁，请 {seconds} 秒后再输入验证码。"


def verify(request, token: str) -> Verification:
    """Check the code of the logged-in user's confirmed device.

    A right code marks the session verified (``otp_verified``); a wrong one is
    counted (``otp_failed``), and the ``OTP_FAILURE_LIMIT``-th in a row locks
    the step (``otp_lockout``): the caller then ends the session.
    """
    user = request.user
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .first()
        )
        if device is None:
            raise OTPError("您还没有启用两步验证。")
        if locked_until(device) is not None:
            record_event(
                actor=user,
                action="otp_failed",
                obj=user,
                result=AuditEvent.Result.FAILURE,
                reason="两步验证已锁定，拒绝验证",
            )
            return Verification(Outcome.LOCKED, lockout_message())
        if device.throttling_failure_count >= settings.OTP_FAILURE_LIMIT:
            # The lock has run out: a fresh round of tries.
            device.throttle_reset(commit=False)
            device.save(
                update_fields=[
                    "throttling_failure_count",
                    "throttling_failure_timestamp",
                ]
            )
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return Verification(Outcome.THROTTLED, _wait_message(info))
        if device.verify_token(token.strip()):
            django_otp.login(request, device)
            record_event(actor=user, action="otp_verified", obj=user)
            return Verification(Outcome.VERIFIED)
        count = device.throttling_failure_count
        record_event(
            actor=user,
            action="otp_failed",
            obj=user,
            result=AuditEvent.Result.FAILURE,
            reason=f"验证码错误（连续第 {count} 次）",
        )
        if count >= settings.OTP_FAILURE_LIMIT:
            record_event(
                actor=user,
                action="otp_lockout",
                obj=user,
                result=AuditEvent.Result.FAILURE,
                reason=f"验证码连续错误 {count} 次，退出登录并锁定两步验证",
            )
            return Verification(Outcome.LOCKED, lockout_message())
        left = settings.OTP_FAILURE_LIMIT - count
        return Verification(
            Outcome.WRONG,
            f"验证码不正确，请重新输入。再错 {left} 次将退出登录并锁定。",
        )


def start_enrollment(user) -> TOTPDevice:
    """Save a new, unconfirmed device with a fresh secret for ``user``.

    Preconditions: the user has no confirmed device (an admin resets it).
    Replaces an earlier unconfirmed one, so only the latest secret works.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise OTPError("您已启用两步验证；如需更换手机，请联系系统管理员重置。")
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_enrollment(request, token: str) -> TOTPDevice:
    """Confirm the user's pending device with a right code from their app.

    The session counts as verified from then on (``otp_enrolled``). Raises
    OTPError for a wrong code, too many tries, or no pending device.
    """
    user = request.user
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise OTPError("请先生成密钥，再输入验证码。")
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise OTPError(_wait_message(info))
        if not device.verify_token(token.strip()):
            raise OTPError("验证码不正确，请核对手机上显示的 6 位数字后重新输入。")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        request.session[ENROLLED_KEY] = True
        record_event(actor=user, action="otp_enrolled", obj=user)
    return device


def reset_device(actor, device) -> None:
    """Delete a user's device (the admin's reset): they enroll again.

    The user's sessions verified with it count as unverified from the next
    request (django-otp no longer finds the device).
    """
    with transaction.atomic():
        owner = device.user
        confirmed = device.confirmed
        device.delete()
        record_event(
            actor=actor,
            action="otp_reset",
            obj=owner,
            reason=(
                f"重置 {owner.get_username()} 的两步验证"
                f"{'' if confirmed else '（未完成启用）'}"
            ),
        )


def secret_text(device) -> str:
    """The secret in Base32, in groups of four, for typing into an app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device) -> str:
    """The device's otpauth:// address as an inline SVG QR code (segno)."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(
        scale=4, border=2, light="#fff", title="两步验证二维码", omitsize=False
    )
