from django.contrib import admin

from .models import (
    DistributionRecipients,
    Instruction,
    InstructionUnit,
    RecipientGroup,
)


@admin.register(RecipientGroup)
class RecipientGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    filter_horizontal = ["members"]


@admin.register(DistributionRecipients)
class DistributionRecipientsAdmin(admin.ModelAdmin):
    list_display = ["distribution_list", "all_units"]
    fields = ["distribution_list", "groups", "users", "all_units", "departments"]
    filter_horizontal = ["groups", "users", "departments"]


class InstructionUnitInline(admin.TabularInline):
    model = InstructionUnit
    readonly_fields = [f.name for f in InstructionUnit._meta.fields]
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    """Read-only: 批示 change only through the reading services."""

    list_display = ["item", "author", "status", "deadline", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Instruction._meta.fields]
    inlines = [InstructionUnitInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
