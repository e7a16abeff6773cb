from django.contrib import admin
from django.urls import include, path

from briefing.views import items as briefing_item_views

admin.site.site_header = "政务信息简报系统 · 管理"
admin.site.site_title = "简报系统管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("briefing.urls")),
    path("audit/", include("audit.urls")),
    path("stats/", include("assessment.urls")),
    path("read/", include("reading.urls")),
    path("commissions/", include("commissions.urls")),
    path("submissions/", include("submissions.urls")),
    path("calendar/", include("planning.urls")),
    path("", include("notifications.urls")),
    # CKEditor 5 posts its image uploads to the URL named ck_editor_5_upload_file;
    # ours checks the role, the size and the type, and stores the file privately
    # (the package's own view keeps the user's filename in public storage).
    path(
        "ckeditor5/image_upload/",
        briefing_item_views.image_upload,
        name="ck_editor_5_upload_file",
    ),
    path("admin/", admin.site.urls),
]
