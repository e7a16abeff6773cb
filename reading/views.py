"""Reading pages: home, archive, the issue, receipts, 批示, search.

Views parse input, call one service, render. What a user may see is decided in
``briefing.selectors.issues`` and ``reading.selectors``; anything else answers
404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from briefing.models import Item
from briefing.permissions import may_read
from briefing.selectors.issues import (
    date_label,
    distribution_lines,
    get_readable_document,
    get_readable_issue,
    readable_issues,
    with_headlines,
)
from briefing.services.errors import WorkflowError
from briefing.uploads import download_response
from briefing.views.issues import verified_pdf_response
from core import roles
from core.permissions import require_editor

from . import search as item_search
from . import selectors, services
from .forms import FeedbackForm, InstructionForm, SearchForm
from .models import FeedbackAttachment, Instruction

# --- home and archive ---------------------------------------------------------


@login_required
@require_GET
def home(request):
    user = request.user
    if not may_read(user):
        raise Http404
    return render(
        request,
        "reading/home.html",
        {
            "shelves": _with_headlines(selectors.latest_by_publication(user)),
            "years": selectors.archive_years(user),
            "search_form": SearchForm(),
        },
    )


def _with_headlines(shelves):
    """Each shelf's issues with their headlines, one query for all shelves."""
    with_headlines(issue for shelf in shelves for issue in shelf.issues)
    return shelves


@login_required
@require_GET
def year(request, year):
    user = request.user
    if not may_read(user):
        raise Http404
    issues = with_headlines(selectors.issues_of_year(user, year))
    if not issues:
        raise Http404
    return render(request, "reading/year.html", {"year": year, "issues": issues})


# --- the issue ----------------------------------------------------------------


@login_required
@require_GET
def issue(request, pk):
    page = selectors.issue_page(request.user, pk)
    if page is None:
        raise Http404
    if not page.read_before:
        services.record_read(page.issue, request.user)
    return _render_issue(request, page)


def _render_issue(request, page, *, form_item=None, form=None, status=200):
    user = request.user
    previous, following = selectors.neighbours(page, user)
    document, other_documents = selectors.documents(page)
    shown = selectors.shown_instructions(page, user)
    can_instruct = user.has_perm(roles.INSTRUCT_PERM)
    transfer_units = selectors.transfer_units() if can_instruct else []
    return render(
        request,
        "reading/issue.html",
        {
            "issue": page.issue,
            "date_label": date_label(page.issue.issue_date),
            "previous": previous,
            "following": following,
            "document": document,
            "other_documents": other_documents,
            "distribution_lines": distribution_lines(page.issue),
            "can_instruct": can_instruct,
            "transfer_units": transfer_units,
            # Every item's 批示 box lists them: written out once, not per item.
            "transfer_options": format_html_join(
                "", '<option value="{}">{}</option>', transfer_units
            ),
            "is_editor": roles.is_editor(user),
            "sections": selectors.reading_sections(page, shown),
            "form_item_id": form_item.pk if form_item else None,
            "instruction_form": form,
        },
        status=status,
    )


@login_required
@require_GET
def document(request, pk, document_pk):
    """The stored PDF after its SHA-256 check; counts as reading the issue."""
    doc = get_readable_document(request.user, pk, document_pk)
    if doc is None:
        raise Http404
    response = verified_pdf_response(request, doc)
    if response.status_code == 200:
        services.record_read(doc.issue, request.user)
    return response


# --- receipts (editors) -------------------------------------------------------


@login_required
@require_GET
def receipts(request, pk):
    require_editor(request.user)
    current = get_readable_issue(request.user, pk)
    if current is None:
        raise Http404
    table = selectors.receipt_table(current)
    read_ids = {u.pk for g in table for u in g.read}
    unread_ids = {u.pk for g in table for u in g.unread}
    return render(
        request,
        "reading/receipts.html",
        {
            "issue": current,
            "table": table,
            "read_count": len(read_ids),
            "unread_count": len(unread_ids),
        },
    )


