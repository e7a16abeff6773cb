"""约稿 pages: the editor's list, form and per-unit table with 催报; the unit's
view of a commission and the button that starts an answering item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from briefing.services.errors import WorkflowError
from core import roles

from . import permissions, selectors, services
from .forms import CommissionForm


def _visible_or_404(user, pk):
    commission = selectors.visible_commission(user, pk)
    if commission is None:
        raise Http404
    return commission


@login_required
@require_GET
def commission_list(request):
    if not permissions.may_manage(request.user):
        raise Http404
    commissions = list(selectors.commission_list())
    answered = selectors.answered_counts(commissions)
    now = timezone.now()
    rows = [
        {
            "commission": c,
            "asked": len(c.departments.all()),
            "answered": answered.get(c.pk, 0),
            "time_left": services.time_left(c.deadline, now),
            "open": c.deadline >= now,
        }
        for c in commissions
    ]
    return render(request, "commissions/list.html", {"rows": rows})


@login_required
def commission_create(request):
    if not permissions.may_manage(request.user):
        raise Http404
    return _form_view(request, None)


@login_required
def commission_edit(request, pk):
    commission = _visible_or_404(request.user, pk)
    if not permissions.may_manage(request.user):
        raise Http404
    return _form_view(request, commission)


def _form_view(request, commission):
    """新建约稿 / 修改约稿: the same form; the user's input is kept on refusal."""
    if request.method == "POST":
        form = CommissionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "topic": data["topic"],
                "guidance": data["guidance"],
                "departments": data["departments"],
                "deadline": data["deadline"],
                "issue": data["issue"],
                "section": data["section"],
                "reminder_offsets": data["reminder_hours"],
                "remind_when_late": data["remind_when_late"],
            }
            try:
                if commission is None:
                    saved = services.create_commission(request.user, **fields)
                else:
                    saved = services.update_commission(
                        commission, request.user, **fields
                    )
            except WorkflowError as exc:
                messages.error(request, exc.message)
            else:
                if commission is None:
                    done = f"已约稿，已通知 {len(data['departments'])} 个单位。"
                else:
                    done = "约稿已修改。"
                messages.success(request, done)
                return redirect("commissions:detail", saved.pk)
        else:
            messages.error(request, "请按提示修改后再保存。")
    elif commission is None:
        form = CommissionForm()
    else:
        form = CommissionForm(initial=CommissionForm.initial_for(commission))
    return render(
        request, "commissions/form.html", {"form": form, "commission": commission}
    )


@login_required
@require_GET
def commission_detail(request, pk):
    commission = _visible_or_404(request.user, pk)
    now = timezone.now()
    manage = permissions.may_manage(request.user)
    department = None if manage else roles.membership(request.user).department
    rows = selectors.unit_rows(commission, now, department=department)
    return render(
        request,
        "commissions/detail.html",
        {
            "commission": commission,
            "rows": rows,
            "manage": manage,
            "waiting": sum(1 for row in rows if not row.answered),
            "time_left": services.time_left(commission.deadline, now),
            "closed": now > commission.deadline,
            "may_answer": not manage
            and permissions.may_answer(request.user, commission),
        },
    )


@login_required
@require_POST
def commission_remind(request, pk):
    commission = _visible_or_404(request.user, pk)
    if not permissions.may_manage(request.user):
        raise Http404
    try:
        sent = services.remind_now(commission, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已催报 {sent} 个尚未报送的单位。")
    return redirect("commissions:detail", commission.pk)


@login_required
@require_POST
def commission_answer(request, pk):
    commission = _visible_or_404(request.user, pk)
    if not permissions.may_answer(request.user, commission):
        raise Http404
    try:
        item = services.start_answer(commission, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("commissions:detail", commission.pk)
    messages.success(
        request, "已新建回应本次约稿的稿件草稿，请撰写正文后提交（提交后计为已报送）。"
    )
    return redirect("briefing:item_edit", item.pk)
