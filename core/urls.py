from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, otp_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manage/", views.manage_home, name="manage_home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        account_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/otp/", otp_views.verify, name="otp_verify"),
    path("account/otp/setup/", otp_views.setup, name="otp_setup"),
]
