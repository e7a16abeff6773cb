from django.contrib import admin

from .models import Instruction, InstructionUnit


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
