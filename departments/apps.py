from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = "报送单位"
