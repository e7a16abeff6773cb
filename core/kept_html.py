"""Rendered HTML kept in this process, with the CSRF token put in per request.

For fragments that cost more to render than to look up and that depend on
nothing but their key (the site header, an issued issue's text): render them
with ``csrf_token=CSRF_PLACEHOLDER`` in the context, without the request.
"""

import secrets
import time
from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString, mark_safe

# Stands for the CSRF token in kept HTML; random, so no one's text can hold it.
CSRF_PLACEHOLDER = secrets.token_hex(16)


class KeptHTML:
    """Up to ``limit`` fragments by key (all dropped when full, a bound on
    memory), each kept at most ``seconds`` (None: while its key is used)."""

    def __init__(self, *, limit: int, seconds: float | None = None):
        self.limit = limit
        self.seconds = seconds
        self._kept: dict[Hashable, tuple[float, str]] = {}

    def get(
        self, key: Hashable, render: Callable[[], str], csrf_token: str | None = None
    ) -> SafeString:
        """The fragment kept under ``key``, else ``render()`` kept; with
        ``csrf_token`` in place of the placeholder."""
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is None or (self.seconds is not None and now - kept[0] > self.seconds):
            if len(self._kept) >= self.limit:
                self._kept.clear()
            kept = self._kept[key] = (now, render())
        html = kept[1]
        if csrf_token is not None:
            html = html.replace(CSRF_PLACEHOLDER, csrf_token)
        return mark_safe(html)
