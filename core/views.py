from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
        return redirect("manage_home")
    if user.has_perm("audit.view_auditevent") and not roles.is_reader(user):
        return redirect("audit:event_list")
    if roles.is_reader(user) and not (roles.is_signer(user) or roles.is_admin(user)):
        return redirect("reading:home")  # pure readers (领导) read online
    return redirect("briefing:issue_list")


# The admin home's groups: (heading, [(label, target)]); a target is a model
# ("app_label.model", "+add" for its add form), shown when the admin lets the
# user see it, or a URL name of the site (the page checks the user itself).
MANAGE_GROUPS = [
    (
        "人员与角色",
        [
            ("新增人员（账号、单位与角色）", "auth.user+add"),
            ("人员", "auth.user"),
            ("单位成员（信息员、单位审核人）", "departments.membership"),
            ("登录锁定（解锁账号）", "axes.accessattempt"),
            ("两步验证设备", "core.otpdevice"),
        ],
    ),
    (
        "单位与刊物",
        [
            ("报送单位", "departments.department"),
            ("刊物（期号起点）", "briefing.publication"),
            ("栏目", "briefing.section"),
            ("分发范围（本期发）", "briefing.distributionlist"),
            ("阅读对象组", "briefing.recipientgroup"),
            ("在线阅读范围", "briefing.distributionrecipients"),
        ],
    ),
    (
        "信息考核",
        [
            ("计分规则", "assessment:rules"),
            ("采用级别", "assessment.adoptionlevel"),
            ("信息考核统计", "assessment:statistics"),
        ],
    ),
    (
        "简报",
        [
            ("组版签发（查看各期）", "briefing:issue_list"),
            ("系统管理（全部后台功能）", "admin:index"),
        ],
    ),
]


def _manage_links(request) -> list[tuple[str, list[tuple[str, str]]]]:
    models = {
        f"{app['app_label']}.{model['object_name'].lower()}": model
        for app in admin.site.get_app_list(request)
        for model in app["models"]
    }
    groups = []
    for heading, entries in MANAGE_GROUPS:
        links = []
        for label, target in entries:
            if "." in target:  # a model in the admin, if the user may see it
                model = models.get(target.removesuffix("+add"), {})
                url = model.get("add_url" if target.endswith("+add") else "admin_url")
            else:  # a page of the site
                url = reverse(target)
            if url:
                links.append((label, url))
        if links:
            groups.append((heading, links))
    return groups


@login_required
@require_GET
def manage_home(request):
    """The admin's home on the site: links to what they manage."""
    if not request.user.is_staff:
        raise Http404
    return render(request, "core/manage_home.html", {"groups": _manage_links(request)})


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
