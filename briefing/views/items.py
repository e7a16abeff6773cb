"""Item pages: the clerk's list and form, the editors' inbox, item detail, moves."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from briefing import permissions, urgent, workflow
from briefing.diff import diff_rows
from briefing.filters import InboxFilter
from briefing.forms.items import (
    AdoptForm,
    ApproveForm,
    DuplicateProceedForm,
    EditorItemForm,
    InboxBatchForm,
    ItemForm,
    NotUseForm,
    PlaceForm,
    ReturnForm,
    VersionForm,
    ticked_items,
)
from briefing.importing import (
    WordImportError,
    docx_to_html,
    join_hard_breaks,
    paragraphs_to_html,
)
from briefing.models import Attachment, Item
from briefing.selectors import items as selectors
from briefing.services import issues as issue_services
from briefing.services import items as services
from briefing.services.errors import StaleVersionError, WorkflowError
from briefing.uploads import (
    EDITOR_IMAGE_DIR,
    IMAGE_TYPES,
    download_response,
)
from core import roles

PAGE_SIZE = 25


def _visible_or_404(user, pk) -> Item:
    item = selectors.get_visible_item(user, pk)
    if item is None:
        raise Http404
    return item


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- lists -----------------------------------------------------------------------


@login_required
@require_GET
def my_items(request):
    """我的稿件: the unit's items, their status, last change and next step."""
    m = roles.membership(request.user)
    if m is None:
        raise Http404
    items = selectors.unit_items(request.user)
    counts = selectors.status_counts(items)
    status = request.GET.get("status", "")
    if status in Item.Status.values:
        items = items.filter(status=status)
    tabs = [
        (value, label, counts.get(value, 0))
        for value, label in Item.Status.choices
        if counts.get(value)
    ]
    return render(
        request,
        "briefing/items/my_items.html",
        {
            "page": _page(
                request,
                selectors.with_latest_opinion(items).order_by("-updated_at", "-id"),
            ),
            "query": _query_without_page(request),
            "tabs": tabs,
            "total": sum(counts.values()),
            "current_status": status,
            "is_reviewer": roles.is_unit_reviewer(request.user),
            "pending_review": counts.get(Item.Status.PENDING_REVIEW, 0),
            "can_create": permissions.can_create_item(request.user),
            "department": m.department,
        },
    )


@login_required
@require_GET
def inbox(request):
    """收稿箱: items that reached the editors, filtered, sorted and paginated."""
    if not roles.sees_every_unit(request.user):
        raise Http404
    units, sections = selectors.units_and_sections()
    # Built once: the counts and the filters each take their own copy.
    inbox_items = selectors.inbox_items(request.user)
    counts = selectors.status_counts(inbox_items)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Item.Status.SUBMITTED
    filterset = InboxFilter(data, inbox_items, units=units, sections=sections)
    items = filterset.qs
    if not data.get("ordering"):
        items = selectors.urgent_first(items)
    tabs = [
        (value, label, counts.get(value, 0))
        for value, label in Item.Status.choices
        if value in workflow.EDITOR_STATES or counts.get(value)
    ]
    paginator = Paginator(items, PAGE_SIZE)
    if filterset.is_valid() and not any(
        value
        for name, value in filterset.form.cleaned_data.items()
        if name not in ("status", "ordering")
    ):
        # Only the status tab narrows the list: its count is already known
        # exactly from the tab counts (saves a COUNT over the whole inbox).
        status = filterset.form.cleaned_data.get("status")
        paginator.count = counts.get(status, 0) if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_list_relations(page.object_list, units, sections)
    return render(
        request,
        "briefing/items/inbox.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query_without_page(request),
            "tabs": tabs,
            "total": sum(counts.values()),
            "current_status": data.get("status", ""),
            "params": request.GET,
            # Ticking rows for 批量处理: editors only (as the moves themselves).
            "batch_form": InboxBatchForm() if roles.is_editor(request.user) else None,
        },
    )


