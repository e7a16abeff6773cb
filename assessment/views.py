"""Statistics pages, exports, records, rules and 通报: parse input, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import record_event
from briefing.forms.items import VersionForm
from briefing.models import Item
from briefing.pdf import PdfRenderError
from briefing.permissions import visible_items_q
from core import roles
from core.permissions import require_editor
from departments.models import Department
from submissions import selectors as submission_selectors

from . import bulletin as bulletin_doc
from . import charts, exports, forms, permissions, selectors, services
from .models import (
    AdoptionLevel,
    Bulletin,
    HigherAdoption,
    InstructionRecord,
    ScoringRuleSet,
)
from .periods import parse_period

SORT_KEYS = {
    "rank": lambda r: r.rank,
    "unit": lambda r: (r.department.order, r.department.pk),
    "submitted": lambda r: -r.submitted,
    "adopted": lambda r: -r.adopted,
    "rate": lambda r: -(r.adoption_rate if r.adoption_rate is not None else -1),
    "published": lambda r: -r.published,
    "returned": lambda r: -r.returned,
    "not_used": lambda r: -r.not_used,
    "higher": lambda r: -r.higher_total,
    "instructions": lambda r: -r.instruction_total,
    "score": lambda r: -r.score,
}
RECORD_KINDS = {"higher": "上级采用", "instructions": "领导批示"}


def _require_all(user):
    if not roles.sees_every_unit(user):
        raise Http404


def _department_for(user, department_id) -> Department:
    """The unit whose figures ``user`` may see: any for editors, else their own."""
    if roles.sees_every_unit(user):
        return get_object_or_404(Department, pk=department_id)
    membership = roles.membership(user)
    if membership is None or membership.department_id != department_id:
        raise Http404
    return membership.department


def _item_url(item_id):
    try:
        return reverse("briefing:item_detail", args=[item_id])
    except NoReverseMatch:
        return ""


def _visible_item_ids(user, item_ids) -> set[int]:
    """The ids among ``item_ids`` that ``user`` may open, in one query (the rule
    of ``briefing.permissions.can_view_item``)."""
    q = visible_items_q(user)
    if q is None or not item_ids:
        return set()
    return set(Item.objects.filter(q, pk__in=item_ids).values_list("pk", flat=True))


def _period(request):
    """The period of the query; an invalid one is replaced and the user told so."""
    period, problem = parse_period(request.GET)
    if problem:
        messages.warning(request, problem)
    return period


def _period_context(period):
    return {
        "period": period,
        "period_query": period.query(),
        "months": range(1, 13),
        "quarters": range(1, 5),
    }


def _links(row, period_query) -> dict:
    """The unit page and the drill-downs of a table row, by metric.

    One reverse() per row: a drill-down's path is its unit's path plus the
    metric (see urls.py), and nine reverse() calls a row are a third of the
    page's rendering time with a hundred units.
    """
    unit_path = reverse("assessment:unit", args=[row.department.pk])
    links = {"unit": f"{unit_path}?{period_query}"}
    for metric in (*selectors.METRICS, *RECORD_KINDS):
        links[metric] = f"{unit_path}{metric}/?{period_query}"
    return links


@login_required
@require_GET
def statistics(request):
    """The table of all units (editors, admins); a unit member goes to their unit."""
    if not roles.sees_every_unit(request.user):
        membership = roles.membership(request.user)
        if membership is None:
            raise Http404
        return redirect(
            f"{reverse('assessment:unit', args=[membership.department_id])}"
            f"?{request.GET.urlencode()}"
        )
    period = _period(request)
    stats = selectors.unit_statistics(period)
    sort = request.GET.get("sort", "rank")
    rows = sorted(stats.rows, key=SORT_KEYS.get(sort, SORT_KEYS["rank"]))
    query = period.query()
    return render(
        request,
        "assessment/statistics.html",
        {
            **_period_context(period),
            "stats": stats,
            "table": [(row, _links(row, query)) for row in rows],
            "sort": sort if sort in SORT_KEYS else "rank",
            # No month of the period is over yet: nobody has missed a quota.
            "quota_open": not period.closed_months(timezone.localdate()),
            "higher_levels": [lv for lv in stats.levels if not lv.is_county],
            "bar_chart": charts.bar_chart(
                (row.department.short_name, row.score) for row in stats.rows
            ),
            "line_chart": charts.line_chart(stats.monthly),
        },
    )


@login_required
@require_GET
def unit(request, department_id):
    """One unit's figures, score lines and rank."""
    department = _department_for(request.user, department_id)
    period = _period(request)
    stats = selectors.unit_statistics(period)
    row = stats.row_for(department.pk)
    if row is None:
        raise Http404
    return render(
        request,
        "assessment/unit.html",
        {
            **_period_context(period),
            "department": department,
            "row": row,
            "unit_count": len(stats.rows),
            "levels": stats.levels,
            "sees_all": roles.sees_every_unit(request.user),
            "line_chart": charts.line_chart(row.monthly, title="本单位每月报送量"),
            "metrics": selectors.METRICS,
        },
    )


