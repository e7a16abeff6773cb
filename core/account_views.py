"""The user's own account: change password; the page of a locked account."""

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db.models import Max
from django.shortcuts import redirect, render

from . import accounts


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason"] = accounts.password_change_reason(self.request.user)
        context["password_help"] = password_validation.password_validators_help_texts()
        return context

    def form_valid(self, form):
        accounts.change_own_password(self.request, form)
        # Keep this session; the new password ends every other one.
        update_session_auth_hash(self.request, form.user)
        return redirect("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): how long the
    lock lasts, when it ends, and that a 管理员 can lift it at once."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    last_try = AccessAttempt.objects.filter(username=username).aggregate(
        last=Max("attempt_time")
    )["last"]
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
        "ends_at": last_try + cool_off if last_try and cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
