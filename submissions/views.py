"""上报 pages (editors only; everyone else gets 404): parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from briefing.models import Issue
from core.permissions import require_editor

from . import docx, forms, selectors, services
from .models import Submission


@login_required
@require_GET
def submission_list(request):
    require_editor(request.user)
    return render(
        request,
        "submissions/list.html",
        {"submissions": selectors.submission_list()[:200]},
    )


def _source_issue(request):
    """The issued issue the items are picked from (?issue=), or None."""
    raw = request.GET.get("issue", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Issue, pk=int(raw), status=Issue.Status.ISSUED)


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request):
    require_editor(request.user)
    issue = _source_issue(request)
    candidates = selectors.candidates(issue)
    if request.method == "POST":
        form = forms.SubmissionForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.make_submission(
                    request.user,
                    items=form.chosen_items(),
                    recipient=data["recipient"],
                    office_name=data["office_name"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    layout=data["layout"],
                    note=data["note"],
                    email=data["email"],
                )
            except services.SubmissionError as exc:
                form.add_error(None, exc.message)
            else:
                done = "上报件已生成。"
                if submission.email:
                    done += f"系统将发送到 {submission.email}。"
                messages.success(request, done)
                return redirect("submissions:detail", submission.pk)
    else:
        initial_items = request.GET.getlist("item")
        form = forms.SubmissionForm(
            candidates=candidates,
            initial={
                "office_name": services.office_name_default(),
                "contact_name": request.user.get_full_name(),
                "items": [pk for pk in initial_items if pk.isdigit()],
            },
        )
    return render(
        request,
        "submissions/new.html",
        {
            "form": form,
            "issue": issue,
            "issues": selectors.issued_issues(),
        },
    )


def _submission_for(user, submission_id) -> Submission:
    require_editor(user)
    return get_object_or_404(
        Submission.objects.select_related("created_by"), pk=submission_id
    )


@login_required
@require_GET
def submission_detail(request, submission_id):
    submission = _submission_for(request.user, submission_id)
    return render(
        request,
        "submissions/detail.html",
        {"submission": submission, "entries": selectors.entries_of(submission)},
    )


def _docx_response(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=docx.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_GET
def submission_file(request, submission_id):
    """All the items of the 上报 in one .docx."""
    submission = _submission_for(request.user, submission_id)
    entries = selectors.entries_of(submission)
    name = docx.combined_name(submission)
    content = docx.submission_docx(submission, entries)
    services.record_download(request.user, submission, name)
    return _docx_response(name, content)


@login_required
@require_GET
def entry_file(request, submission_id, item_id):
    """One item of the 上报 in its own .docx."""
    submission = _submission_for(request.user, submission_id)
    entry = get_object_or_404(submission.entries, item_id=item_id)
    name = docx.entry_name(entry)
    content = docx.submission_docx(submission, [entry])
    services.record_download(request.user, submission, name)
    return _docx_response(name, content)
