from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core import roles


@login_required
def my_items(request):
    if roles.membership(request.user) is None:
        raise Http404
    return render(request, "briefing/placeholder.html", {"title": "我的稿件"})


@login_required
def inbox(request):
    if not roles.is_editor(request.user):
        raise Http404
    return render(request, "briefing/placeholder.html", {"title": "收稿箱"})
