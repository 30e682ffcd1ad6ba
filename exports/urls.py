from django.urls import path

from . import views

app_name = "exports"

# Mounted under accounts/exports/, where these pages have always been.
urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
