from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import export, selectors
from .forms import EventFilterForm
from .labels import action_label, object_type_label
from .roles import EXPORT_PERM, VIEW_PERM
from .services import record_event

FORMATS = {
    "csv": ("text/csv; charset=utf-8", export.as_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.as_xlsx,
    ),
}


def _filtered(request):
    form = EventFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, selectors.filtered_events(**form.cleaned_data)
    if form.is_bound:
        return form, selectors.filtered_events().none()
    return form, selectors.filtered_events()


@login_required
@require_GET
def event_list(request):
    if not request.user.has_perm(VIEW_PERM):
        raise Http404
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for event in page.object_list:
        event.action_name = action_label(event.action)
        event.object_type_name = object_type_label(event.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_export": request.user.has_perm(EXPORT_PERM),
        },
    )


@login_required
@require_GET
def event_export(request, fmt):
    if not request.user.has_perm(EXPORT_PERM) or fmt not in FORMATS:
        raise Http404
    form, events = _filtered(request)
    if form.errors:
        # An empty file would look like "nothing happened"; the list says why.
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    content_type, write = FORMATS[fmt]
    record_event(
        actor=request.user,
        action="audit_export",
        reason=f"导出 {fmt.upper()}：{request.GET.urlencode()}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(write(events), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response