@login_required
@require_POST
def inbox_batch(request):
    """批量处理 from the inbox: one move on each ticked item, each by its own
    audited service call; what could not be done is said by title."""
    if not roles.is_editor(request.user):
        raise Http404
    back = _inbox_url(request.POST.get("query", ""))
    form = InboxBatchForm(request.POST)
    ticked = ticked_items(request.POST.getlist("items"))
    if not form.is_valid() or not ticked:
        if not ticked:
            messages.error(request, "请先勾选要处理的稿件。")
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        _keep_typed_text(request)
        return redirect(back)
    move = form.cleaned_data["move"]
    # In the order of the list the user saw; ids they may not see are dropped.
    found = {
        item.pk: item
        for item in selectors.visible_items(request.user).filter(pk__in=ticked)
    }
    items = [found[pk] for pk in ticked if pk in found]
    outcome = services.move_each(
        items, request.user, move, form.text(), versions=ticked
    )
    if outcome.done:
        titles = "".join(f"《{item.title}》" for item in outcome.done)
        messages.success(
            request, BATCH_DONE[move].format(n=len(outcome.done), titles=titles)
        )
    if outcome.refused:
        reasons = "；".join(f"《{item.title}》：{why}" for item, why in outcome.refused)
        messages.error(
            request,
            f"以下 {len(outcome.refused)} 篇未能{form.ACTIONS[move]}：{reasons}",
        )
    if len(items) < len(ticked):
        messages.error(
            request, f"有 {len(ticked) - len(items)} 篇稿件不存在或您无权查看，未处理。"
        )
    if outcome.refused and form.text():
        _keep_typed_text(request)
    return redirect(back)


BATCH_DONE = {
    "adopt": "已采用 {n} 篇，进入待编池（组版时在组版页编入）：{titles}",
    "return": "已退回 {n} 篇，并已通知信息员：{titles}",
    "not_use": "已将 {n} 篇标为未采用：{titles}",
}


def _inbox_url(query: str) -> str:
    """The inbox with the filters the user had (only ever our own path)."""
    query = QueryDict(query).urlencode()
    return reverse("briefing:inbox") + (f"?{query}" if query else "")


def _keep_typed_text(request):
    """The 退回意见 / 不采用原因 typed, shown back so it is not lost."""
    for field, what in (("comment", "退回意见"), ("reason", "不采用原因")):
        text = request.POST.get(field, "").strip()
        if text:
            messages.warning(request, f"您填写的{what}如下，可复制后重新提交：{text}")


# --- the clerk's form ---------------------------------------------------------------


def _helper_action(request, form_class, action, template, context):
    """导入Word / 合并硬换行: fill the body and show the form again, unsaved."""
    data = request.POST.copy()
    if action == "import_word":
        uploaded = request.FILES.get("word_file")
        if not uploaded:
            messages.error(request, "请先选择要导入的 .docx 文件。")
        else:
            form = form_class(data, {"word_file": uploaded})
            form.is_valid()
            if "word_file" in form.errors:
                messages.error(request, " ".join(form.errors["word_file"]))
            else:
                try:
                    data["body"] = docx_to_html(uploaded)
                except WordImportError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(
                        request, "已从 Word 文件导入正文（尚未保存），请核对后保存。"
                    )
    else:
        paragraphs = join_hard_breaks(data.get("pasted_text", ""))
        if paragraphs:
            data["body"] = data.get("body", "") + paragraphs_to_html(paragraphs)
            data["pasted_text"] = ""
            messages.success(
                request, f"已合并为 {len(paragraphs)} 段并追加到正文（尚未保存）。"
            )
        else:
            messages.error(request, "请先在“粘贴带硬换行的文字”中粘贴文字。")
    # Bound (so the user's text stays) but not validated: nothing was saved yet.
    context["form"] = form_class(data)
    context["helper"] = True
    return render(request, template, context)


def _item_form_view(request, item=None):
    template = "briefing/items/item_form.html"
    context = {
        "item": item,
        "max_bytes": _max_bytes(),
        "length_guide": selectors.length_guide(item),
    }
    if request.method == "POST":
        context["dropped_files"] = _dropped_files(request)
        action = request.POST.get("action", "save")
        if action in {"import_word", "merge_lines"}:
            return _helper_action(request, ItemForm, action, template, context)
        form = ItemForm(request.POST, request.FILES, editing=item is not None)
        if form.is_valid():
            try:
                saved = services.save_item(
                    request.user,
                    item,
                    version=form.cleaned_data.get("version"),
                    files=form.cleaned_data["attachments"],
                    submit=action == "submit",
                    **form.item_fields(),
                )
            except StaleVersionError:
                context["stale"] = True  # the page says what to do
            except WorkflowError as exc:
                messages.error(request, exc.message)
            else:
                _report_tidying(request, saved)
                if action == "submit":
                    messages.success(
                        request,
                        f"已提交，当前状态：{saved.get_status_display()}。",
                    )
                    _warn_duplicates(request, saved)
                    return redirect("briefing:item_detail", saved.pk)
                messages.success(request, "草稿已保存。")
                _warn_duplicates(request, saved)
                return redirect("briefing:item_edit", saved.pk)
        else:
            messages.error(request, "请按提示修改后再保存。")
    else:
        initial = ItemForm.initial_for(item) if item else {}
        if item is None:
            initial["contact_name"] = request.user.get_full_name()
        form = ItemForm(initial=initial)
    context["form"] = form
    return render(request, template, context)


