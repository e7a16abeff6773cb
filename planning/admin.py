from django.contrib import admin

from .models import Schedule


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    """Each publication's schedule; the planned issues themselves are changed
    on the site (出刊日历), where every change is audited."""

    list_display = [
        "publication",
        "interval_weeks",
        "issue_weekday",
        "deadline_weekday",
        "deadline_time",
        "reminder_hours",
        "is_active",
    ]
    list_filter = ["is_active"]
