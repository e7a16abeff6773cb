from .models import Notification


def unread(user) -> tuple[int, frozenset[str]]:
    """(how many notifications ``user`` has not read, the pages they link to)."""
    links = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()
        .values_list("url", flat=True)
    )
    return len(links), frozenset(link for link in links if link)


def unread_count(user) -> int:
    return unread(user)[0]


def unread_links(user) -> frozenset[str]:
    return unread(user)[1]


def notifications_for(user):
    return Notification.objects.filter(recipient=user)
