"""Session, password and caching rules for every request of a logged-in user."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import accounts, otp
from .paths import path_of

RENEWED_AT_KEY = "core_renewed_at"


class SessionLimitMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after its login, however active.

    The idle timeout is Django's own (SESSION_COOKIE_AGE from the last save of
    the session); this middleware renews it, saving the session at most once
    every SESSION_RENEW_SECONDS rather than on every request, so an idle
    session ends 29 to 30 minutes after the last request. On top of it, the
    absolute limit 等保 asks for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(accounts.LOGIN_AT_KEY)
            now = timezone.now().timestamp()
            if login_at is None:
                request.session[accounts.LOGIN_AT_KEY] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                accounts.session_expired(request, user)
                logout(request)
                messages.info(request, "登录已超过最长时限，请重新登录。")
                return redirect_to_login(request.get_full_path())
            # The login saved the session: that was the first renewal.
            renewed_at = request.session.get(RENEWED_AT_KEY, login_at or 0)
            if now - renewed_at >= settings.SESSION_RENEW_SECONDS:
                # Changing the session saves it: a fresh idle expiry.
                request.session[RENEWED_AT_KEY] = now
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Ask for the second factor right after the password (core.otp).

    Until the session has passed it, a user with a device gets only the
    verification page, and one whom the setting obliges but who has no device
    yet only the enrollment page (besides logout, login and health).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.path not in self.allowed_paths():
            step = otp.step_pending(request)
            if step:
                target = reverse("otp_verify" if step == "verify" else "otp_setup")
                return redirect(
                    f"{target}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)

    @staticmethod
    def allowed_paths():
        return {
            path_of(name)
            for name in ("otp_verify", "otp_setup", "logout", "login", "healthz")
        }


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is too old, or was set by an admin, to change it.

    Nothing else is served to them until they have: only the password change
    page, logout, and the static files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.path not in self.allowed_paths()
            # The second factor comes first (OTPRequiredMiddleware).
            and not (
                request.path in OTPRequiredMiddleware.allowed_paths()
                and otp.step_pending(request)
            )
        ):
            reason = accounts.password_change_reason(user)
            if reason:
                # The change page says why (core.account_views).
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def allowed_paths():
        return {
            path_of(name)
            for name in (
                "password_change",
                "password_change_done",
                "logout",
                "login",
                "healthz",
            )
        }


class NoStoreWhenSignedInMiddleware:
    """Pages served to a signed-in user are not kept by the browser: offices
    share computers, and the back button or the cache would show the next person
    an inbox or a briefing. A response that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
