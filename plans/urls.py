from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("this-month/", views.this_month, name="this_month"),
    path("calendar/", views.calendar, name="calendar"),
    path("import/", views.import_docx, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/table/", views.import_table, name="import_table"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/calendar.ics", views.plan_ics, name="plan_ics"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("<int:pk>/plan.json", views.plan_json, name="plan_json"),
    path("<int:pk>/approval-document/", views.approval_document, name="approval_document"),
    path("<int:pk>/execution/", views.execution, name="execution"),
    path("<int:pk>/execution/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/execution/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("my-events/", views.own_events, name="own_events"),
    path("occurrences/<int:pk>/", views.mark_occurrence, name="mark_occurrence"),
    path("occurrences/<int:pk>/materials/", views.occurrence_materials, name="occurrence_materials"),
    path("institutions/<int:pk>/calendar.ics", views.institution_ics, name="institution_ics"),
]
