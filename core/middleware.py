"""Session and password rules that apply to every request of a logged-in user."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from . import accounts


class SessionLimitMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after its login, however active.

    The idle timeout is Django's own (SESSION_COOKIE_AGE renewed on every
    request); this is the absolute limit 等保 asks for on top of it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(accounts.LOGIN_AT_KEY)
            now = time.time()
            if login_at is None:
                request.session[accounts.LOGIN_AT_KEY] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                accounts.session_expired(request, user)
                logout(request)
                messages.info(request, "登录已超过最长时限，请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is too old, or was set by an admin, to change it.

    Nothing else is served to them until they have: only the password change
    page, logout, and the static files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and request.path not in self.allowed_paths():
            reason = accounts.password_change_reason(user)
            if reason:
                # The change page says why (core.account_views).
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def allowed_paths():
        return {
            reverse("password_change"),
            reverse("password_change_done"),
            reverse("logout"),
            reverse("login"),
            reverse("healthz"),
        }
