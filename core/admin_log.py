"""Admin deletes that write their own, more precise audit event."""


class LogDeletionsAfterEvent:
    """For a ModelAdmin whose delete writes its own audit event (an unlock, a
    two-step reset). Django logs a delete before ``delete_model`` runs; that
    log entry would make the catch-all admin audit (core.signals.on_admin_change)
    write an "admin.delete" event first. Here Django's early log is skipped and
    the delete calls ``log_deleted`` after its event, so the catch-all skips."""

    def log_deletions(self, request, queryset):
        return []

    def log_deleted(self, request, objects):
        """Django's admin log entries for ``objects`` (instances kept after the
        rows are gone still have their pk and name)."""
        return super().log_deletions(request, objects)
