import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import digest, reminders
from .models import Notification
from .notify import claim_for_sending, send_mail_for


@shared_task(
    name="notifications.send_notification_mail",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_mail(*, notification_id):
    """Send one notification's letter, at most once: the row is claimed before sending."""
    if not claim_for_sending(notification_id):
        return
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return
    send_mail_for(notification)


@shared_task(name="notifications.send_pending_mail")
def send_pending_mail():
    """Queue letters whose task was lost (a worker died between the commit and the queueing)."""
    old_enough = timezone.now() - timedelta(minutes=5)
    ids = list(
        Notification.objects.filter(mail_status=Notification.MailStatus.PENDING, created_at__lt=old_enough).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in ids:
        send_notification_mail.delay(notification_id=pk)
    return len(ids)


@shared_task(name="notifications.send_reminders")
def send_reminders():
    """Hourly: every reminder whose moment has come, once per person, deadline and offset."""
    return reminders.send_reminders()


@shared_task(name="notifications.weekly_digest")
def weekly_digest():
    """Mondays: each methodist gets one letter listing what is overdue in their districts."""
    return digest.send_weekly_digest()


# The names these tasks had while they lived in accounts: messages queued before the move
# still resolve, and are handed on to the task under its new name.
@shared_task(name="accounts.send_notification_mail")
def _old_send_notification_mail(*, notification_id):
    send_notification_mail.delay(notification_id=notification_id)


@shared_task(name="accounts.send_pending_mail")
def _old_send_pending_mail():
    return send_pending_mail()


@shared_task(name="accounts.send_reminders")
def _old_send_reminders():
    return send_reminders()


@shared_task(name="accounts.weekly_digest")
def _old_weekly_digest():
    return weekly_digest()
