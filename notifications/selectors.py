from django.core.cache import cache

from core import user_context

from .models import Notification

# The bell is on every page; its count is kept until the user's notifications
# change (notifications.services forgets it then), at most this long.
UNREAD_SECONDS = 5 * 60


def unread_key(user_id) -> str:
    return f"notifications:unread-links:{user_id}"


def unread(user) -> tuple[int, frozenset[str]]:
    """(how many notifications ``user`` has not read, the pages they link to)."""
    found = user_context.take(user, unread_key(user.pk))
    if found is None:
        found = cache.get(unread_key(user.pk))
    if found is None:
        links = list(
            Notification.objects.filter(
                recipient=user, read_at__isnull=True
            ).values_list("url", flat=True)
        )
        found = (len(links), frozenset(link for link in links if link))
        cache.set(unread_key(user.pk), found, UNREAD_SECONDS)
    return found


def forget_unread(user) -> None:
    """After marking read: the next question reads the rows again."""
    cache.delete(unread_key(user.pk))


def unread_count(user) -> int:
    return unread(user)[0]


def unread_links(user) -> frozenset[str]:
    return unread(user)[1]


def notifications_for(user):
    return Notification.objects.filter(recipient=user)
