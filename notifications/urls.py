from django.urls import path

from . import views

app_name = "notifications"

# Mounted under accounts/, where these pages have always been: people's calendar programs
# keep fetching the feed from the address they were given.
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("calendar/<str:token>/deadlines.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
]
