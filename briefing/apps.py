from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "briefing"
    verbose_name = "简报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import User

        from core import generations
        from departments.models import Department

        from . import checks  # noqa: F401
        from .models import Issue, Item, Publication, Section
        from .selectors.items import INBOX_COUNTS, INBOX_PAGE, UNITS_AND_SECTIONS

        # Keep the inbox's cached counts and filter choices current.
        generations.bump_on_change(
            INBOX_COUNTS, Item, fields=("status", "submitted_at")
        )
        generations.bump_on_change(UNITS_AND_SECTIONS, Department, Section)
        generations.bump_on_change(
            INBOX_PAGE, Item, Department, Section, Issue, Publication
        )
        # Not on every login (last_login): only on a change of the name shown.
        generations.bump_on_change(
            INBOX_PAGE, User, fields=("username", "first_name", "last_name")
        )
