"""django-axes under its Chinese name in the admin (axes sets none, so the
admin showed “Axes” above 登录失败记录)."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "登录锁定"