@login_required
@require_POST
def remind(request, pk):
    require_editor(request.user)
    current = get_readable_issue(request.user, pk)
    if current is None:
        raise Http404
    try:
        count = services.send_reminder(current, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已向 {count} 位未阅读的领导发送提醒。")
    return redirect("reading:receipts", current.pk)


# --- 批示 -----------------------------------------------------------------------


@login_required
@require_POST
def instruction_create(request, pk, item_pk):
    user = request.user
    page = selectors.issue_page(user, pk)
    if page is None:
        raise Http404
    current = page.issue
    item = get_object_or_404(Item, pk=item_pk, issue=current)
    if not user.has_perm(roles.INSTRUCT_PERM):
        raise Http404
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            instruction = services.write_instruction(
                item,
                current,
                user,
                form.cleaned_data["text"],
                deadline=form.cleaned_data["deadline"],
                transfer_to=form.cleaned_data["transfer_to"],
            )
        except WorkflowError as exc:
            # Shown in the item's open 批示 box, where the form posts back to.
            form.add_error(None, exc.message)
        else:
            units = "、".join(
                u.department.short_name
                for u in instruction.units.select_related("department")
            )
            messages.success(request, f"批示已送{units}和编辑办理。")
            url = reverse("reading:issue", args=[current.pk])
            return redirect(f"{url}#item-{item.pk}")
    # Show the page again with what the leader wrote.
    return _render_issue(request, page, form_item=item, form=form, status=400)


@login_required
@require_GET
def unit_inbox(request):
    if roles.membership(request.user) is None:
        raise Http404
    return render(
        request,
        "reading/unit_inbox.html",
        {"rows": selectors.unit_instructions(request.user)},
    )


@login_required
@require_GET
def instruction_list(request):
    if not roles.is_editor(request.user) and request.user.has_perm(roles.INSTRUCT_PERM):
        return redirect("reading:my_instructions")  # a leader: their own 批示
    require_editor(request.user)
    status = request.GET.get("status", "")
    if status not in Instruction.Status.values:
        status = ""
    return render(
        request,
        "reading/instruction_list.html",
        {
            "instructions": selectors.all_instructions(status),
            "status": status,
            "statuses": Instruction.Status.choices,
            "overdue_days": selectors.overdue_days(),
        },
    )


@login_required
@require_GET
def my_instructions(request):
    """我的批示: a leader's own 批示, overdue first."""
    if not request.user.has_perm(roles.INSTRUCT_PERM):
        raise Http404
    return render(
        request,
        "reading/my_instructions.html",
        {
            "instructions": selectors.my_instructions(request.user),
            "overdue_days": selectors.overdue_days(),
        },
    )


@login_required
@require_GET
def instruction_detail(request, pk):
    instruction = selectors.get_visible_instruction(request.user, pk)
    if instruction is None:
        raise Http404
    return _render_instruction(request, instruction)


def _render_instruction(request, instruction, *, feedback_form=None, status=200):
    selectors.instruction_units(instruction, request.user)  # sets unit_rows
    own = selectors.own_unit(instruction, request.user)
    context = {
        "instruction": instruction,
        "own": own,
        "can_sign": own is not None and own.status == Instruction.Status.PENDING,
        "can_answer": own is not None and own.status == Instruction.Status.SIGNED,
        "feedback_form": feedback_form or FeedbackForm(),
        "readable": readable_issues(request.user)
        .filter(pk=instruction.issue_id)
        .exists(),
    }
    return render(request, "reading/instruction_detail.html", context, status=status)


def _handled_by_my_unit(request, pk) -> Instruction:
    """The 批示, if the user's unit handles it (else 404)."""
    instruction = selectors.get_visible_instruction(request.user, pk)
    if instruction is None:
        raise Http404
    if selectors.own_unit(instruction, request.user) is None:
        raise Http404
    return instruction


@login_required
@require_POST
def instruction_sign(request, pk):
    instruction = _handled_by_my_unit(request, pk)
    try:
        services.sign_instruction(instruction, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收。请落实后反馈落实情况。")
    return redirect("reading:instruction_detail", instruction.pk)


@login_required
@require_POST
def instruction_feedback(request, pk):
    instruction = _handled_by_my_unit(request, pk)
    form = FeedbackForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_feedback(
                instruction,
                request.user,
                form.cleaned_data["body"],
                form.cleaned_data["attachments"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "落实情况已反馈。")
            return redirect("reading:instruction_detail", instruction.pk)
    else:
        messages.error(request, "请按提示修改后再提交。")
    return _render_instruction(request, instruction, feedback_form=form, status=400)


@login_required
@require_GET
def feedback_attachment(request, pk, attachment_pk):
    """A feedback file: for whoever reads that unit's feedback."""
    instruction = selectors.get_visible_instruction(request.user, pk)
    if instruction is None:
        raise Http404
    attachment = get_object_or_404(
        FeedbackAttachment.objects.select_related("feedback"),
        pk=attachment_pk,
        feedback__handling__instruction=instruction,
    )
    shown = {
        row.pk
        for row in selectors.instruction_units(instruction, request.user)
        if row.feedback_shown
    }
    if attachment.feedback.handling_id not in shown:
        raise Http404
    return download_response(attachment)


# --- search -------------------------------------------------------------------


@login_required
@require_GET
def search(request):
    user = request.user
    if not (may_read(user) or roles.is_admin(user)):
        raise Http404
    form = SearchForm(request.GET or None)
    result = None
    hint = ""
    if form.is_valid():
        # A unit or a year alone lists that unit's or year's items, newest
        # first: "what did 民政局 report this year" needs no keyword.
        if form.cleaned_data["q"].strip() or form.has_filters():
            result = item_search.search(user, form.cleaned_data["q"], form.filters())
        else:
            hint = "请输入要查找的字词，或选择报送单位、栏目、刊物或年度。"
    return render(
        request,
        "reading/search.html",
        {
            "form": form,
            "result": result,
            "hint": hint,
            "is_editor": roles.is_editor(user),
        },
    )
