"""After the deadline a coordinator asks for an extension; a methodist grants or refuses it."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Extension, ExtensionRequest

from .factories import call_for

QUERIES = 7  # the same at 1 and 25 requests


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def late_call(world):
    return call_for(world, closes_at=timezone.now() - datetime.timedelta(hours=1))


def test_request_then_grant(world, client, login, late_call, django_capture_on_commit_callbacks):
    login(world.users.coordinator)
    page = client.get(reverse("applications:call", args=[late_call.pk])).content.decode()
    assert "Попросить ИМЦ продлить срок" in page
    url = reverse("applications:ask_extension", args=[late_call.pk])
    response = client.post(url, {"institution": world.institution.pk, "reason": ""})
    assert "Напишите, почему нужно больше времени" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"institution": world.institution.pk, "reason": "Болел координатор"})
    assert response.status_code == 302
    item = ExtensionRequest.objects.get()
    assert item.state == ExtensionRequest.State.PENDING and item.reason == "Болел координатор"
    assert any("methodist@example.org" in m.to for m in mail.outbox)
    again = client.post(url, {"institution": world.institution.pk, "reason": "Ещё раз"})
    assert "уже ожидает ответа" in again.content.decode()
    assert "Ещё раз" in again.content.decode()  # what was typed stays
    assert ExtensionRequest.objects.count() == 1

    login(world.users.methodist)
    decide = reverse("applications:extension_request", args=[item.pk])
    bad = client.post(decide, {"decision": "grant", "until": ""})
    assert "Укажите дату" in bad.content.decode()
    until = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "grant", "until": until, "answer": "Продлеваем"})
    item.refresh_from_db()
    assert item.state == ExtensionRequest.State.GRANTED and item.decided_by == world.users.methodist
    assert Extension.objects.get(call=late_call, institution=world.institution).until > timezone.now()
    assert any("coordinator@example.org" in m.to for m in mail.outbox)

    login(world.users.coordinator)
    page = client.get(reverse("applications:call", args=[late_call.pk])).content.decode()
    assert "Продлеваем" in page


def test_refuse_needs_a_reason_and_tells_the_coordinator(
    world, client, login, late_call, django_capture_on_commit_callbacks
):
    item = ExtensionRequest.objects.create(
        call=late_call, institution=world.institution, requested_by=world.users.coordinator, reason="Причина"
    )
    login(world.users.methodist)
    decide = reverse("applications:extension_request", args=[item.pk])
    response = client.post(decide, {"decision": "refuse", "answer": ""})
    assert "Напишите причину отказа" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "refuse", "answer": "Срок окончен для всех"})
    item.refresh_from_db()
    assert item.state == ExtensionRequest.State.REFUSED and item.answer == "Срок окончен для всех"
    assert not Extension.objects.exists()
    assert any("coordinator@example.org" in m.to for m in mail.outbox)


def test_no_request_before_the_deadline(world, client, login):
    call = call_for(world)
    login(world.users.coordinator)
    response = client.post(
        reverse("applications:ask_extension", args=[call.pk]), {"institution": world.institution.pk, "reason": "x"}
    )
    assert "ещё не истёк" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("count", [1, 25])
def test_the_call_management_page_lists_requests_in_fixed_queries(
    world, client, login, count, django_assert_num_queries
):
    from tests.factories import InstitutionFactory

    call = call_for(world)
    for _ in range(count):
        ExtensionRequest.objects.create(
            call=call, institution=InstitutionFactory(district=world.district), reason="Причина"
        )
    login(world.users.methodist)
    url = reverse("applications:manage_call", args=[call.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.content.decode().count("Причина") == count
