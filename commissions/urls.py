from django.urls import path

from . import views

app_name = "commissions"
urlpatterns = [
    path("", views.commission_list, name="list"),
    path("new/", views.commission_create, name="create"),
    path("<int:pk>/", views.commission_detail, name="detail"),
    path("<int:pk>/edit/", views.commission_edit, name="edit"),
    path("<int:pk>/remind/", views.commission_remind, name="remind"),
    path("<int:pk>/answer/", views.commission_answer, name="answer"),
]
