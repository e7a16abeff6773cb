import ipaddress
import uuid

from django.conf import settings

from .context import RequestContext, current


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
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
