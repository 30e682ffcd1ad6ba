import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from innovation_portal import reminders

from . import digest, exporting
from .models import ExportJob, Institution, Notification
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


@shared_task(name="accounts.send_pending_mail")
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


@shared_task(name="accounts.send_reminders")
def send_reminders():
    """Hourly: every reminder whose moment has come, once per person, deadline and offset."""
    return reminders.send_reminders()


@shared_task(name="accounts.weekly_digest")
def weekly_digest():
    """Mondays: each methodist gets one letter listing what is overdue in their districts."""
    return digest.send_weekly_digest()


@shared_task(name="accounts.run_export")
def run_export(*, job_id):
    if not exporting.claim(job_id):
        return
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return
    exporting.run(job)


@shared_task(name="accounts.purge_exports")
def purge_exports():
    return exporting.purge()


@shared_task(name="accounts.resume_stale_exports")
def resume_stale_exports():
    """Re-send exports whose message was lost or whose worker died (the claim ignores duplicates)."""
    now = timezone.now()
    stuck = ExportJob.objects.filter(state=ExportJob.State.QUEUED, created_at__lt=now - timedelta(minutes=10)) | (
        ExportJob.objects.filter(state=ExportJob.State.RUNNING, started_at__lt=now - exporting.STALE)
    )
    ids = list(stuck.values_list("pk", flat=True)[:200])
    for pk in ids:
        run_export.delay(job_id=pk)
    return len(ids)
