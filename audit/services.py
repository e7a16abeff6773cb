from .context import current
from .models import AuditEvent


def _no_role(actor) -> str:
    return ""


# How an event names the actor's role (AuditEvent.role). The roles are defined
# above audit, in core.roles, which hands its labeller in at start-up
# (CoreConfig.ready): audit imports nothing from the layers above it.
_role_label = _no_role


def label_roles_with(role_label) -> None:
    """Name each event's actor's role with ``role_label(user)``."""
    global _role_label
    _role_label = role_label


def record_event(
    *,
    actor,
    action,
    obj=None,
    result=AuditEvent.Result.SUCCESS,
    reason="",
    username="",
    object_type="",
    object_id="",
):
    """Append one audit event. Call it inside the transaction of the change.

    ``actor`` may be None or anonymous (a failed login names ``username``).
    Without ``obj`` (a row already deleted), ``object_type`` and ``object_id``
    name it.
    """
    authenticated = actor is not None and actor.is_authenticated
    context = current.get()
    if context.request is not None:
        # Lets a catch-all event (an admin log entry) see a precise one exists.
        context.request.audit_event_written = True
    return AuditEvent.objects.create(
        user=actor if authenticated else None,
        username=actor.get_username() if authenticated else username,
        role=_role_label(actor) if authenticated else "",
        action=action,
        object_type=obj._meta.model_name if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else str(object_id),
        result=result,
        reason=reason,
        source_ip=context.source_ip,
        request_id=context.request_id,
    )
