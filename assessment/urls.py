from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("export.<str:fmt>", views.export, name="export"),
    path("units/<int:department_id>/", views.unit, name="unit"),
    path("units/<int:department_id>/<str:metric>/", views.drill, name="drill"),
    path("records/", views.records, name="records"),
    path("items/<int:item_id>/", views.item_records, name="item"),
    path("items/<int:item_id>/credits/", views.item_credits, name="item_credits"),
    path("items/<int:item_id>/higher/", views.item_higher, name="item_higher"),
    path("items/<int:kept_id>/merge/<int:other_id>/", views.merge, name="merge"),
    path(
        "items/<int:item_id>/instruction/",
        views.item_instruction,
        name="item_instruction",
    ),
    path(
        "records/<str:kind>/<int:record_id>/delete/",
        views.delete_record,
        name="delete_record",
    ),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:rule_set_id>/", views.rule_edit, name="rule_edit"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin_detail"),
    path(
        "bulletins/<int:bulletin_id>/file.<str:fmt>",
        views.bulletin_file,
        name="bulletin_file",
    ),
]
