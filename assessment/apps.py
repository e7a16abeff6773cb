from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessment"
    verbose_name = "信息工作考核"

    def ready(self):
        from reading.services import on_instruction_written

        from .services import record_reading_instruction

        on_instruction_written(record_reading_instruction)
