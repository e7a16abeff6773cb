from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("", views.home, name="home"),
    path("archive/<int:year>/", views.year, name="year"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path(
        "issues/<int:pk>/documents/<int:document_pk>/",
        views.document,
        name="document",
    ),
    path("issues/<int:pk>/receipts/", views.receipts, name="receipts"),
    path("issues/<int:pk>/remind/", views.remind, name="remind"),
    path(
        "issues/<int:pk>/items/<int:item_pk>/instruct/",
        views.instruction_create,
        name="instruction_create",
    ),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/unit/", views.unit_inbox, name="unit_inbox"),
    path("instructions/mine/", views.my_instructions, name="my_instructions"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path(
        "instructions/<int:pk>/sign/", views.instruction_sign, name="instruction_sign"
    ),
    path(
        "instructions/<int:pk>/feedback/",
        views.instruction_feedback,
        name="instruction_feedback",
    ),
    path(
        "instructions/<int:pk>/files/<int:attachment_pk>/",
        views.feedback_attachment,
        name="feedback_attachment",
    ),
    path("search/", views.search, name="search"),
]
