"""The user's own account: change password."""

from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

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
