from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("widgets/institutions/<int:pk>/statuses/", views.widget_statuses, name="widget_statuses"),
    path("widgets/registry/", views.widget_registry, name="widget_registry"),
    path("widgets/events/", views.widget_events, name="widget_events"),
    path("widgets/ratings/<int:pk>/", views.widget_rating, name="widget_rating"),
]
