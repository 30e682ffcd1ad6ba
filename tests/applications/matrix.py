"""Every URL of the competitions for every role (see tests/test_permission_matrix.py)."""

from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Answer, Application, CallFile, CallQuestion, ExtensionRequest
from tests.matrix import PUBLIC, SIGNED_IN_ONLY, Case, statuses

from .factories import PDF, AwardFactory, application_for, call_for

State = Application.State


def _draft(w):
    return application_for(w, complete=False)


def _submitted(w):
    return application_for(w, state=State.SUBMITTED)


def _call_file(w):
    call = call_for(w)
    document = CallFile(call=call, title="Положение о конкурсе", original_name="Положение.pdf")
    document.file.save("rules.pdf", ContentFile(PDF), save=True)
    return reverse("applications:call_file", args=[call.pk, document.pk])


def _answer_file(w):
    application = _submitted(w)
    question = CallQuestion.objects.create(call=application.call, text="Устав", kind=CallQuestion.Kind.FILE)
    answer = Answer(application=application, question=question, original_name="Устав.pdf")
    answer.file.save("charter.pdf", ContentFile(PDF), save=True)
    return reverse("applications:answer_file", args=[application.pk, question.pk])


def _attachment(w, application):
    attachment = application.attachments.exclude(file="").first()
    return [application.pk, attachment.pk]


def _partial_upload(w):
    """A draft with a chunked upload the coordinator has begun (partial uploads are per user)."""
    from applications import uploads

    application = _draft(w)
    partial = uploads.begin(w.users.coordinator, application, kind="other", name="Устав.pdf", size=len(PDF))
    return reverse("applications:upload_chunk", args=[application.pk, partial.id]) + "?offset=0"


def _extension_request(w):
    call = call_for(w)
    return ExtensionRequest.objects.create(
        call=call, institution=w.institution, requested_by=w.users.coordinator, reason="Болел координатор"
    )


# The application's own institution reads it; the district's methodist and office read what was
# handed in; everybody else gets 404 (the object does not exist for them).
READ_HANDED_IN = statuses(404, anonymous=302, coordinator=200, methodist=200, district_office=200)
OWN_DRAFT_PAGE = statuses(404, anonymous=302, coordinator=200)
OWN_DRAFT_POST = statuses(404, anonymous=302, coordinator=302)
DISTRICT_LISTS = statuses(403, anonymous=302, methodist=200, district_office=200)

