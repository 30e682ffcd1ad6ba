from django.urls import path

from .views import coordinator, manage, public, uploads

app_name = "applications"

urlpatterns = [
    path("", coordinator.calls, name="calls"),
    path("calls/<int:pk>/", coordinator.call_detail, name="call"),
    path("calls/<int:pk>/files/<int:file_pk>/", coordinator.call_file, name="call_file"),
    path("calls/<int:pk>/apply/", coordinator.apply, name="apply"),
    path("calls/<int:pk>/ask-extension/", coordinator.ask_extension, name="ask_extension"),
    path("my/", coordinator.my_applications, name="mine"),
    path("applications/<int:pk>/", coordinator.detail, name="detail"),
    path("applications/<int:pk>/edit/", coordinator.edit, name="edit"),
    path("applications/<int:pk>/autosave/", coordinator.autosave, name="autosave"),
    path("applications/<int:pk>/copy-last/", coordinator.copy_last, name="copy_last"),
    path("applications/<int:pk>/submit/", coordinator.submit, name="submit"),
    path("applications/<int:pk>/take-back/", coordinator.take_back, name="take_back"),
    path("applications/<int:pk>/withdraw/", coordinator.withdraw, name="withdraw"),
    path("applications/<int:pk>/pdf/", coordinator.pdf, name="pdf"),
    path("applications/<int:pk>/files/<int:attachment_pk>/", coordinator.attachment, name="attachment"),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/delete/",
        coordinator.attachment_delete,
        name="attachment_delete",
    ),
    path("applications/<int:pk>/uploads/", uploads.upload_start, name="upload_start"),
    path("applications/<int:pk>/uploads/<str:upload>/", uploads.upload_chunk, name="upload_chunk"),
    path("applications/<int:pk>/files/remove/", uploads.attachments_remove, name="attachments_remove"),
    path("applications/<int:pk>/answers/<int:question_pk>/file/", coordinator.answer_file, name="answer_file"),
    path("applications/<int:pk>/check/", manage.check, name="check"),
    path("manage/", manage.calls, name="manage_calls"),
    path("manage/calls/<int:pk>/", manage.call_applications, name="manage_call"),
    path("manage/calls/<int:pk>/export.xlsx", manage.call_export, name="manage_call_export"),
    path("manage/calls/<int:pk>/extensions/", manage.extensions, name="extensions"),
    path("manage/extension-requests/<int:pk>/", manage.extension_request, name="extension_request"),
    path("registry/", public.registry, name="registry"),
    path("registry/export.xlsx", public.registry_xlsx, name="registry_xlsx"),
    path("registry/export.pdf", public.registry_pdf, name="registry_pdf"),
    path("registry/<int:pk>/certificate.pdf", public.certificate, name="certificate"),
]
