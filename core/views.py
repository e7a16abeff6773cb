from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import roles


@login_required
def home(request):
    """Send each user to the place where their work is."""
    user = request.user
    if roles.membership(user) is not None:
        return redirect("briefing:my_items")
    if roles.is_editor(user):
        return redirect("briefing:inbox")
    if user.is_staff:
        return redirect("admin:index")
    if user.has_perm("audit.view_auditevent") and not roles.is_reader(user):
        return redirect("audit:event_list")
    if roles.is_reader(user) and not (roles.is_signer(user) or roles.is_admin(user)):
        return redirect("reading:home")  # pure readers (领导) read online
    return redirect("briefing:issue_list")


@never_cache
@require_GET
def healthz(request):
    """Liveness and database status for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse(
            {
                "status": "error",
                "database": "unavailable",
                "detail": type(exc).__name__,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
