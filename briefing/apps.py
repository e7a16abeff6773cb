from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "briefing"
    verbose_name = "简报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit.labels import register

        from . import (
            checks,  # noqa: F401
            workflow,
        )
        from .selectors.issues import ACTION_LABELS

        # The audit log names item and issue moves as their timelines do.
        register(
            {
                f"item.{move}": f"稿件·{name}"
                for move, name in {**workflow.MOVES, **workflow.OTHER_EVENTS}.items()
            }
        )
        register(
            {f"issue_{action}": f"期·{name}" for action, name in ACTION_LABELS.items()}
        )
