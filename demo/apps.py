from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (load_demo): above every other app, since it fills them all."""

    name = "demo"
    verbose_name = "演示数据"
