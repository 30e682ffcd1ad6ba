from django.urls import path

from .views import councils, expert, manage

app_name = "expertise"

urlpatterns = [
    path("", manage.index, name="index"),
    # The expert.
    path("my/", expert.mine, name="mine"),
    path("my/<int:pk>/", expert.review, name="review"),
    path("my/<int:pk>/decline/", expert.decline, name="decline"),
    path("my/<int:pk>/files/<int:attachment_pk>/", expert.attachment, name="attachment"),
    path("my/<int:pk>/answers/<int:question_pk>/file/", expert.answer_file, name="answer_file"),
    path("presentations/", expert.my_presentations, name="my_presentations"),
    # The methodist (the district office reads).
    path("calls/", manage.calls, name="calls"),
    path("calls/<int:pk>/", manage.call, name="call"),
    path("calls/<int:pk>/assign/", manage.assign, name="assign"),
    path("calls/<int:pk>/assign/auto/", manage.assign_auto, name="assign_auto"),
    path("calls/<int:pk>/assign/csv/", manage.assign_csv, name="assign_csv"),
    path("calls/<int:pk>/settings/", manage.call_settings, name="call_settings"),
    path("calls/<int:pk>/results/", manage.results, name="results"),
    path("calls/<int:pk>/close/", manage.close_expertise, name="close_expertise"),
    path("calls/<int:pk>/results.xlsx", manage.results_xlsx, name="results_xlsx"),
    path("calls/<int:pk>/presentations/", manage.presentations, name="presentations"),
    path("presentations/<int:pk>/delete/", manage.presentation_delete, name="presentation_delete"),
    path("assignments/<int:pk>/delete/", manage.unassign, name="unassign"),
    path("assignments/<int:pk>/paper/", manage.paper_review, name="paper_review"),
    path("assignments/<int:pk>/reopen/", manage.reopen, name="reopen"),
    path("applications/<int:pk>/", manage.application, name="application"),
    path("applications/<int:pk>/conclusion.pdf", manage.conclusion, name="conclusion"),
    # Councils.
    path("councils/", councils.councils, name="councils"),
    path("councils/new/", councils.council_new, name="council_new"),
    path("councils/<int:pk>/", councils.council, name="council"),
    path("councils/<int:pk>/edit/", councils.council_edit, name="council_edit"),
    path("councils/<int:pk>/agenda/", councils.council_agenda, name="council_agenda"),
    path("councils/<int:pk>/decisions/", councils.council_decisions, name="council_decisions"),
    path("councils/<int:pk>/apply/", councils.council_apply, name="council_apply"),
    path("councils/<int:pk>/protocol.pdf", councils.protocol, name="protocol"),
]
