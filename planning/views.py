"""出刊日历 pages: the month calendar (editors and unit members, each their
part: see planning.selectors), and the editor's page of one planned issue with
开始组稿, 调整 and 取消."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from briefing.services.errors import WorkflowError

from . import dates, permissions, selectors, services
from .forms import CancelPlanForm, MovePlanForm

# Months the calendar pages outside of: nothing is planned that far.
YEARS = range(2000, 2101)


@login_required
@require_GET
def calendar_month(request, year=None, month=None):
    if not permissions.may_see_calendar(request.user):
        raise Http404
    now = timezone.now()
    if year is None:
        today = timezone.localdate(now)
        year, month = today.year, today.month
    if year not in YEARS or not 1 <= month <= 12:
        raise Http404
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=31)
    weeks = selectors.month_calendar(request.user, year, month, now)
    return render(
        request,
        "planning/month.html",
        {
            "first": first,
            "weeks": weeks,
            "empty": not any(day.entries for week in weeks for day in week),
            "weekday_heads": selectors.WEEKDAY_HEADS,
            "previous": previous if previous.year in YEARS else None,
            "following": following if following.year in YEARS else None,
            "manage": permissions.may_manage(request.user),
        },
    )


def _plan_or_404(request, pk):
    plan = selectors.visible_plan(request.user, pk)
    if plan is None:
        raise Http404
    return plan


def _render_plan(request, plan, *, move_form=None, cancel_form=None, status=200):
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "issue_date_label": dates.day_label(plan.current_issue_date),
            "deadline_label": dates.moment_label(plan.deadline),
            "time_left": selectors.time_left(plan.deadline, timezone.now()),
            "move_form": move_form or MovePlanForm.for_plan(plan),
            "cancel_form": cancel_form or CancelPlanForm(),
        },
        status=status,
    )


@login_required
@require_GET
def plan_detail(request, pk):
    return _render_plan(request, _plan_or_404(request, pk))


def _change_plan(request, pk, form_class, change, *, done, invalid, form_name):
    """调整 and 取消: parse the form, call the service, show the page again
    with the form and its errors when the input or the service refuses."""
    plan = _plan_or_404(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            change(plan, request.user, **form.cleaned_data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect("planning:plan_detail", plan.pk)
    else:
        messages.error(request, invalid)
    return _render_plan(request, plan, **{form_name: form})


@login_required
@require_POST
def plan_move(request, pk):
    return _change_plan(
        request,
        pk,
        MovePlanForm,
        services.move_plan,
        done="已调整印发日期和截稿时间。",
        invalid="请按提示修改后再保存。",
        form_name="move_form",
    )


@login_required
@require_POST
def plan_cancel(request, pk):
    return _change_plan(
        request,
        pk,
        CancelPlanForm,
        services.cancel_plan,
        done="已取消这一期计划。",
        invalid="请写明取消的原因。",
        form_name="cancel_form",
    )


@login_required
@require_POST
def plan_open(request, pk):
    plan = _plan_or_404(request, pk)
    try:
        issue = services.open_plan(plan, request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("planning:plan_detail", plan.pk)
    messages.success(request, "已开始组稿，请在下方组版（签发时才编期号）。")
    return redirect("briefing:issue_detail", issue.pk)
