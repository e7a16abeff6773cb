from .selectors import unread_count


def notification_bell(request):
    """The unread count for the bell in the header (cached, see selectors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, "unread_notifications", None)  # see middleware
    if count is None:
        count = unread_count(user)
    return {"unread_notifications": count}
