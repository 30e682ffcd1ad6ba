"""Taking a submitted application back for correction before the deadline, and what the methodist sees."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationEvent, ExperienceRow, Extension, TechnicalCheck
from innovation_portal.workflow import TransitionError

from .factories import application_for

State = Application.State


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def submitted(world):
    application = application_for(world)
    services.submit(application, by=world.users.coordinator)
    return application


def test_take_back_keeps_everything_and_resubmission_shows_what_changed(
    world, client, login, django_capture_on_commit_callbacks
):
    application = submitted(world)
    rows_before = ExperienceRow.objects.filter(application=application).count()
    login(world.users.coordinator)
    response = client.post(reverse("applications:take_back", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.theme and ExperienceRow.objects.filter(application=application).count() == rows_before
    assert application.attachments.count() == 2
    event = application.events.order_by("-pk").first()
    assert (event.from_state, event.to_state) == (State.SUBMITTED, State.DRAFT)

    Application.objects.filter(pk=application.pk).update(theme="Исправленная тема")
    ExperienceRow.objects.create(application=application, project="Новый проект")
    application.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, by=world.users.coordinator)
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    snapshots = list(ApplicationEvent.objects.filter(application=application, snapshot__isnull=False))
    assert len(snapshots) == 2
    assert snapshots[-1].snapshot["fields"]["theme"] == "Исправленная тема"
    assert snapshots[-1].reason
    letters = [m for m in mail.outbox if "methodist@example.org" in m.to]
    assert letters and "Исправленная тема" in letters[0].body

    login(world.users.methodist)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Подана повторно" in page
    assert "Исправленная тема" in page
    assert "Новый проект" in page


def test_take_back_is_refused_a_second_after_the_deadline(world):
    application = submitted(world)
    late = application.call.closes_at + datetime.timedelta(seconds=1)
    with frozen(late), pytest.raises(TransitionError, match="Срок"):
        services.take_back(application, by=world.users.coordinator)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    on_time = application.call.closes_at - datetime.timedelta(seconds=1)
    services.take_back(application, by=world.users.coordinator, now=on_time)
    assert application.state == State.DRAFT


def test_an_extension_moves_the_take_back_deadline(world):
    application = submitted(world)
    call = application.call
    Extension.objects.create(
        call=call, institution=world.institution, until=call.closes_at + datetime.timedelta(days=3)
    )
    services.take_back(application, by=world.users.coordinator, now=call.closes_at + datetime.timedelta(days=2))
    assert application.state == State.DRAFT


def test_take_back_is_refused_once_the_technical_check_has_been_done(world, client, login):
    application = submitted(world)
    TechnicalCheck.objects.create(application=application, outcome=TechnicalCheck.Outcome.RETURNED)
    with pytest.raises(TransitionError):
        services.take_back(application, by=world.users.coordinator)
    login(world.users.coordinator)
    response = client.post(reverse("applications:take_back", args=[application.pk]), follow=True)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert "технической проверки" in response.content.decode()


@pytest.mark.parametrize("state", [State.ADMITTED, State.UNDER_EXPERTISE, State.RETURNED])
def test_take_back_is_refused_after_the_check(world, state):
    application = application_for(world, state=state)
    with pytest.raises(TransitionError):
        services.take_back(application, by=world.users.coordinator)


def test_the_button_shows_only_when_take_back_is_possible(world, client, login):
    application = submitted(world)
    login(world.users.coordinator)
    url = reverse("applications:detail", args=[application.pk])
    assert "Забрать на исправление" in client.get(url).content.decode()
    with frozen(application.call.closes_at + datetime.timedelta(seconds=1)):
        assert "Забрать на исправление" not in client.get(url).content.decode()
