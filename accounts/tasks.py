import smtplib

from celery import shared_task

from .models import Institution, Notification
from .notify import claim_for_sending, send_mail_for


@shared_task(name="accounts.healthcheck")
def healthcheck():
    """Answer from a worker with what it sees of the database: proves broker, worker and DB work together."""
    return {"ok": True, "institutions": Institution.objects.filter(is_active=True).count()}


@shared_task(
    name="accounts.send_notification_mail",
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
