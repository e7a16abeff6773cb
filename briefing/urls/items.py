from django.urls import path

from briefing.views import items

urlpatterns = [
    path("items/mine/", items.my_items, name="my_items"),
    path("inbox/", items.inbox, name="inbox"),
    path("inbox/batch/", items.inbox_batch, name="inbox_batch"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:pk>/", items.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/copyedit/", items.item_editor_edit, name="item_editor_edit"),
    path("items/<int:pk>/diff/", items.item_diff, name="item_diff"),
    path("items/<int:pk>/move/<slug:move>/", items.item_move, name="item_move"),
    path("items/<int:pk>/special/", items.item_make_special, name="item_make_special"),
    path(
        "items/<int:pk>/duplicates/<int:other_pk>/",
        items.item_duplicate,
        name="item_duplicate",
    ),
    path(
        "items/<int:pk>/duplicates/<int:other_pk>/proceed/",
        items.item_duplicate_proceed,
        name="item_duplicate_proceed",
    ),
    path(
        "items/<int:pk>/attachments/<int:attachment_pk>/",
        items.attachment_download,
        name="attachment_download",
    ),
    path(
        "items/<int:pk>/attachments/<int:attachment_pk>/delete/",
        items.attachment_delete,
        name="attachment_delete",
    ),
    path("items/images/<str:name>", items.editor_image, name="editor_image"),
]
