from django.contrib import admin

from .models import AdoptionLevel

# Rule sets are kept on the site's own page (assessment:rules), through the
# services that audit every change; only the level list lives in the admin.


@admin.register(AdoptionLevel)
class AdoptionLevelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "short_name",
        "leader_label",
        "is_county",
        "order",
        "is_active",
    ]
    list_editable = ["order", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # Levels are referenced by records and rules: switch them off instead.
        return False