def _warn_duplicates(request, item):
    """After 保存/提交/采用: say so when the text is a suspected duplicate
    that no editor has decided on (the move itself went through); to the
    editors, also when another unit's item seems to tell the same event."""
    warning = selectors.duplicate_warning(request.user, item)
    if warning:
        messages.warning(request, warning + "。")
    note = selectors.same_event_note(request.user, item)
    if note:
        messages.info(request, note + "。")


def _report_tidying(request, saved):
    """What the paste hygiene did to the text, and what it asks the user to check."""
    if saved.tidied.summary:
        messages.info(request, saved.tidied.summary)
    for warning in saved.tidied.warnings:
        messages.warning(request, warning)


def _dropped_files(request) -> list[str]:
    """The attachments chosen for this POST: a browser never refills a file
    input, so whenever the form comes back they are gone and the user must be
    told (includes/dropped_files.html)."""
    return [uploaded.name for uploaded in request.FILES.getlist("attachments")]


def _max_bytes():
    return settings.UPLOAD_MAX_BYTES


@login_required
def item_create(request):
    if not permissions.can_create_item(request.user):
        raise Http404
    return _item_form_view(request)


@login_required
def item_edit(request, pk):
    item = _visible_or_404(request.user, pk)
    if not permissions.can_edit_as_clerk(request.user, item):
        raise Http404
    return _item_form_view(request, item)


PUBLISHED_NOT_EDITABLE = (
    "这篇稿件已随《{name}》{number}签发，不能再编辑修改。"
    "如需改正文字，请由签发人或管理员在该期页面发布更正版。"
)


@login_required
def item_editor_edit(request, pk):
    """The editor's copy-edit (稿件在编辑中且由本人领取，或已采用未签发)."""
    item = _visible_or_404(request.user, pk)
    if item.status == Item.Status.PUBLISHED and roles.is_editor(request.user):
        # An old link (a notification, a bookmark): say why, and where 更正 is.
        messages.error(
            request,
            PUBLISHED_NOT_EDITABLE.format(
                name=item.issue.publication.name, number=item.issue.number_label
            ),
        )
        return redirect("briefing:item_detail", item.pk)
    if not permissions.can_edit_as_editor(request.user, item):
        raise Http404
    if request.method != "POST" and "editor_save" not in _offered_moves(
        request.user, item
    ):
        messages.error(request, services.ISSUE_FROZEN)
        return redirect("briefing:item_detail", item.pk)
    context = {
        "item": item,
        "max_bytes": _max_bytes(),
        "length_guide": selectors.length_guide(item),
    }
    if request.method == "POST":
        form = EditorItemForm(request.POST, request.FILES)
        context["dropped_files"] = _dropped_files(request)
        if form.is_valid():
            try:
                saved = services.editor_save_item(
                    item,
                    request.user,
                    version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["attachments"],
                )
            except StaleVersionError as exc:
                messages.error(request, exc.message)
                context["stale"] = True
            except WorkflowError as exc:
                messages.error(request, exc.message)
            else:
                _report_tidying(request, saved)
                messages.success(request, "修改已保存为新的修订稿。")
                return redirect("briefing:item_detail", item.pk)
    else:
        form = EditorItemForm(
            initial={"title": item.title, "body": item.body, "version": item.version}
        )
    context["form"] = form
    return render(request, "briefing/items/editor_form.html", context)


# --- item page -------------------------------------------------------------------


