from django.apps import AppConfig


class ReadingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reading"
    verbose_name = "在线阅读"

    def ready(self):
        from briefing.models import Issue, IssueDocument
        from core import generations, user_context

        from .models import DistributionRecipients, Instruction, RecipientGroup
        from .selectors import (
            INSTRUCTIONS_GENERATION,
            ISSUES_GENERATION,
            reader_list_ids,
        )

        generations.bump_on_change(ISSUES_GENERATION, Issue, IssueDocument)
        generations.bump_on_change(INSTRUCTIONS_GENERATION, Instruction)

        # Each request of a reader asks which distribution lists name them.
        user_context.register(
            reader_list_ids,
            DistributionRecipients,
            DistributionRecipients.groups.through,
            DistributionRecipients.users.through,
            RecipientGroup,
            RecipientGroup.members.through,
        )
