"""Two-step verification pages: the code after the password, and enrolling."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import otp


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        min_length=6,
        max_length=8,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": "请输入验证码。",
            "min_length": "验证码是手机上显示的 6 位数字。",
            "max_length": "验证码是手机上显示的 6 位数字。",
        },
    )


def _next_url(request) -> str:
    """Where to go after the step: ``next`` if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _go_on(request):
    return redirect(_next_url(request) or "home")


@sensitive_post_parameters("code")
@never_cache
@login_required
def verify(request):
    """The code from the user's app, asked once per login."""
    step = otp.step_pending(request)
    if step == "enroll":
        return redirect("otp_setup")
    if not step:  # verified already, or no device and not required
        return _go_on(request)
    device = otp.confirmed_device(request.user)
    locked = otp.locked_until(device) is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp.verify(request, form.cleaned_data["code"])
        if result.outcome is otp.Outcome.VERIFIED:
            return _go_on(request)
        if result.outcome is otp.Outcome.LOCKED:
            logout(request)
            messages.error(request, result.message)
            return redirect("login")
        form.add_error("code", result.message)
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": _next_url(request), "locked": locked},
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
def setup(request):
    """Enroll a phone app: a fresh secret as a QR code and as text, confirmed
    by a right code. Open to everyone; compulsory for the roles the setting
    names (core.middleware.OTPRequiredMiddleware sends them here)."""
    user = request.user
    if otp.step_pending(request) == "verify":
        return redirect("otp_verify")
    context = {
        "next": _next_url(request),
        "required": otp.required_for(user),
        "device": otp.confirmed_device(user),
    }
    if context["device"] is not None:
        # Enrolled already: the page says so; a new phone needs an admin reset.
        if request.method == "POST":
            messages.error(
                request, "您已启用两步验证；如需更换手机，请联系系统管理员。"
            )
            return redirect("otp_setup")
        return render(request, "registration/otp_setup.html", context)
    form = CodeForm()
    if request.method == "POST":
        if "code" not in request.POST:
            otp.start_enrollment(user)
            return redirect(_setup_url(request))
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                otp.confirm_enrollment(request, form.cleaned_data["code"])
            except otp.OTPError as error:
                form.add_error("code", str(error))
            else:
                messages.success(
                    request, "两步验证已启用，以后每次登录都要输入验证码。"
                )
                return _go_on(request)
    pending = otp.pending_device(user)
    if pending is not None:
        context.update(
            qr_svg=otp.qr_svg(pending),
            secret=otp.secret_text(pending),
            form=form,
        )
    return render(request, "registration/otp_setup.html", context)


def _setup_url(request) -> str:
    target = _next_url(request)
    url = reverse("otp_setup")
    return f"{url}?{urlencode({'next': target})}" if target else url
