from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/start/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("calendar/<str:token>/deadlines.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
]
