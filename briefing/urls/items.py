from django.urls import path

from briefing.views import items

urlpatterns = [
    path("items/mine/", items.my_items, name="my_items"),
    path("inbox/", items.inbox, name="inbox"),
]
