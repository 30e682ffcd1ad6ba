"""The council's «return for revision»: back to the coordinator, revised, and back to the council."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications.forms import ApplicationForm
from applications.models import Application
from expertise import services
from expertise.models import AgendaItem, CouncilMeeting
from innovation_portal.workflow import TransitionError

from .factories import application_in_expertise, expertise_call, meeting

State = Application.State
COUNCIL = CouncilMeeting.Kind.COORDINATION_COUNCIL
REMARKS = "Уточните целевую аудиторию и планируемые результаты"


@pytest.fixture
def returned(world, django_capture_on_commit_callbacks):
    """An application the coordination council returned at its meeting № 7, with a fix-by date."""
    application = application_in_expertise(world, call=expertise_call(world))
    council = meeting(world, kind=COUNCIL, number="7")
    services.add_to_agenda(council, [application])
    fix_by = timezone.localdate() + datetime.timedelta(days=10)
    AgendaItem.objects.filter(meeting=council, application=application).update(
        decision=AgendaItem.Decision.RETURN, reasons=REMARKS, fix_by=fix_by
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_decisions(council, by=world.users.methodist)
    application.refresh_from_db()
    return application, council, fix_by


def _form_data(application, **changes):
    form = ApplicationForm(instance=application)
    data = {name: ("" if value is None else getattr(value, "pk", value)) for name, value in form.initial.items()}
    data = {name: value for name, value in data.items() if name in form.fields}
    data.update(changes)
    return data


def test_the_council_returns_the_application_with_remarks_and_a_fix_by_date(world, returned):
    application, council, fix_by = returned
    assert application.state == State.RETURNED and application.is_editable
    assert (application.remarks, application.fix_by, application.back_to_council) == (REMARKS, fix_by, True)
    event = application.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.by, event.reason) == (
        State.UNDER_EXPERTISE,
        State.RETURNED,
        world.users.methodist,
        REMARKS,
    )
    letter = next(m for m in mail.outbox if m.to == [world.users.coordinator.email])
    assert "Совет возвращает заявку на доработку" in letter.subject
    assert "Координационный совет по инновационной деятельности" in letter.body
    assert REMARKS in letter.body and date_format(fix_by, "j E Y") in letter.body
    assert "вернётся на рассмотрение совета" in letter.body


def test_the_coordinator_revises_and_resubmits_to_the_next_meeting_of_the_same_council(
    world, login, returned, django_capture_on_commit_callbacks
):
    application, council, fix_by = returned
    later = timezone.localdate() + datetime.timedelta(days=30)
    other_council = meeting(world, kind=CouncilMeeting.Kind.EXPERT_COUNCIL, number="3", date=later)
    next_meeting = meeting(world, kind=COUNCIL, number="8", date=later)
    meeting(world, kind=COUNCIL, number="9", date=later + datetime.timedelta(days=30))
    client = login(world.users.coordinator)

    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "Замечания совета" in page and REMARKS in page
    saved = client.post(
        reverse("applications:autosave", args=[application.pk]),
        _form_data(application, relevance="Целевая аудитория: учителя начальных классов района"),
    )
    assert saved.json()["saved"] is True

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.UNDER_EXPERTISE and not application.back_to_council
    assert application.relevance.startswith("Целевая аудитория")
    assert list(AgendaItem.objects.filter(application=application, decision="").values_list("meeting", flat=True)) == [
        next_meeting.pk
    ]
    assert not other_council.agenda.exists()
    event = application.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.by) == (
        State.RETURNED,
        State.UNDER_EXPERTISE,
        world.users.coordinator,
    )
    letters = {m.to[0]: m for m in mail.outbox}
    assert "Доработанная заявка направлена в совет" in letters[world.users.coordinator.email].subject
    assert "№ 8" in letters[world.users.methodist.email].body


def test_with_no_next_meeting_yet_the_methodists_are_asked_to_put_it_on_the_agenda(
    world, returned, django_capture_on_commit_callbacks
):
    from applications import services as applications

    application, council, fix_by = returned
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applications.submit(application, by=world.users.coordinator)
    application.refresh_from_db()
    assert application.state == State.UNDER_EXPERTISE
    assert not AgendaItem.objects.filter(application=application, decision="").exists()
    letter = next(m for m in mail.outbox if m.to == [world.users.methodist.email])
    assert "ждёт следующего заседания совета" in letter.body
    # It is in expertise, so the next meeting's agenda form offers it.
    later = meeting(world, kind=COUNCIL, number="8", date=timezone.localdate() + datetime.timedelta(days=7))
    assert services.add_to_agenda(later, [application])


def test_resubmission_after_the_fix_by_date_is_refused(world, returned):
    from applications import services as applications

    application, council, fix_by = returned
    with pytest.raises(TransitionError, match="срок"):
        applications.submit(application, by=world.users.coordinator, now=timezone.now() + datetime.timedelta(days=11))
    application.refresh_from_db()
    assert application.state == State.RETURNED


def test_a_return_after_a_technical_check_still_goes_to_the_check(world, returned):
    from applications import services as applications

    application, council, fix_by = returned
    # A methodist's return (technical check) clears the council flag: resubmission waits for the check.
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    application.refresh_from_db()
    applications.technical_check(
        application, by=world.users.methodist, admit=False, results=[], remarks="Нет видеоролика", fix_by=fix_by
    )
    application.refresh_from_db()
    assert not application.back_to_council
    applications.submit(application, by=world.users.coordinator)
    assert application.state == State.RESUBMITTED
