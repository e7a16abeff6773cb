from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only for everyone, superusers included: the trail is append-only."""

    list_display = [
        "created_at",
        "username",
        "role",
        "action",
        "object_type",
        "object_id",
        "result",
        "source_ip",
    ]
    list_filter = ["result", "action"]
    search_fields = ["username", "action", "object_id", "reason", "request_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