# Moves on an adopted item that change what the issue prints: offered only while
# the issue is 组稿中 (the services refuse them after that as well).
COMPOSING_MOVES = {"editor_save", "remove_from_issue", "to_pool"}


def _offered_moves(user, item) -> list[str]:
    """The moves to show buttons for: the workflow's, less those the issue's
    state rules out (so nobody does the work for a move that must fail)."""
    moves = workflow.available_moves(user, item)
    if not services.issue_still_composed(item):
        moves = [move for move in moves if move not in COMPOSING_MOVES]
    return moves


@login_required
@require_GET
def item_detail(request, pk):
    return _render_item(request, _visible_or_404(request.user, pk))


def _render_item(request, item, *, bound=None, unsent=None, status=200):
    """The item page; ``bound`` maps a move to its form as the user filled it,
    ``unsent`` is (what, text) typed for a move no longer offered."""
    moves = _offered_moves(request.user, item)
    revisions = list(selectors.revisions(item))
    events = list(selectors.timeline(item))
    bound = bound or {}
    initial = {"version": item.version}
    context = {
        "item": item,
        "moves": moves,
        "button_moves": [move for move in moves if move in SIMPLE_MOVES],
        "events": events,
        "opinion": selectors.latest_opinion(item, events),
        "revisions": revisions,
        "attachments": item.attachments.select_related("uploaded_by"),
        "next_step": workflow.NEXT_STEP.get(workflow.state_of(item), ""),
        "return_form": bound.get("return") or ReturnForm(initial=initial),
        "not_use_form": bound.get("not_use") or NotUseForm(initial=initial),
        "approve_form": bound.get("approve") or ApproveForm(initial=initial),
        "version_form": VersionForm(initial=initial),
        "unsent": unsent,
        "written_report": urgent.written_report(item, events),
        "urgent_rule": urgent.rule_text() if item.is_urgent else "",
        "can_make_special": item.is_urgent
        and "adopt" in moves
        and workflow.may_make_issue_move(request.user, "create"),
        # 疑似重复: the clerk is warned (another unit's item without its
        # title), the editors decide.
        "duplicates": selectors.suspected_duplicates(request.user, item),
        "may_decide_duplicates": roles.is_editor(request.user),
        # 疑似同一事件: a softer hint, for the editors only.
        "same_event": selectors.same_event_items(request.user, item),
    }
    if item.status == Item.Status.PUBLISHED and item.issue_id:
        context["may_correct"] = workflow.may_make_issue_move(request.user, "correct")
        context["sees_issue"] = permissions.can_see_all_issues(request.user)
    initial = {"version": item.version, "section": item.suggested_section_id}
    if "adopt" in moves:
        context["adopt_form"] = bound.get("adopt") or AdoptForm(initial=initial)
    if "place" in moves:
        context["place_form"] = bound.get("place") or PlaceForm(initial=initial)
    if "adopt" in moves or "place" in moves:
        # No issue to adopt into: say where one is made, for those who may.
        context["may_create_issue"] = workflow.issue_allows(
            request.user, None, "create"
        )
    return render(request, "briefing/items/item_detail.html", context, status=status)


def _text_kept(request, pk, move, status):
    """After a refused move that carried text: the item page as it is now, with
    the text back in its form if the move is still offered, else shown to copy.

    The form gets the version now shown, so a resubmission is judged against
    what the user sees.
    """
    field, what = TEXT_MOVES[move]
    text = request.POST.get(field, "").strip()
    item = selectors.get_visible_item(request.user, pk)
    if item is None:
        if text:
            messages.warning(request, f"您填写的{what}未提交，内容如下：{text}")
        return redirect("home")
    if move in _offered_moves(request.user, item):
        data = request.POST.copy()
        data["version"] = item.version
        if status == 400:
            messages.error(request, "请按提示修改后再提交。")
        elif text:
            messages.info(
                request,
                f"您填写的{what}仍在下方。页面已显示稿件的最新情况，核对后可再次提交。",
            )
        return _render_item(
            request, item, bound={move: MOVE_FORMS[move](data)}, status=status
        )
    return _render_item(
        request, item, unsent=(what, text) if text else None, status=status
    )


