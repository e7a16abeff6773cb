"""Issue pages: list, new, compose, preview, sign-off, documents.

Views parse input, call one service, render. Who may see an issue is decided
by ``selectors.visible_issues``; everything else answers 404.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from briefing import permissions, workflow
from briefing.forms.issues import (
    CorrectedItemForm,
    CorrectionForm,
    IssueCreateForm,
    IssueSettingsForm,
    ItemSectionForm,
    MoveForm,
    PoolPlaceForm,
    SendBackForm,
    SignOffForm,
)
from briefing.models import Issue, IssueSection, Item, Section
from briefing.pdf import PdfRenderError, render_pdf
from briefing.selectors import issues as selectors
from briefing.selectors import items as item_selectors
from briefing.services import issues as services
from briefing.services import items as item_services
from briefing.services.errors import StaleVersionError, WorkflowError
from core import roles

S = Issue.Status
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _detail(issue, anchor=""):
    url = reverse("briefing:issue_detail", args=[issue.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _editor_issue(request, pk) -> Issue:
    """An issue the user may see, and the user must be an editor (else 404)."""
    issue = selectors.get_visible_issue(request.user, pk)
    if issue is None:
        raise Http404
    if not workflow.may_make_issue_move(request.user, "compose"):
        raise Http404
    return issue


@login_required
@require_GET
def issue_list(request):
    user = request.user
    if not (permissions.can_see_all_issues(user) or roles.is_reader(user)):
        raise Http404
    return render(
        request,
        "briefing/issues/list.html",
        {
            "lists": selectors.issue_lists(user),
            "can_create": workflow.issue_allows(user, None, "create"),
            "is_signer": roles.is_signer(user),
        },
    )


@login_required
def issue_create(request):
    if not workflow.issue_allows(request.user, None, "create"):
        raise Http404
    form = IssueCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.create_issue(actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已新建一期，请在下方组版。")
            return _detail(issue)
    return render(request, "briefing/issues/create.html", {"form": form})


@login_required
@require_GET
def issue_detail(request, pk):
    user = request.user
    issue = selectors.get_visible_issue(user, pk)
    if issue is None:
        raise Http404
    return _render_detail(request, issue)


def _render_detail(
    request,
    issue,
    *,
    settings_form=None,
    send_back_form=None,
    unsent=None,
    status=200,
):
    user = request.user
    can_compose = workflow.issue_allows(user, issue, "compose")
    can_submit = workflow.issue_allows(user, issue, "submit")
    sections = selectors.issue_sections(issue)
    documents = list(selectors.issue_documents(issue))
    context = {
        "issue": issue,
        "sections": sections,
        "item_count": sum(len(s.placed_items) for s in sections),
        "length": selectors.issue_length(issue, sections),
        "expected_number": selectors.expected_number_label(issue),
        "distribution_lines": selectors.distribution_lines(issue),
        "date_label": selectors.date_label(issue.issue_date),
        "can_compose": can_compose,
        "can_preview": permissions.can_see_all_issues(user),
        "can_submit": can_submit,
        # Before 提交签发: the items that are suspected duplicates, undecided.
        "duplicates": item_selectors.undecided_duplicates(
            user, [item for section in sections for item in section.placed_items]
        )
        if can_submit
        else [],
        "same_event": item_selectors.same_event_of_items(
            user, [item for section in sections for item in section.placed_items]
        )
        if can_submit
        else [],
        "can_sign": workflow.issue_allows(user, issue, "sign_off"),
        "can_correct": workflow.issue_allows(user, issue, "correct"),
        "can_take_docx": permissions.may_take_original(user),
        "can_see_timeline": permissions.can_see_all_issues(user),
        "all_sections": Section.objects.filter(is_active=True),
        # 待编池: adopted items waiting for an issue, to place into this one.
        "pooled": list(item_selectors.pooled_items()) if can_compose else [],
        "settings_form": settings_form or IssueSettingsForm.for_issue(issue),
        "send_back_form": send_back_form or SendBackForm(),
        "sign_off_form": SignOffForm(),
        "sign_off_opinion": selectors.sign_off_opinion(issue),
        "unsent": unsent,
        "documents": documents,
        "current_document": selectors.current_document(documents),
        "timeline": selectors.issue_timeline(issue),
        "send_back_comment": issue.events.filter(action="send_back")
        .order_by("-created_at", "-id")
        .first()
        if issue.status == S.DRAFT
        else None,
    }
    return render(request, "briefing/issues/detail.html", context, status=status)


@login_required
@require_POST
def issue_update(request, pk):
    issue = _editor_issue(request, pk)
    form = IssueSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_issue(issue, request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            issue.refresh_from_db()  # e.g. submitted for sign-off meanwhile
        else:
            messages.success(request, "本期设置已保存。")
            return _detail(issue, "settings")
    # Show the form again with what the user typed.
    return _render_detail(request, issue, settings_form=form, status=400)


def _order_response(request, issue, call, success, anchor=""):
    """Run a reorder service; answer JSON to the script, a redirect otherwise."""
    try:
        updated = call()
    except WorkflowError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": exc.message}, status=400)
        messages.error(request, exc.message)
        return _detail(issue, anchor)
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "message": success, "version": updated.version}
        )
    messages.success(request, success)
    return _detail(issue, anchor)


@login_required
@require_POST
def section_move(request, pk, section_pk):
    issue = _editor_issue(request, pk)
    issue_section = get_object_or_404(IssueSection, issue=issue, pk=section_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse("参数错误", status=400)
    direction = form.cleaned_data["direction"]
    label = "上移" if direction == "up" else "下移"
    return _order_response(
        request,
        issue,
        lambda: services.move_section(issue, issue_section.pk, direction, request.user),
        f"【{issue_section.section.name}】已{label}。",
        f"section-{issue_section.pk}",
    )


@login_required
@require_POST
def section_remove(request, pk, section_pk):
    issue = _editor_issue(request, pk)
    issue_section = get_object_or_404(
        IssueSection.objects.select_related("section"), issue=issue, pk=section_pk
    )
    try:
        services.remove_empty_section(issue, issue_section.pk, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _detail(issue, f"section-{issue_section.pk}")
    messages.success(request, f"空栏目【{issue_section.section.name}】已移出本期。")
    return _detail(issue)


@login_required
@require_POST
def section_order(request, pk):
    issue = _editor_issue(request, pk)
    return _order_response(
        request,
        issue,
        lambda: services.set_section_order(
            issue, request.POST.getlist("order"), request.user
        ),
        "栏目顺序已保存。",
    )


@login_required
@require_POST
def item_move(request, pk, item_pk):
    issue = _editor_issue(request, pk)
    item = get_object_or_404(Item, issue=issue, pk=item_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse("参数错误", status=400)
    direction = form.cleaned_data["direction"]
    label = "上移" if direction == "up" else "下移"
    return _order_response(
        request,
        issue,
        lambda: services.move_item(issue, item.pk, direction, request.user),
        f"《{item.title}》已{label}。",
        f"item-{item.pk}",
    )


@login_required
@require_POST
def item_order(request, pk, section_pk):
    issue = _editor_issue(request, pk)
    return _order_response(
        request,
        issue,
        lambda: services.set_item_order(
            issue, section_pk, request.POST.getlist("order"), request.user
        ),
        "稿件顺序已保存。",
    )


@login_required
@require_POST
def item_section(request, pk, item_pk):
    issue = _editor_issue(request, pk)
    item = get_object_or_404(Item, issue=issue, pk=item_pk)
    form = ItemSectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要移到的栏目。")
        return _detail(issue, f"item-{item.pk}")
    section = form.cleaned_data["section"]
    return _order_response(
        request,
        issue,
        lambda: services.move_item_to_section(issue, item.pk, section, request.user),
        f"《{item.title}》已移到【{section.name}】。",
        f"item-{item.pk}",
    )


def _composed_or_refused(request, issue) -> bool:
    """Items go in or out only while 组稿中; else say why (and return False)."""
    if issue.status == S.DRAFT:
        return True
    messages.error(
        request,
        services.FROZEN_MESSAGE
        if issue.status == S.ISSUED
        else services.PENDING_MESSAGE,
    )
    return False


@login_required
@require_POST
def item_remove(request, pk, item_pk):
    """撤出本期: the item goes back to 编辑中, held by the editor."""
    issue = _editor_issue(request, pk)
    item = get_object_or_404(Item, issue=issue, pk=item_pk)
    if _composed_or_refused(request, issue):
        try:
            item_services.remove_from_issue(item, request.user)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"《{item.title}》已撤出本期，回到编辑中。")
    return _detail(issue)


@login_required
@require_POST
def item_to_pool(request, pk, item_pk):
    """移回待编池: out of this issue, still adopted, to be placed later."""
    issue = _editor_issue(request, pk)
    item = get_object_or_404(Item, issue=issue, pk=item_pk)
    if _composed_or_refused(request, issue):
        try:
            item_services.return_to_pool(item, request.user)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"《{item.title}》已移回待编池。")
    return _detail(issue, "pool")


@login_required
@require_POST
def item_place(request, pk, item_pk):
    """编入本期: a pooled item (已采用，待编入) into a section of this issue."""
    issue = _editor_issue(request, pk)
    # Any item the editor sees: one no longer pooled is refused by the service
    # in words (a second click says it is placed already).
    item = item_selectors.get_visible_item(request.user, item_pk)
    if item is None:
        raise Http404
    form = PoolPlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请为《{item.title}》选择栏目。")
        return _detail(issue, "pool")
    section = form.cleaned_data["section"]
    try:
        item_services.place_item(
            item,
            issue,
            section,
            request.user,
            version=form.cleaned_data.get("version"),
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _detail(issue, "pool")
    messages.success(request, f"《{item.title}》已编入本期【{section.name}】。")
    return _detail(issue, f"item-{item.pk}")


def _preview(request, pk) -> tuple[Issue, str]:
    """The issue and its HTML as printed (marked 样稿 until issued); only for
    those who see all issues."""
    issue = selectors.get_visible_issue(request.user, pk)
    if issue is None:
        raise Http404
    if not permissions.can_see_all_issues(request.user):
        raise Http404
    return issue, selectors.issue_html(issue, preview=issue.status != S.ISSUED)


@login_required
@require_GET
def preview_html(request, pk):
    issue, html = _preview(request, pk)
    # A browser page, not only a PDF source: a phone lays it out at its own
    # width (print.css narrows the sheet on small screens).
    return HttpResponse(html.replace("<head>", "<head>" + VIEWPORT_META, 1))


@login_required
@require_GET
def preview_pdf(request, pk):
    issue, html = _preview(request, pk)
    try:
        pdf = render_pdf(html)
    except PdfRenderError as exc:
        messages.error(request, str(exc))
        return _detail(issue)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def issue_submit(request, pk):
    issue = _editor_issue(request, pk)
    try:
        services.submit_for_signoff(issue, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交签发，等待签发人签发。")
        for item in Item.objects.filter(issue=issue).order_by("section", "position"):
            warning = item_selectors.duplicate_warning(request.user, item)
            if warning:
                messages.warning(request, warning + "。")
            note = item_selectors.same_event_note(request.user, item)
            if note:
                messages.info(request, note + "。")
    return _detail(issue)


@login_required
@require_POST
def issue_sign_off(request, pk):
    issue = selectors.get_visible_issue(request.user, pk)
    if issue is None:
        raise Http404
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["opinion"]))
        return _detail(issue, "sign-off")
    try:
        services.sign_off_issue(issue, request.user, form.cleaned_data["opinion"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        issue.refresh_from_db()
        messages.success(request, f"已签发，{issue.number_label}已生成 PDF。")
    return _detail(issue)


@login_required
@require_POST
def issue_send_back(request, pk):
    issue = selectors.get_visible_issue(request.user, pk)
    if issue is None:
        raise Http404
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, issue, send_back_form=form, status=400)
    try:
        services.send_back(issue, request.user, form.cleaned_data["comment"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
        # Shown as it is now: once it is no longer 待签发 the form is gone, so
        # the comment typed is shown to copy instead.
        issue.refresh_from_db()
        unsent = None
        if issue.status != S.PENDING_SIGNOFF:
            unsent = ("退回意见", form.cleaned_data["comment"])
        return _render_detail(
            request, issue, send_back_form=form, unsent=unsent, status=409
        )
    messages.success(request, "已退回编辑修改。")
    return _detail(issue)


@login_required
@require_http_methods(["GET", "POST"])
def issue_correct(request, pk):
    """更正 page: each item's text editable, plus the reason; POST issues it."""
    issue = selectors.get_visible_issue(request.user, pk)
    if issue is None:
        raise Http404
    if not workflow.may_make_issue_move(request.user, "correct"):
        raise Http404
    if workflow.issue_transition("correct", issue.status) is None:
        messages.error(request, "只有已签发的简报才能发布更正版。")
        return _detail(issue)
    data = request.POST if request.method == "POST" else None
    sections = selectors.issue_sections(issue)
    for issue_section in sections:
        issue_section.forms = [
            CorrectedItemForm.for_item(item, data)
            for item in issue_section.placed_items
        ]
    item_forms = [form for s in sections for form in s.forms]
    form = CorrectionForm(data, initial={"version": issue.version})
    stale = False
    if data is not None:
        if form.is_valid() and all(f.is_valid() for f in item_forms):
            try:
                correction = services.issue_correction(
                    issue,
                    request.user,
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                    items={f.item.pk: f.cleaned_data for f in item_forms},
                )
            except StaleVersionError as exc:
                messages.error(request, exc.message)
                stale = True
            except WorkflowError as exc:
                messages.error(request, exc.message)
            else:
                count = len(correction.corrected)
                changed = f"更正了 {count} 篇稿件" if count else "文字未改动"
                messages.success(
                    request,
                    f"已发布更正版（{changed}），期号不变，原版仍保留。",
                )
                return _detail(issue, "documents")
        else:
            messages.error(request, "请按提示修改后再提交。")
    media = form.media
    for item_form in item_forms:
        media += item_form.media
    return render(
        request,
        "briefing/issues/correct.html",
        {
            "issue": issue,
            "sections": sections,
            "form": form,
            "media": media,
            "stale": stale,
            "date_label": selectors.date_label(issue.issue_date),
        },
        status=200 if data is None else 400,
    )


