from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.results, name="results"),
    path("<int:pk>/institutions/<int:institution_pk>/", views.institution_results, name="institution_results"),
    path("<int:pk>/rating.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/rating.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/my-card/", views.my_card, name="my_card"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/action/", views.campaign_action, name="campaign_action"),
    path("<int:pk>/interviews/", views.interviews, name="interviews"),
    path("<int:pk>/interviews.ics", views.interviews_ics, name="interviews_ics"),
    path("cards/<int:pk>/", views.card, name="card"),
    path("cards/<int:pk>/appeal/", views.card_appeal, name="card_appeal"),
    path("cards/<int:pk>/verify/", views.verify, name="verify"),
    path("cards/<int:pk>/accept-all/", views.accept_all, name="accept_all"),
    path("entries/<int:pk>/evidence/", views.entry_evidence, name="entry_evidence"),
    path("slots/<int:pk>/book/", views.slot_book, name="slot_book"),
    path("slots/<int:pk>/cancel/", views.slot_cancel, name="slot_cancel"),
    path("slots/<int:pk>/interview.ics", views.slot_ics, name="slot_ics"),
]
