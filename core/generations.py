"""Generation numbers that outdate cache entries built from changed rows.

A cache entry built from some tables stores the generation it was built under
(``current``), read BEFORE the rows; a save or delete in those tables sets a
new one (``bump``), so entries of an older generation are rebuilt on next use.
``bump_on_change`` connects that to the models' signals (framework glue): a
change made with ``QuerySet.update()`` sends none and must call ``bump``.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _key(name: str) -> str:
    return f"generation:{name}"


def current(name: str) -> str:
    generation = cache.get(_key(name))
    if generation is None:
        cache.add(_key(name), uuid.uuid4().hex, None)  # another worker may win
        generation = cache.get(_key(name))
    return generation


# This process's copies of entries read with ``in_process``: key → (generation,
# monotonic time built or read, value); shared by the process's requests.
_copies: dict[str, tuple[str, float, Any]] = {}


def cached(
    name: str,
    key: str,
    build: Callable[[], Any],
    seconds: int,
    *,
    in_process: bool = False,
) -> Any:
    """The value under ``key`` if built under the current generation of
    ``name``, else ``build()`` stored under it; one cache round trip when
    current. ``seconds`` bounds how long a value built before a write that
    sends no signal can be used.

    With ``in_process`` the value is also kept in this process, shared by its
    requests (do not change it): while the generation is current only the
    generation is read, not the value. Without ``SHARED_CACHE`` nothing is
    kept: ``build()`` on every call.
    """
    if not settings.SHARED_CACHE:
        return build()
    if in_process:
        copy = _copies.get(key)
        if (
            copy is not None
            and copy[0] == current(name)
            and time.monotonic() - copy[1] < seconds
        ):
            return copy[2]
    generation, value = _read_or_build({key: (name, build, seconds)}, ())[key]
    if in_process:
        _copies[key] = (generation, time.monotonic(), value)
    return value


def cached_many(
    entries: dict[str, tuple[str, Callable[[], Any], int]], plain: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``cached`` for several entries in one cache round trip: ``entries`` maps
    each key to (generation name, build, seconds), built in that order when
    not current (a build that raises stops the rest). ``plain`` keys are read
    in the same round trip as they are (None when missing), with or without
    ``SHARED_CACHE``. Returns {key: value}."""
    if not settings.SHARED_CACHE:
        values = cache.get_many(plain) if plain else {}
        return {key: values.get(key) for key in plain} | {
            key: build() for key, (_, build, _) in entries.items()
        }
    found = _read_or_build(entries, plain)
    return {key: found[key] if key in plain else found[key][1] for key in found}


def _read_or_build(entries, plain) -> dict[str, Any]:
    """{key: (generation, value)} for ``entries``, {key: value} for ``plain``."""
    names = dict.fromkeys(name for name, _, _ in entries.values())
    found = cache.get_many([*map(_key, names), *entries, *plain])
    result = {key: found.get(key) for key in plain}
    for key, (name, build, seconds) in entries.items():
        generation = found.get(_key(name)) or current(name)
        entry = found.get(key)
        if entry is None or entry[0] != generation:
            entry = (generation, build())
            cache.set(key, entry, seconds)
        result[key] = entry
    return result


def bump(name: str) -> None:
    """Outdate the entries of ``name``: now, so requests during the transaction
    rebuild from the rows as committed so far, and again after the commit, so
    an entry built in between from the old rows is not kept."""
    _new(name)
    transaction.on_commit(lambda: _new(name))


def _new(name: str) -> None:
    cache.set(_key(name), uuid.uuid4().hex, None)


def bump_on_change(name: str, *watched: type[models.Model], fields=()) -> None:
    """Bump ``name`` on every save or delete of ``watched`` (many-to-many
    "through" models included). With ``fields``, a save naming its
    ``update_fields`` bumps only when one of ``fields`` is among them."""
    fields = frozenset(fields)

    def changed(sender, update_fields=None, **kwargs):
        if not kwargs.get("action", "post_").startswith("post_"):
            return
        if fields and update_fields is not None and not fields & set(update_fields):
            return
        bump(name)

    for model in watched:
        uid = f"generation:{name}:{model._meta.label}"
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)