def _document_error(request, document, exc):
    """The error page for a stored file that cannot be given out (status 500)."""
    return render(
        request,
        "briefing/issues/document_error.html",
        {
            "issue": document.issue,
            "document": document,
            "message": exc.message,
            "title": "文件校验失败"
            if isinstance(exc, services.DocumentIntegrityError)
            else "无法提供下载",
        },
        status=500,
    )


def verified_pdf_response(request, document):
    """The user's numbered copy of the stored PDF, after its SHA-256 check
    (``?inline=1`` to read it in the browser), or the error page with status
    500: never the altered file."""
    try:
        copy = services.download_copy(document, request.user)
    except services.DocumentError as exc:
        return _document_error(request, document, exc)
    return FileResponse(
        io.BytesIO(copy.data),
        as_attachment=request.GET.get("inline") != "1",
        filename=services.document_filename(document),
        content_type="application/pdf",
        headers={"Cache-Control": "private, no-store"},  # shared office computers
    )


@login_required
@require_GET
def document_download(request, pk, document_pk):
    document = selectors.get_visible_document(request.user, pk, document_pk)
    if document is None:
        raise Http404
    return verified_pdf_response(request, document)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def document_docx(request, pk, document_pk):
    """The issue as .docx, stored at 签发, after its SHA-256 check: editors and
    signers only (it carries no reader's mark); 404 for everyone else."""
    document = selectors.get_visible_document(request.user, pk, document_pk)
    if document is None:
        raise Http404
    if not permissions.may_take_original(request.user) or not document.docx:
        raise Http404
    try:
        data = services.read_verified_docx(document, request.user)
    except services.DocumentIntegrityError as exc:
        return _document_error(request, document, exc)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=services.document_filename(document).removesuffix(".pdf") + ".docx",
        content_type=DOCX_TYPE,
        headers={"Cache-Control": "private, no-store"},
    )
