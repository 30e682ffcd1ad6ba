import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.notify import notify
from notifications.tasks import send_notification_mail
from tests.factories import UserFactory


def test_notify_creates_a_notification_and_sends_one_letter(world, django_capture_on_commit_callbacks):
    user = world.users.coordinator
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            kind="application_returned",
            title="Заявка возвращена",
            body="Исправьте раздел 2.",
            url="/applications/1/",
        )
    notification = Notification.objects.get(user=user)
    assert notification.mail_status == Notification.MailStatus.SENT
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.subject == "Заявка возвращена"
    assert "Исправьте раздел 2." in letter.body
    assert "http://127.0.0.1:8000/applications/1/" in letter.body
    assert letter.alternatives[0][1] == "text/html"


def test_same_key_notifies_once(world, django_capture_on_commit_callbacks):
    user = world.users.coordinator
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            notify([user], kind="reminder.call_closing", title="Срок через 7 дней", key="call:1:-7")
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1


def test_a_claimed_letter_is_not_sent_twice(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify([world.users.coordinator], kind="application_returned", title="Письмо")
    send_notification_mail.apply(kwargs={"notification_id": notification.pk})  # a retried or duplicated task
    assert len(mail.outbox) == 1


def test_a_letter_claimed_by_a_dead_worker_is_sent_after_a_while(world):
    (notification,) = notify([world.users.coordinator], kind="application_returned", title="Письмо", mail=True)
    Notification.objects.filter(pk=notification.pk).update(
        mail_status=Notification.MailStatus.SENDING, mail_claimed_at=timezone.now() - timedelta(minutes=11)
    )
    send_notification_mail.apply(kwargs={"notification_id": notification.pk})
    assert len(mail.outbox) == 1
    Notification.objects.filter(pk=notification.pk).update(
        mail_status=Notification.MailStatus.SENDING, mail_claimed_at=timezone.now()
    )
    send_notification_mail.apply(kwargs={"notification_id": notification.pk})
    assert len(mail.outbox) == 1  # a fresh claim belongs to a live worker


def test_a_failed_send_is_recorded_and_retried(world):
    (notification,) = notify([world.users.coordinator], kind="application_returned", title="Письмо")
    down = smtplib.SMTPServerDisconnected("down")
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=down),
        pytest.raises((Retry, smtplib.SMTPServerDisconnected)),
    ):
        # In-process the retries run at once, one after another, until they are used up.
        send_notification_mail.apply(kwargs={"notification_id": notification.pk})
    notification.refresh_from_db()
    assert notification.mail_status == Notification.MailStatus.FAILED
    assert "down" in notification.mail_error
    assert notification.mail_attempts >= 1
    send_notification_mail.apply(kwargs={"notification_id": notification.pk})
    notification.refresh_from_db()
    assert notification.mail_status == Notification.MailStatus.SENT
    assert len(mail.outbox) == 1


def test_inactive_users_are_not_notified(world):
    ghost = UserFactory(email="ghost@example.org", is_active=False)
    assert notify([ghost], kind="application_returned", title="x") == []


def test_notifications_page_lists_and_marks_read(client, world):
    user = world.users.coordinator
    notify([user], kind="application_returned", title="Первое", mail=False)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">1<' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Первое" in page
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


@pytest.mark.parametrize("rows", [1, 25])
def test_notifications_page_queries_do_not_grow(client, world, django_assert_num_queries, rows):
    user = world.users.coordinator
    for index in range(rows):
        notify([user], kind="application_returned", title=f"Уведомление {index}", mail=False)
    client.force_login(user)
    # session, user, the list, marking read, the user's roles (menu), unread count in the menu
    with django_assert_num_queries(6):
        assert client.get(reverse("notifications:list")).status_code == 200
