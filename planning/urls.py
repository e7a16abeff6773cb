from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.calendar_month, name="month"),
    path("<int:year>/<int:month>/", views.calendar_month, name="month_of"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/move/", views.plan_move, name="plan_move"),
    path("plans/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("plans/<int:pk>/open/", views.plan_open, name="plan_open"),
]
