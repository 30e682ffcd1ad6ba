from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    # Public
    path("", views.index, name="index"),
    path("<int:pk>/", views.collection_public, name="collection_public"),
    path("<int:pk>/book.pdf", views.book_public, name="book_public"),
    path("<int:pk>/articles/<int:article_pk>.pdf", views.article_pdf_public, name="article_pdf_public"),
    # Authors
    path("my/", views.my_articles, name="my_articles"),
    path("calls/<int:pk>/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/upload/", views.article_upload, name="article_upload"),
    path("articles/<int:pk>/upload/<int:job_pk>/", views.word_import, name="word_import"),
    path("articles/<int:pk>/length/", views.article_length, name="article_length"),
    path("articles/<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("articles/<int:pk>/withdraw/", views.article_withdraw, name="article_withdraw"),
    # Editors
    path("articles/<int:pk>/review/", views.article_review, name="article_review"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.collection_create, name="collection_create"),
    path("desk/<int:pk>/", views.collection_dashboard, name="collection_dashboard"),
    path("desk/<int:pk>/edit/", views.collection_edit, name="collection_edit"),
    path("desk/<int:pk>/front-matter/", views.front_matter, name="front_matter"),
    path("desk/<int:pk>/status/", views.collection_status, name="collection_status"),
    path("desk/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("desk/<int:pk>/length-exception/", views.length_exception, name="length_exception"),
    path("desk/<int:pk>/order/", views.ordering, name="ordering"),
    path("desk/<int:pk>/sections/", views.section_add, name="section_add"),
    path("desk/<int:pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path("desk/<int:pk>/book/", views.book, name="book"),
    path("builds/<int:pk>/status/", views.build_status, name="build_status"),
    path("builds/<int:pk>/book.pdf", views.build_download, name="build_download"),
]
