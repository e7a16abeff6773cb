from django.conf import settings
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice


class PasswordState(models.Model):
    """When the user last set a password, and whether they must change it now."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_state",
        verbose_name="用户",
    )
    changed_at = models.DateTimeField("上次修改密码")
    # Set when an administrator creates the account or resets its password.
    must_change = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = "密码状态"
        verbose_name_plural = "密码状态"

    def __str__(self):
        return f"{self.user} {self.changed_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A login session of a user, so that disabling the user can end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="用户",
    )
    session_key = models.CharField("会话", max_length=40, unique=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class OTPDevice(TOTPDevice):
    """django-otp's TOTP device, as the admin shows it (in Chinese, under 系统)."""

    class Meta:
        proxy = True
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"

    def __str__(self):
        return f"{self.user} 的{self.name}"


class PasswordHistory(models.Model):
    """A password hash the user has had, so that a change cannot reuse it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="用户",
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-id"], name="core_pwhist_user_id")]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
