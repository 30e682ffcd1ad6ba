from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from notifications import reminders
from notifications.models import Notification, ReminderSetting
from notifications.reminders import Deadline

MSK = ZoneInfo("Europe/Moscow")
DUE = datetime(2027, 4, 28, 18, 0, tzinfo=MSK)  # «приём заявок до 28.04»


@pytest.fixture
def deadline_source(world):
    """A source like the apps' ones: one deadline for the coordinator of the world's institution."""
    state = {"offsets": None}

    def source(now):
        yield Deadline(
            kind="call_closing",
            key="call:42",
            due=DUE,
            recipients=[world.users.coordinator],
            title="Приём заявок на конкурс «Районная стажировочная площадка» закрывается",
            url="/competitions/calls/42/",
            district_id=world.district.pk,
            offsets=state["offsets"],
            context={"institution": "ГБОУ лицей № 590", "call": "Районная стажировочная площадка"},
        )

    reminders.source(source)
    yield state
    reminders._sources.remove(source)


def run_at(moment):
    return reminders.send_reminders(now=moment)


def test_default_offsets_remind_a_week_before_a_day_before_and_the_day_after(
    deadline_source, world, django_capture_on_commit_callbacks
):
    timeline = [
        (DUE - timedelta(days=8), 0),
        (DUE - timedelta(days=7), 1),
        (DUE - timedelta(days=6), 0),
        (DUE - timedelta(days=1), 1),
        (DUE - timedelta(hours=1), 0),
        (DUE + timedelta(days=1), 1),
        (DUE + timedelta(days=5), 0),
    ]
    for moment, expected in timeline:
        with django_capture_on_commit_callbacks(execute=True):
            assert run_at(moment) == expected, moment
    keys = sorted(Notification.objects.filter(user=world.users.coordinator).values_list("key", flat=True))
    assert keys == ["reminder:call:42:-1", "reminder:call:42:1", "reminder:call:42:7"]
    assert len(mail.outbox) == 3
    first = mail.outbox[0]
    assert (
        first.subject == "Приём заявок на конкурс «Районная стажировочная площадка» заканчивается 28 апреля 2027, 18:00"
    )
    assert "заканчивается 28 апреля 2027, 18:00 (через 7 дней)" in first.body
    assert "Здравствуйте, " in first.body


def test_running_twice_sends_nothing_twice(deadline_source, django_capture_on_commit_callbacks):
    moment = DUE - timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_at(moment) == 1
        assert run_at(moment + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_a_district_sets_its_own_offsets(deadline_source, world):
    ReminderSetting.objects.create(district=world.district, kind="call_closing", offsets="3")
    assert run_at(DUE - timedelta(days=7)) == 0
    assert run_at(DUE - timedelta(days=3)) == 1


def test_an_object_overrides_the_district(deadline_source, world):
    ReminderSetting.objects.create(district=world.district, kind="call_closing", offsets="3")
    deadline_source["offsets"] = (10,)
    assert run_at(DUE - timedelta(days=3)) == 0
    assert run_at(DUE - timedelta(days=10)) == 1


def test_a_beat_that_was_down_does_not_send_stale_reminders(deadline_source):
    assert run_at(DUE - timedelta(days=4)) == 0  # the 7-day moment passed three days ago


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_one_reminder(world, deadline_source):
    moment = DUE - timedelta(days=1)

    def beat():
        try:
            return run_at(moment)
        finally:
            connection.close()

    # On PostgreSQL the two beats really overlap. SQLite's shared in-memory test database
    # refuses a second writer at once ("table is locked") instead of waiting, so there they
    # run one after the other: the second must still find every reminder already claimed.
    with ThreadPoolExecutor(max_workers=1 if connection.vendor == "sqlite" else 2) as pool:
        results = list(pool.map(lambda _: beat(), range(2)))
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(key="reminder:call:42:1").count() == 1


def test_mail_template_wording_is_used(deadline_source, world, django_capture_on_commit_callbacks):
    from notifications.models import MailTemplate

    # A methodist rewrites the shipped wording in the back office.
    MailTemplate.objects.filter(kind="reminder.call_closing").update(
        subject="Напоминание: {{ title }}",
        text="Уважаемый(ая) {{ user }}! Учреждение {{ institution }}: срок {{ deadline }}. {{ link }}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_at(DUE - timedelta(days=7))
    letter = mail.outbox[0]
    assert letter.subject.startswith("Напоминание: Приём заявок")
    assert "Учреждение ГБОУ лицей № 590: срок 28 апреля 2027, 18:00." in letter.body
    assert "http://127.0.0.1:8000/competitions/calls/42/" in letter.body


def test_offsets_are_validated_in_the_back_office(world, client):
    from django.urls import reverse

    client.force_login(world.users.methodist)
    response = client.post(
        reverse("admin:notifications_remindersetting_add"),
        {"district": world.district.pk, "kind": "call_closing", "offsets": "семь"},
    )
    assert response.status_code == 200
    assert "Укажите целые числа дней через запятую" in response.content.decode()
    assert not ReminderSetting.objects.exists()
