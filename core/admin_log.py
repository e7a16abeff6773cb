"""Admin mixins: deletes that write their own, more precise audit event; an
object outside the admin's queryset answering 404."""

from django.http import Http404


class HiddenIsNotFound:
    """For a ModelAdmin whose queryset hides rows from some users (accounts
    above a 管理员, items they may not read on the site). Django redirects to
    the admin home for a row it cannot find; here it answers 404, as the site
    does, and so the try is audited as refused (``access_denied``)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在或无权查看。")
        return obj


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
