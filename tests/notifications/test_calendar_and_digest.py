"""The personal deadlines feed and the methodists' weekly digest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from innovation_portal import due


@pytest.fixture
def deadline_item(world):
    def provider(user):
        if user == world.users.coordinator:
            yield due.DueItem(
                "Заявка: срок подачи", "/competitions/calls/1/", timezone.now() + timedelta(days=3), "ГБОУ лицей № 590"
            )

    due.provider(provider)
    yield
    due._providers.remove(provider)


def test_personal_calendar_feed_lists_my_deadlines_without_login(client, world, deadline_item):
    token = world.users.coordinator.calendar_token
    response = client.get(reverse("notifications:calendar_feed", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Заявка: срок подачи"]
    assert "http://127.0.0.1:8000/competitions/calls/1/" in str(events[0]["DESCRIPTION"])
    again = Calendar.from_ical(client.get(reverse("notifications:calendar_feed", args=[token])).content).walk("VEVENT")
    assert str(again[0]["UID"]) == str(events[0]["UID"])  # stable, so calendars do not duplicate it


def test_a_new_calendar_address_retires_the_old(client, world):
    old = world.users.coordinator.calendar_token
    client.force_login(world.users.coordinator)
    client.post(reverse("notifications:calendar_reset"))
    assert client.get(reverse("notifications:calendar_feed", args=[old])).status_code == 404
    world.users.coordinator.refresh_from_db()
    assert world.users.coordinator.calendar_token != old


def test_weekly_digest_lists_overdue_items_once_a_week(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from notifications.digest import send_weekly_digest

    def provider(user):
        if user == world.users.methodist:
            yield due.DueItem("Заявка № 7 ждёт технической экспертизы", "/x/", timezone.now() - timedelta(days=2))

    due.provider(provider)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert send_weekly_digest() == 1
            assert send_weekly_digest() == 0
    finally:
        due._providers.remove(provider)
    assert "Заявка № 7 ждёт технической экспертизы" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Просрочено на этой неделе: 1"
