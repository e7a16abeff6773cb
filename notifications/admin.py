from django.contrib import admin

from .models import Delivery, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__username"]
    readonly_fields = ["recipient", "title", "body", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What went to whom and whether the e-mail went out (read only: the tasks
    write these rows)."""

    list_display = [
        "recipient",
        "purpose",
        "occasion",
        "email",
        "emailed_at",
        "attempts",
        "created_at",
    ]
    list_filter = ["purpose", ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "email", "occasion"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