@login_required
@require_GET
def drill(request, department_id, metric):
    """The items (or records) behind one number of one unit."""
    department = _department_for(request.user, department_id)
    period = _period(request)
    if metric in selectors.METRICS:
        items = list(selectors.items_behind(period, department, metric))
        # A 合报 item is counted for every unit credited, but only its own unit
        # (and the editors) may open it: the others see its title, no dead link.
        visible = _visible_item_ids(request.user, [item.pk for item in items])
        for item in items:
            item.url = _item_url(item.pk) if item.pk in visible else ""
            item.share_text = next(
                (
                    f"{c.share.normalize():f}"
                    for c in item.credits.all()
                    if c.department_id == department.pk
                ),
                "",
            )
        records, label = None, selectors.METRICS[metric]
    elif metric in RECORD_KINDS:
        kind = "higher" if metric == "higher" else "instruction"
        items, records = None, list(selectors.records_behind(period, department, kind))
        label = RECORD_KINDS[metric]
    else:
        raise Http404
    return render(
        request,
        "assessment/drill.html",
        {
            **_period_context(period),
            "department": department,
            "metric": metric,
            "label": label,
            "items": items,
            "records": records,
        },
    )


@login_required
@require_GET
def export(request, fmt):
    _require_all(request.user)
    period, problem = parse_period(request.GET)
    if problem:
        # Exporting another period than the one asked for would go unnoticed
        # in a spreadsheet; the page says what was wrong and shows the fallback.
        return redirect(f"{reverse('assessment:statistics')}?{request.GET.urlencode()}")
    stats = selectors.unit_statistics(period)
    name = f"信息工作考核-{period.label}"
    record_event(actor=request.user, action="assessment.export", reason=f"{name}.{fmt}")
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(stats),
            content_type="application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(
            exports.csv_text(stats), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"stats.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"
    )
    return response


# --- records: 合报, 上级采用, 批示 ------------------------------------------------


@login_required
@require_GET
def records(request):
    """Find an item to record on, and the latest records."""
    require_editor(request.user)
    # A title has at most 200 characters; SQLite refuses a LIKE pattern of 50 000.
    query = request.GET.get("q", "").strip()[:200]
    found = []
    if query:
        found = list(
            selectors.countable_items()
            .filter(title__icontains=query)
            .select_related("department")
            .order_by("-submitted_at")[:30]
        )
    higher, instructions = selectors.recent_records()
    return render(
        request,
        "assessment/records.html",
        {
            "query": query,
            "found": found,
            "higher": higher,
            "instructions": instructions,
        },
    )


def _item_for_records(user, item_id) -> Item:
    require_editor(user)
    return get_object_or_404(
        selectors.countable_items().select_related("department"), pk=item_id
    )


def _render_item(request, item, **overrides):
    credits = selectors.credits_of(item)
    context = {
        "item": item,
        "item_url": _item_url(item.pk),
        "credits": credits,
        "credit_form": forms.CreditForm(
            initial_credits=[(c.department, c.share) for c in credits]
            or [(item.department, None)]
        ),
        "higher_form": forms.HigherAdoptionForm(item=item),
        "instruction_form": forms.InstructionForm(item=item),
        "submissions": submission_selectors.of_item(item),
        "higher": item.higher_adoptions.select_related("level", "submission"),
        "instructions": item.instruction_records.select_related("level", "submission"),
    }
    context.update(overrides)
    return render(request, "assessment/item.html", context)


@login_required
@require_GET
def item_records(request, item_id):
    item = _item_for_records(request.user, item_id)
    return _render_item(request, item)


def _record_on_item(request, item_id, make_form, save, done, form_name):
    """Validate ``make_form(data, item)``, call ``save(item, user, form)``; redirect
    on success, else show the item page again with the form and what the user
    typed."""
    item = _item_for_records(request.user, item_id)
    form = make_form(request.POST, item)
    if form.is_valid():
        try:
            save(item, request.user, form)
        except services.AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("assessment:item", item.pk)
    return _render_item(request, item, **{form_name: form})


@login_required
@require_POST
def item_credits(request, item_id):
    return _record_on_item(
        request,
        item_id,
        lambda data, item: forms.CreditForm(data),
        lambda item, user, form: services.set_item_credits(item, user, form.shares()),
        "合报份额已保存。",
        "credit_form",
    )