CASES = [
    Case("applications:calls", lambda w: reverse("applications:calls"), SIGNED_IN_ONLY),
    Case("applications:call", lambda w: reverse("applications:call", args=[call_for(w).pk]), SIGNED_IN_ONLY),
    Case("applications:call_file", _call_file, SIGNED_IN_ONLY),
    Case(
        "applications:apply",
        lambda w: reverse("applications:apply", args=[call_for(w).pk]),
        statuses(403, anonymous=302, coordinator=302, other_coordinator=404),
        method="post",
        data=lambda w: {"institution": w.institution.pk},
    ),
    Case(
        "applications:mine",
        lambda w: reverse("applications:mine"),
        statuses(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Case("applications:detail", lambda w: reverse("applications:detail", args=[_submitted(w).pk]), READ_HANDED_IN),
    Case(
        "applications:detail",
        lambda w: reverse("applications:detail", args=[_draft(w).pk]),
        OWN_DRAFT_PAGE,
        label="draft",
    ),
    Case("applications:edit", lambda w: reverse("applications:edit", args=[_draft(w).pk]), OWN_DRAFT_PAGE),
    Case(
        "applications:autosave",
        lambda w: reverse("applications:autosave", args=[_draft(w).pk]),
        statuses(404, anonymous=302, coordinator=200),
        method="post",
        data=lambda w: {"theme": "Новая тема"},
    ),
    Case(
        "applications:copy_last",
        lambda w: reverse("applications:copy_last", args=[_draft(w).pk]),
        OWN_DRAFT_POST,
        method="post",
    ),
    Case(
        "applications:submit",
        lambda w: reverse("applications:submit", args=[_draft(w).pk]),
        OWN_DRAFT_POST,
        method="post",
    ),
    Case(
        "applications:withdraw",
        lambda w: reverse("applications:withdraw", args=[_submitted(w).pk]),
        statuses(404, anonymous=302, coordinator=302, methodist=403, district_office=403),
        method="post",
    ),
    Case(
        "applications:take_back",
        lambda w: reverse("applications:take_back", args=[_submitted(w).pk]),
        statuses(404, anonymous=302, coordinator=302, methodist=403, district_office=403),
        method="post",
    ),
    Case("applications:pdf", lambda w: reverse("applications:pdf", args=[_submitted(w).pk]), READ_HANDED_IN),
    Case(
        "applications:attachment",
        lambda w: reverse("applications:attachment", args=_attachment(w, _submitted(w))),
        READ_HANDED_IN,
    ),
    Case(
        "applications:attachment_delete",
        lambda w: reverse("applications:attachment_delete", args=_attachment(w, application_for(w))),
        OWN_DRAFT_POST,
        method="post",
    ),
    Case(
        "applications:upload_start",
        lambda w: reverse("applications:upload_start", args=[_draft(w).pk]),
        statuses(404, anonymous=302, coordinator=200),
        method="post",
        data=lambda w: {"kind": "other", "name": "Устав.pdf", "size": str(len(PDF))},
    ),
    Case(
        "applications:upload_start",
        lambda w: reverse("applications:upload_start", args=[_submitted(w).pk]),
        statuses(404, anonymous=302, coordinator=409, methodist=403, district_office=403),
        method="post",
        data=lambda w: {"kind": "other", "name": "Устав.pdf", "size": str(len(PDF))},
        label="submitted",
    ),
    Case(
        "applications:upload_chunk",
        _partial_upload,
        # The coordinator passes the checks; a form body instead of the file's bytes is refused.
        statuses(404, anonymous=302, coordinator=415),
        method="post",
    ),
    Case(
        "applications:attachments_remove",
        lambda w: reverse("applications:attachments_remove", args=[application_for(w).pk]),
        statuses(404, anonymous=302, coordinator=200),
        method="post",
        data=lambda w: {"attachment": "1"},
    ),
    Case("applications:answer_file", _answer_file, READ_HANDED_IN),
    Case(
        "applications:check",
        lambda w: reverse("applications:check", args=[_submitted(w).pk]),
        statuses(404, anonymous=302, coordinator=403, methodist=200, district_office=403),
    ),
    Case("applications:manage_calls", lambda w: reverse("applications:manage_calls"), DISTRICT_LISTS),
    Case(
        "applications:manage_call", lambda w: reverse("applications:manage_call", args=[call_for(w).pk]), DISTRICT_LISTS
    ),
    Case(
        "applications:manage_call_export",
        lambda w: reverse("applications:manage_call_export", args=[call_for(w).pk]),
        DISTRICT_LISTS,
    ),
    Case(
        "applications:extensions",
        lambda w: reverse("applications:extensions", args=[call_for(w).pk]),
        statuses(403, anonymous=302, methodist=200),
    ),
    Case(
        "applications:ask_extension",
        lambda w: reverse("applications:ask_extension", args=[call_for(w).pk]),
        statuses(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Case(
        "applications:extension_request",
        lambda w: reverse("applications:extension_request", args=[_extension_request(w).pk]),
        statuses(403, anonymous=302, methodist=200),
    ),
    Case("applications:registry", lambda w: reverse("applications:registry"), PUBLIC),
    Case("applications:registry_xlsx", lambda w: reverse("applications:registry_xlsx"), PUBLIC),
    Case("applications:registry_pdf", lambda w: reverse("applications:registry_pdf"), PUBLIC),
    Case(
        "applications:certificate",
        lambda w: reverse("applications:certificate", args=[AwardFactory(institution=w.institution).pk]),
        PUBLIC,
    ),
]
