from django.core.cache import cache

from .models import Notification

# The bell is on every page; its count is kept until the user's notifications
# change (notifications.services forgets it then), at most this long.
UNREAD_SECONDS = 5 * 60


def unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    count = cache.get(unread_key(user.pk))
    if count is None:
        count = Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
        cache.set(unread_key(user.pk), count, UNREAD_SECONDS)
    return count


def notifications_for(user):
    return Notification.objects.filter(recipient=user)
