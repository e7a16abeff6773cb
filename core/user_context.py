"""The rows every request of a logged-in user reads, kept in one cache entry.

Each page of a logged-in user needs the user row, their permissions and
groups, their unit membership, the distribution lists naming them, their
password state and whether they enrolled a second factor: eight queries whose
rows change only when an account, a role or a list is edited. With
``SHARED_CACHE`` on (a cache every worker shares: Redis), the
authentication backend (``core.backends``) reads them from one entry per user.

Entries carry a generation (``core.generations``): a save or delete of any row
they were built from outdates them all, so a disabled account, a removed role
or a new password takes effect on the very next request, as without the
cache. Such edits are rare (an admin's), so one generation for all users keeps
this simple.

What an entry holds is what the warmers put on the user object: each app
registers the memoised lookups it makes (``register``) with the models they
read. Per-user cache keys every page reads as well (the bell's count) are read
in the same round trip (``read_along``, ``take``).
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import models

from . import generations

GENERATION = "user-context"
# Only a bound on memory: entries are replaced by a new generation, not by age.
ENTRY_SECONDS = 60 * 60

_warmers: list[Callable] = []
_along: list[Callable[[int], str]] = []


def register(warm: Callable, *watched: type[models.Model]) -> None:
    """Run ``warm(user)`` when an entry is built; rebuild when ``watched`` change.

    ``warm`` memoises its lookups as attributes of the user object (as
    ``roles.group_names`` does); those attributes are what the entry keeps.
    """
    _warmers.append(warm)
    generations.bump_on_change(GENERATION, *watched)


def read_along(key_of: Callable[[int], str]) -> None:
    """Read the cache key ``key_of(user id)`` in the same round trip as the
    user's entry, for ``take``."""
    _along.append(key_of)


def load_user(user_id):
    """The user with ``user_id`` and its warmed lookups, or None if there is none."""
    key = f"user-context:user:{user_id}"
    along = tuple(key_of(user_id) for key_of in _along)
    found = generations.cached_many(
        {key: (GENERATION, lambda: _build(user_id), ENTRY_SECONDS)}, plain=along
    )
    user = found[key]
    if user is not None:  # a new object each request: nothing here is shared
        user._read_along = {k: found[k] for k in along if found[k] is not None}
    return user


def take(user, key):
    """The value ``key`` had when the user was loaded (``read_along``), for
    the first caller only: a later one, after a change, reads the cache again.
    None when it was missing or already taken."""
    return getattr(user, "_read_along", {}).pop(key, None)


def _build(user_id):
    User = get_user_model()
    user = (
        User._default_manager.select_related("membership__department")
        .filter(pk=user_id)
        .first()
    )
    if user is not None:
        for warm in _warmers:
            warm(user)
    return user