MOVE_FORMS = {
    "return": ReturnForm,
    "not_use": NotUseForm,
    "adopt": AdoptForm,
    "place": PlaceForm,
    "approve": ApproveForm,
}
# Moves whose form carries the user's own words: its field and what it is called.
TEXT_MOVES = {
    "return": ("comment", "退回意见"),
    "not_use": ("reason", "不采用原因"),
    "approve": ("comment", "审核意见"),
}
SIMPLE_MOVES = {
    "submit": services.submit_item,
    "withdraw": services.withdraw_item,
    "claim": services.claim_item,
    "release": services.release_item,
    "remove_from_issue": services.remove_from_issue,
    "to_pool": services.return_to_pool,
    "unadopt": services.unadopt_item,
}
DONE = {
    "submit": "已提交。",
    "approve": "已审核通过，稿件已报送编辑。",
    "withdraw": "已撤回。",
    "claim": "已领取，您现在可以编辑这篇稿件。",
    "release": "已释放，稿件回到收稿箱。",
    "remove_from_issue": "已撤出本期，稿件回到编辑中。",
    "return": "已退回，并已通知信息员。",
    "not_use": "已标为未采用。",
    "adopt": "已采用。",
    "adopt_to_pool": "已采用，稿件在待编池中（已采用，待编入），组版时在组版页编入。",
    "place": "已编入本期。",
    "to_pool": "已移回待编池，组版时可再编入。",
    "unadopt": "已撤销采用，稿件回到编辑中（由您处理）。",
}


@login_required
@require_POST
def item_move(request, pk, move):
    """One workflow move from the item page; the service checks everything."""
    item = _visible_or_404(request.user, pk)
    if move not in SIMPLE_MOVES and move not in MOVE_FORMS:
        raise Http404
    form = MOVE_FORMS.get(move, VersionForm)(request.POST)
    if not form.is_valid():
        if move in TEXT_MOVES:
            return _text_kept(request, item.pk, move, status=400)
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("briefing:item_detail", item.pk)
    data = form.cleaned_data
    version = data.get("version")
    try:
        if move == "return":
            services.return_item(item, request.user, data["comment"], version=version)
        elif move == "approve":
            services.approve_item(item, request.user, data["comment"], version=version)
        elif move == "not_use":
            services.not_use_item(
                item,
                request.user,
                data["reason"],
                keep_for_later=data["keep_for_later"],
                version=version,
            )
        elif move == "adopt":
            services.adopt_item(
                item, data["issue"], data["section"], request.user, version=version
            )
        elif move == "place":
            services.place_item(
                item, data["issue"], data["section"], request.user, version=version
            )
        else:
            SIMPLE_MOVES[move](item, request.user, version=version)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        # Words typed come back (an optional 审核意见 left blank: nothing to keep).
        if move in TEXT_MOVES and data.get(TEXT_MOVES[move][0]):
            return _text_kept(request, item.pk, move, status=409)
    else:
        pooled = move == "adopt" and data["issue"] is None
        messages.success(request, DONE["adopt_to_pool" if pooled else move])
        if not permissions.can_view_item(request.user, item):
            return redirect("home")
        if move in {"submit", "adopt"}:
            _warn_duplicates(request, item)
    return redirect("briefing:item_detail", item.pk)


