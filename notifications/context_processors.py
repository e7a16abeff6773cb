from .selectors import unread_count


def bell_count(request) -> int:
    """The unread count for the bell in the header, read once a request (the
    middleware has mostly read it already)."""
    count = getattr(request, "unread_notifications", None)
    if count is None:
        count = request.unread_notifications = unread_count(request.user)
    return count


def notification_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": bell_count(request)}
