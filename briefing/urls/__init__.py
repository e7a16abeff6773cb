from . import issues, items

app_name = "briefing"
urlpatterns = items.urlpatterns + issues.urlpatterns