@login_required
@require_POST
def item_make_special(request, pk):
    """作为专报编发: a 专报 issue holding this urgent item alone, then its
    compose page (the service checks who and when)."""
    item = _visible_or_404(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("briefing:item_detail", item.pk)
    version = form.cleaned_data.get("version")
    try:
        issue = issue_services.make_special_issue(item, request.user, version=version)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("briefing:item_detail", item.pk)
    messages.success(
        request,
        f"已作为专报编入《{issue.publication.name}》新的一期，"
        "请核对分发范围后提交签发。",
    )
    return redirect("briefing:issue_detail", issue.pk)


@login_required
@require_GET
def item_diff(request, pk):
    """Two revisions side by side (default: the last two)."""
    item = _visible_or_404(request.user, pk)
    revisions = list(selectors.revisions(item))
    if len(revisions) < 1:
        raise Http404
    by_number = {r.number: r for r in revisions}

    def pick(name, default):
        try:
            return by_number[int(request.GET.get(name, default))]
        except (KeyError, ValueError):
            raise Http404 from None

    newest = revisions[-1].number
    old = pick("a", revisions[-2].number if len(revisions) > 1 else newest)
    new = pick("b", newest)
    rows = diff_rows(old.title, old.body, new.title, new.body)
    return render(
        request,
        "briefing/items/item_diff.html",
        {
            "item": item,
            "revisions": revisions,
            "old": old,
            "new": new,
            "rows": rows,
            "changed": any(row.kind != "equal" for row in rows),
        },
    )


# --- 疑似重复 ----------------------------------------------------------------------


def _pair_or_404(user, pk, other_pk) -> tuple[Item, Item]:
    """Both items, if ``user`` may see both (404 otherwise)."""
    if pk == other_pk:
        raise Http404
    return _visible_or_404(user, pk), _visible_or_404(user, other_pk)


@login_required
@require_GET
def item_duplicate(request, pk, other_pk):
    """An item beside a suspected duplicate, with what the editor may decide."""
    item, other = _pair_or_404(request.user, pk, other_pk)
    return _render_duplicate(request, item, other)


def _render_duplicate(request, item, other, *, proceed_form=None, status=200):
    user = request.user
    decision = selectors.duplicate_decision(item, other)
    rows = diff_rows(other.title, other.body, item.title, item.body)
    undecided = decision is None and roles.is_editor(user)
    context = {
        "item": item,
        "other": other,
        "similarity": selectors.pair_similarity(item, other),
        "decision": decision,
        "rows": rows,
        "may_decide": undecided,
        "proceed_form": proceed_form or DuplicateProceedForm(),
        "return_form": ReturnForm(initial={"version": item.version}),
        "may_return": undecided and workflow.allows(user, item, "return"),
        # Merge keeps one item and closes the other (不采用): offered for each
        # way round the workflow allows, when the units differ.
        "merges": [
            (kept, closed)
            for kept, closed in ((item, other), (other, item))
            if undecided
            and kept.department_id != closed.department_id
            and workflow.allows(user, closed, "not_use")
        ],
    }
    return render(request, "briefing/items/item_duplicate.html", context, status=status)


@login_required
@require_POST
def item_duplicate_proceed(request, pk, other_pk):
    """The editor: not a duplicate, go on; the reason is kept and audited."""
    if not roles.is_editor(request.user):
        raise Http404
    item, other = _pair_or_404(request.user, pk, other_pk)
    form = DuplicateProceedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请按提示修改后再提交。")
        return _render_duplicate(request, item, other, proceed_form=form, status=400)
    try:
        services.clear_duplicate(item, other, request.user, form.cleaned_data["reason"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _render_duplicate(request, item, other, proceed_form=form, status=409)
    messages.success(request, "已记录：两篇不是重复稿件。")
    return redirect("briefing:item_detail", item.pk)


# --- files ---------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """Attachments only ever as downloads, with the type checked at upload."""
    item = _visible_or_404(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, item=item)
    return download_response(attachment)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    item = _visible_or_404(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, item=item)
    try:
        services.remove_attachment(attachment, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除附件“{attachment.original_name}”。")
    target = request.POST.get("next")
    if target == "edit" and permissions.can_edit_as_clerk(request.user, item):
        return redirect("briefing:item_edit", item.pk)
    if target == "copyedit" and permissions.can_edit_as_editor(request.user, item):
        return redirect("briefing:item_editor_edit", item.pk)
    return redirect("briefing:item_detail", item.pk)


IMAGE_NAME_RE = re.compile(r"[0-9a-f]{32}\.(png|jpg)")


@login_required
@require_POST
def image_upload(request):
    """CKEditor's image upload: checked, stored privately, served by editor_image."""
    if not permissions.may_upload_images(request.user):
        return JsonResponse({"error": {"message": "您无权上传图片。"}}, status=403)
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return JsonResponse({"error": {"message": "没有收到图片。"}}, status=400)
    try:
        name = services.upload_editor_image(request.user, uploaded)
    except ValidationError as exc:
        return JsonResponse({"error": {"message": " ".join(exc.messages)}}, status=400)
    return JsonResponse({"url": reverse("briefing:editor_image", args=[name])})


@login_required
@require_GET
def editor_image(request, name):
    """An image in an item's text, for those who may see that item."""
    match = IMAGE_NAME_RE.fullmatch(name)
    if match is None or selectors.visible_editor_image(request.user, name) is None:
        raise Http404
    try:
        handle = default_storage.open(f"{EDITOR_IMAGE_DIR}/{name}", "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=IMAGE_TYPES[match.group(1)])
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
