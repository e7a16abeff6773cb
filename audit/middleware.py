import ipaddress
import uuid

from django.conf import settings

from .context import RequestContext, current
from .models import AuditEvent
from .services import record_event


def client_ip(request) -> str | None:
    """The client address: from the trusted proxy's header only, else the peer."""
    remote = request.META.get("REMOTE_ADDR")
    trusted = getattr(settings, "TRUSTED_PROXIES", [])
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in trusted and forwarded:
        candidate = forwarded.split(",")[-1].strip()
    else:
        candidate = remote
    try:
        return str(ipaddress.ip_address(candidate))
    except (TypeError, ValueError):
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = current.set(RequestContext(client_ip(request), request_id, request))
        try:
            response = self.get_response(request)
            if response.status_code in (403, 404):
                _record_refusal(request, response.status_code)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _record_refusal(request, status):
    """A logged-in user refused (403) or sent to 404, which is also how every
    object outside their scope answers: one ``access_denied`` event, unless
    the view already wrote a more precise one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return  # anonymous users are sent to the login page before any view
    if getattr(request, "audit_event_written", False):
        return
    # Files and icons browsers ask for by themselves are not the user's doing.
    if request.path.startswith(
        (settings.STATIC_URL, settings.MEDIA_URL, "/favicon.ico", "/apple-touch-icon")
    ):
        return
    record_event(
        actor=user,
        action="access_denied",
        result=AuditEvent.Result.FAILURE,
        reason=f"{request.method} {request.path[:200]}（{status}）",
    )
