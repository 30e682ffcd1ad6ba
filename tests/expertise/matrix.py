"""Every URL of the expertise for every role (see tests/test_permission_matrix.py)."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Answer, CallQuestion
from expertise.models import AgendaItem, Presentation
from tests.applications.factories import PDF
from tests.matrix import Case, statuses

from .factories import application_in_expertise, expert, meeting, world_assignment

OWN_EXPERT = statuses(404, anonymous=302, expert=200)
READERS = statuses(403, anonymous=302, methodist=200, district_office=200)
METHODIST_ONLY = statuses(403, anonymous=302, methodist=200)
METHODIST_POST = statuses(403, anonymous=302, methodist=302)


def _due():
    return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


def _call(w):
    return application_in_expertise(w).call


def _review(w):
    return reverse("expertise:review", args=[world_assignment(w).pk])


def _attachment(w):
    assignment = world_assignment(w)
    item = assignment.application.attachments.exclude(file="").first()
    return reverse("expertise:attachment", args=[assignment.pk, item.pk])


def _answer(w):
    assignment = world_assignment(w)
    question = CallQuestion.objects.create(call=assignment.application.call, text="Устав", kind=CallQuestion.Kind.FILE)
    answer = Answer(application=assignment.application, question=question, original_name="Устав.pdf")
    answer.file.save("charter.pdf", ContentFile(PDF), save=True)
    return reverse("expertise:answer_file", args=[assignment.pk, question.pk])


def _assign_data(w):
    application = application_in_expertise(w)
    w.case_call = application.call
    return {"application": application.pk, "expert": w.users.expert.pk, "due_date": _due()}


def _auto_data(w):
    application = application_in_expertise(w)
    expert(w)
    w.case_call = application.call
    return {"per_application": 1, "cap": 5, "due_date": _due()}


def _csv_data(w):
    application = application_in_expertise(w)
    w.case_call = application.call
    content = f"Заявка;E-mail эксперта\n{application.pk};{w.users.expert.email}\n".encode()
    return {"file": SimpleUploadedFile("experts.csv", content, "text/csv"), "due_date": _due()}


def _settings_data(w):
    w.case_call = _call(w)
    return {"reviews_hidden_until_submitted": "on", "aggregation": "mean", "disagreement_threshold": "1.5"}


def _close_data(w):
    w.case_call = _call(w)
    return {"reason": "Совет назначен на 30 мая"}


def _case_call_url(name):
    return lambda w: reverse(name, args=[w.case_call.pk])


def _presentation(w):
    application = application_in_expertise(w)
    slot = Presentation.objects.create(
        call=application.call, application=application, starts_at=timezone.now(), place="ИМЦ"
    )
    return reverse("expertise:presentation_delete", args=[slot.pk])


def _unassign(w):
    return reverse("expertise:unassign", args=[world_assignment(w).pk])


def _meeting(w):
    return meeting(w)


def _agenda_data(w):
    w.case_meeting = meeting(w)
    return {"applications": [application_in_expertise(w).pk]}


def _decisions_data(w):
    w.case_meeting = meeting(w, members=["Соколов П. А."], present=["Соколов П. А."])
    item = AgendaItem.objects.create(meeting=w.case_meeting, application=application_in_expertise(w), order=1)
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(item.pk),
        "form-0-decision": "not_award",
        "form-0-reasons": "Мало ресурсов",
        "form-0-votes_for": "1",
        "form-0-votes_against": "0",
        "form-0-votes_abstained": "0",
    }


def _meeting_url(name):
    return lambda w: reverse(name, args=[w.case_meeting.pk])


def _lazy(name, data):
    """A POST case whose URL needs the object that `data` creates."""

    def build(w):
        w.case_data = data(w)
        return reverse(name, args=[(getattr(w, "case_call", None) or getattr(w, "case_meeting", None)).pk])

    return build


def _post(name, data, expect=METHODIST_POST):
    return Case(name, _lazy(name, data), expect, method="post", data=lambda w: w.case_data)


CASES = [
    Case(
        "expertise:index",
        lambda w: reverse("expertise:index"),
        statuses(403, anonymous=302, expert=302, methodist=302, district_office=302),
    ),
    Case("expertise:mine", lambda w: reverse("expertise:mine"), statuses(403, anonymous=302, expert=200)),
    Case("expertise:review", _review, OWN_EXPERT),
    Case(
        "expertise:decline",
        lambda w: reverse("expertise:decline", args=[world_assignment(w).pk]),
        OWN_EXPERT,
    ),
    Case("expertise:attachment", _attachment, OWN_EXPERT),
    Case("expertise:answer_file", _answer, OWN_EXPERT),
    Case(
        "expertise:my_presentations",
        lambda w: reverse("expertise:my_presentations"),
        statuses(403, anonymous=302, coordinator=200, other_coordinator=200),
    ),
    Case("expertise:calls", lambda w: reverse("expertise:calls"), READERS),
    Case("expertise:call", lambda w: reverse("expertise:call", args=[_call(w).pk]), READERS),
    _post("expertise:assign", _assign_data),
    _post("expertise:assign_auto", _auto_data),
    _post("expertise:assign_csv", _csv_data),
    _post("expertise:call_settings", _settings_data),
    Case("expertise:results", lambda w: reverse("expertise:results", args=[_call(w).pk]), READERS),
    Case("expertise:results_xlsx", lambda w: reverse("expertise:results_xlsx", args=[_call(w).pk]), READERS),
    Case("expertise:presentations", lambda w: reverse("expertise:presentations", args=[_call(w).pk]), READERS),
    Case("expertise:presentation_delete", _presentation, METHODIST_POST, method="post", data=lambda w: {}),
    Case("expertise:unassign", _unassign, METHODIST_POST, method="post", data=lambda w: {}),
    _post("expertise:close_expertise", _close_data),
    Case(
        "expertise:paper_review",
        lambda w: reverse("expertise:paper_review", args=[world_assignment(w).pk]),
        METHODIST_ONLY,
    ),
    Case(
        "expertise:reopen",
        lambda w: reverse("expertise:reopen", args=[world_assignment(w).pk]),
        METHODIST_ONLY,
    ),
    Case(
        "expertise:application",
        lambda w: reverse("expertise:application", args=[application_in_expertise(w).pk]),
        READERS,
    ),
    Case(
        "expertise:conclusion",
        lambda w: reverse("expertise:conclusion", args=[application_in_expertise(w).pk]),
        READERS,
    ),
    Case("expertise:councils", lambda w: reverse("expertise:councils"), READERS),
    Case("expertise:council_new", lambda w: reverse("expertise:council_new"), METHODIST_ONLY),
    Case("expertise:council", lambda w: reverse("expertise:council", args=[_meeting(w).pk]), READERS),
    Case("expertise:council_edit", lambda w: reverse("expertise:council_edit", args=[_meeting(w).pk]), METHODIST_ONLY),
    _post("expertise:council_agenda", _agenda_data),
    _post("expertise:council_decisions", _decisions_data),
    Case(
        "expertise:council_apply",
        lambda w: reverse("expertise:council_apply", args=[_meeting(w).pk]),
        METHODIST_POST,
        method="post",
        data=lambda w: {},
    ),
    Case("expertise:protocol", lambda w: reverse("expertise:protocol", args=[_meeting(w).pk]), READERS),
]