@login_required
@require_POST
def merge(request, kept_id, other_id):
    """疑似重复 of two units: keep one item as their 合报 item, close the other."""
    require_editor(request.user)
    if kept_id == other_id:
        raise Http404
    q = visible_items_q(request.user)
    items = {
        item.pk: item
        for item in Item.objects.filter(q, pk__in=[kept_id, other_id]).select_related(
            "department"
        )
    }
    if len(items) != 2:
        raise Http404
    kept, other = items[kept_id], items[other_id]
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        credits = services.merge_into_joint_item(
            kept, request.user, other=other, version=version
        )
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("briefing:item_duplicate", kept.pk, other.pk)
    units = "、".join(credit.department.short_name for credit in credits)
    messages.success(
        request,
        f"已合并：{other.department.short_name}的稿件已标为未采用（已合并到"
        f"《{kept.title}》），本稿为{units}合报。",
    )
    return redirect("briefing:item_detail", kept.pk)


@login_required
@require_POST
def item_higher(request, item_id):
    return _record_on_item(
        request,
        item_id,
        lambda data, item: forms.HigherAdoptionForm(data, item=item),
        lambda item, user, form: services.record_higher_adoption(
            item, user, **form.cleaned_data
        ),
        "上级采用已录入。",
        "higher_form",
    )


@login_required
@require_POST
def item_instruction(request, item_id):
    return _record_on_item(
        request,
        item_id,
        lambda data, item: forms.InstructionForm(data, item=item),
        lambda item, user, form: services.record_instruction(
            item, user, **form.cleaned_data
        ),
        "批示已录入。",
        "instruction_form",
    )


@login_required
@require_POST
def delete_record(request, kind, record_id):
    require_editor(request.user)
    model = {"higher": HigherAdoption, "instruction": InstructionRecord}.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model, pk=record_id)
    delete = (
        services.delete_higher_adoption
        if kind == "higher"
        else services.delete_instruction
    )
    try:
        delete(record, request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "记录已删除。")
    return redirect("assessment:item", record.item_id)


# --- scoring rules ---------------------------------------------------------------


def _require_admin(user):
    if not permissions.may_edit_rules(user):
        raise Http404


@login_required
@require_GET
def rules(request):
    _require_admin(request.user)
    sets = selectors.rule_sets()
    levels = list(AdoptionLevel.objects.order_by("order", "id"))
    table = [
        (
            rule_set,
            [
                next((r for r in rule_set.rules.all() if r.level_id == lv.pk), None)
                for lv in levels
            ],
        )
        for rule_set in reversed(sets)
    ]
    return render(request, "assessment/rules.html", {"table": table, "levels": levels})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, rule_set_id=None):
    _require_admin(request.user)
    rule_set = (
        get_object_or_404(ScoringRuleSet, pk=rule_set_id) if rule_set_id else None
    )
    levels = list(AdoptionLevel.objects.filter(is_active=True).order_by("order", "id"))
    # A new set starts from the latest one's figures.
    template = rule_set or ScoringRuleSet.objects.order_by("-valid_from").first()
    points = {}
    if template is not None:
        points = {
            r.level_id: (r.adoption_points, r.instruction_points)
            for r in template.rules.all()
        }
    instance = rule_set
    initial = {}
    if rule_set is None and template is not None:
        initial = {
            "name": template.name,
            "monthly_quota": template.monthly_quota,
            "quota_penalty": template.quota_penalty,
            "quota_note": template.quota_note,
            "commission_missing_penalty": template.commission_missing_penalty,
            "commission_late_penalty": template.commission_late_penalty,
        }
    form = forms.RuleSetForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        levels=levels,
        points=points,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_rule_set(
                request.user,
                rule_set,
                valid_from=data["valid_from"],
                name=data["name"],
                monthly_quota=data["monthly_quota"],
                quota_penalty=data["quota_penalty"],
                quota_note=data["quota_note"],
                commission_missing_penalty=data["commission_missing_penalty"],
                commission_late_penalty=data["commission_late_penalty"],
                points=form.points(),
                confirmed_past=data["confirm_past"],
            )
        except services.AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "计分规则已保存。")
            return redirect("assessment:rules")
    return render(
        request, "assessment/rule_form.html", {"form": form, "rule_set": rule_set}
    )


# --- 通报 --------------------------------------------------------------------------


def _bulletin_for(user, bulletin_id) -> Bulletin:
    """Drafts for editors and admins; an issued 通报 for unit members and readers."""
    return get_object_or_404(selectors.bulletins_for(user), pk=bulletin_id)


