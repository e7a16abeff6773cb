from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submission_new, name="new"),
    path("<int:submission_id>/", views.submission_detail, name="detail"),
    path("<int:submission_id>/file.docx", views.submission_file, name="file"),
    path(
        "<int:submission_id>/items/<int:item_id>.docx",
        views.entry_file,
        name="entry_file",
    ),
]
