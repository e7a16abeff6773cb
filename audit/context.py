"""The current request's source address and id, for audit events.

Set by ``audit.middleware.RequestContextMiddleware``; empty outside a request
(management commands, tests calling services directly).
"""

import contextvars
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None = None
    request_id: str = ""
    # The request itself, so that framework signals (a user's groups changed in
    # the admin) can name who did it.
    request: object = field(default=None, compare=False, repr=False)

    @property
    def user(self):
        """The logged-in user of the current request, or None."""
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


# The default is frozen, hence safe to share.
current = contextvars.ContextVar("audit_request_context", default=RequestContext())  # noqa: B039