@login_required
@require_http_methods(["GET", "POST"])
def bulletins(request):
    """The 通报 the user may open; editors also make a new draft here."""
    user = request.user
    if not permissions.may_read_bulletins(user):
        raise Http404
    may_manage = permissions.may_manage(user)
    form = None
    if request.method == "POST":
        require_editor(request.user)
        form = forms.BulletinCreateForm(request.POST)
        if form.is_valid():
            try:
                bulletin = services.create_bulletin(
                    request.user, form.cleaned_data["year"], form.cleaned_data["month"]
                )
            except services.AssessmentError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "通报草稿已生成，请修改文字后印发。")
                return redirect("assessment:bulletin_detail", bulletin.pk)
    elif may_manage:
        from django.utils import timezone

        today = timezone.localdate()
        year, month = (
            (today.year, today.month - 1)
            if today.month > 1
            else (
                today.year - 1,
                12,
            )
        )
        form = forms.BulletinCreateForm(initial={"year": year, "month": month})
    return render(
        request,
        "assessment/bulletin_list.html",
        {
            "bulletins": selectors.bulletins_for(user),
            "form": form,
            "may_manage": may_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_detail(request, bulletin_id):
    bulletin = _bulletin_for(request.user, bulletin_id)
    editable = bulletin.status == Bulletin.Status.DRAFT and permissions.may_manage(
        request.user
    )
    form = forms.BulletinForm(instance=bulletin) if editable else None
    if request.method == "POST":
        if not editable:
            raise Http404
        form = forms.BulletinForm(
            request.POST, instance=Bulletin.objects.get(pk=bulletin.pk)
        )
        action = request.POST.get("action", "save")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            if action == "refresh":
                services.refresh_bulletin(bulletin, request.user, version=version)
                messages.success(request, "统计数据已更新。")
                return redirect("assessment:bulletin_detail", bulletin.pk)
            if form.is_valid():
                bulletin = services.update_bulletin(
                    bulletin, request.user, version=version, **form.cleaned_data
                )
                if action == "issue":
                    services.issue_bulletin(
                        bulletin, request.user, version=bulletin.version
                    )
                    messages.success(request, "通报已印发，各单位已收到通知。")
                else:
                    messages.success(request, "通报已保存。")
                return redirect("assessment:bulletin_detail", bulletin.pk)
        except services.AssessmentError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "assessment/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "form": form,
            "data": bulletin.data,
            "intro": bulletin_doc.paragraphs(bulletin.intro),
            "closing": bulletin_doc.paragraphs(bulletin.closing),
        },
    )


def _issued_pdf(request, bulletin):
    """The stored PDF of an issued 通报 after its SHA-256 check, or an error page.

    The check, the download audit event and the failure audit event are the
    briefing's own (``read_verified_document``), so both documents are guarded
    the same way.
    """
    from briefing.services.issues import DocumentIntegrityError, read_verified_document

    document = getattr(bulletin, "document", None)
    if document is None:
        # Issued outside issue_bulletin: with no stored hash there is nothing to
        # check, so nothing is served.
        messages.error(
            request, "该通报印发时未保存 PDF 文件，无法提供下载，请联系管理员。"
        )
        return None, redirect("assessment:bulletin_detail", bulletin.pk)
    try:
        return read_verified_document(document, request.user), None
    except DocumentIntegrityError:
        return None, render(
            request,
            "assessment/bulletin_document_error.html",
            {"bulletin": bulletin, "document": document},
            status=500,
        )


@login_required
@require_GET
def bulletin_file(request, bulletin_id, fmt):
    """An issued 通报's PDF is the file stored at 印发, checked against its
    SHA-256; a draft's PDF and every .docx are rendered on demand from the
    figures frozen in ``Bulletin.data`` and the text."""
    bulletin = _bulletin_for(request.user, bulletin_id)
    from urllib.parse import quote

    if fmt == "pdf" and bulletin.status == Bulletin.Status.ISSUED:
        content, error_page = _issued_pdf(request, bulletin)
        if error_page is not None:
            return error_page
        content_type = "application/pdf"
    elif fmt == "pdf":
        try:
            content = bulletin_doc.bulletin_pdf(bulletin)
        except PdfRenderError as exc:
            messages.error(request, str(exc))
            return redirect("assessment:bulletin_detail", bulletin.pk)
        content_type = "application/pdf"
        record_event(actor=request.user, action="assessment.bulletin_pdf", obj=bulletin)
    elif fmt == "docx":
        content = bulletin_doc.bulletin_docx(bulletin)
        content_type = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        record_event(
            actor=request.user, action="assessment.bulletin_docx", obj=bulletin
        )
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="bulletin.{fmt}"; '
        f"filename*=UTF-8''{quote(bulletin.title)}.{fmt}"
    )
    return response
