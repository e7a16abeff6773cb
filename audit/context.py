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
    # The request itself, so that a catch-all event (an admin log entry, a
    # refusal) can see that a more precise one was already written for it.
    request: object = field(default=None, compare=False, repr=False)


# The default is frozen, hence safe to share.
current = contextvars.ContextVar("audit_request_context", default=RequestContext())  # noqa: B039
