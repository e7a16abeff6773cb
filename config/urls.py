from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "政务信息简报系统 · 管理"
admin.site.site_title = "简报系统管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("briefing.urls")),
    path("admin/", admin.site.urls),
]
