from django.contrib import admin

from .models import Department, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "order",
        "requires_unit_review",
        "urgent_skips_review",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "requires_unit_review"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "short_name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role", "mobile"]
    list_filter = ["role", "department__kind", "department"]
    search_fields = ["user__username", "user__first_name", "department__name"]
    autocomplete_fields = ["user", "department"]
