from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from briefing.models import Issue
from core import roles


@login_required
def issue_list(request):
    if not roles.is_reader(request.user):
        raise Http404
    issues = (
        Issue.objects.filter(status=Issue.Status.ISSUED)
        .select_related("publication")
        .order_by("-issue_date", "-id")[:50]
    )
    return render(request, "briefing/issue_list.html", {"issues": issues})
