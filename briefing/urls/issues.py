from django.urls import path

from briefing.views import issues

urlpatterns = [
    path("issues/", issues.issue_list, name="issue_list"),
    path("issues/new/", issues.issue_create, name="issue_create"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/settings/", issues.issue_update, name="issue_update"),
    path(
        "issues/<int:pk>/sections/order/",
        issues.section_order,
        name="issue_section_order",
    ),
    path(
        "issues/<int:pk>/sections/<int:section_pk>/move/",
        issues.section_move,
        name="issue_section_move",
    ),
    path(
        "issues/<int:pk>/sections/<int:section_pk>/remove/",
        issues.section_remove,
        name="issue_section_remove",
    ),
    path(
        "issues/<int:pk>/sections/<int:section_pk>/items/order/",
        issues.item_order,
        name="issue_item_order",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/move/",
        issues.item_move,
        name="issue_item_move",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/section/",
        issues.item_section,
        name="issue_item_section",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/remove/",
        issues.item_remove,
        name="issue_item_remove",
    ),
    path(
        "issues/<int:pk>/items/<int:item_pk>/to-pool/",
        issues.item_to_pool,
        name="issue_item_to_pool",
    ),
    path(
        "issues/<int:pk>/pool/<int:item_pk>/place/",
        issues.item_place,
        name="issue_item_place",
    ),
    path("issues/<int:pk>/preview/", issues.preview_html, name="issue_preview"),
    path("issues/<int:pk>/preview.pdf", issues.preview_pdf, name="issue_preview_pdf"),
    path("issues/<int:pk>/submit/", issues.issue_submit, name="issue_submit"),
    path("issues/<int:pk>/sign/", issues.issue_sign_off, name="issue_sign_off"),
    path("issues/<int:pk>/send-back/", issues.issue_send_back, name="issue_send_back"),
    path("issues/<int:pk>/correction/", issues.issue_correct, name="issue_correct"),
    path(
        "issues/<int:pk>/documents/<int:document_pk>/download/",
        issues.document_download,
        name="issue_document_download",
    ),
    path(
        "issues/<int:pk>/documents/<int:document_pk>/docx/",
        issues.document_docx,
        name="issue_document_docx",
    ),
]
