from django.urls import path

from briefing.views import issues

urlpatterns = [
    path("issues/", issues.issue_list, name="issue_list"),
]
