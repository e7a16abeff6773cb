"""The current request's source address and id, for audit events.

Set by ``audit.middleware.RequestContextMiddleware``; empty outside a request
(management commands, tests calling services directly).
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None = None
    request_id: str = ""


# RequestContext is frozen, so sharing the default instance is safe.
current = contextvars.ContextVar(
    "audit_request_context",
    default=RequestContext(),  # noqa: B039
)
