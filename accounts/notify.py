"""Telling people things: a notification in the portal and a letter, sent once.

Other apps call `notify()` from their services (inside the transaction that made the
change); the mail is queued only after that transaction commits.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

# A send claimed this long ago by a worker that then died is claimed again.
STALE_CLAIM = timedelta(minutes=10)


def notify(users, *, kind, title, body="", url="", key=None, mail=True):
    """Create a notification for each user (once per `key`, if given) and queue its letter.

    Returns the notifications created; a user who already has one with this key gets none.
    """
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        key=key,
                        title=title[:300],
                        body=body,
                        url=url,
                        mail_status=Notification.MailStatus.PENDING
                        if mail and user.email
                        else Notification.MailStatus.NONE,
                    )
                )
        except IntegrityError:
            continue  # already notified for this key: that row was the claim
    to_send = [n.pk for n in created if n.mail_status == Notification.MailStatus.PENDING]
    if to_send:
        from .tasks import send_notification_mail

        transaction.on_commit(lambda: [send_notification_mail.delay(notification_id=pk) for pk in to_send])
    return created


def absolute_url(path):
    return path if path.startswith("http") else f"{settings.SITE_URL}{path}"


def claim_for_sending(notification_id):
    """Take the right to send this letter; False when it is sent or another worker has it."""
    now = timezone.now()
    claimable = Notification.objects.filter(pk=notification_id).filter(
        mail_status__in=[Notification.MailStatus.PENDING, Notification.MailStatus.FAILED]
    ) | Notification.objects.filter(
        pk=notification_id, mail_status=Notification.MailStatus.SENDING, mail_claimed_at__lt=now - STALE_CLAIM
    )
    return (
        Notification.objects.filter(pk__in=claimable.values("pk")).update(
            mail_status=Notification.MailStatus.SENDING, mail_claimed_at=now
        )
        == 1
    )


def send_mail_for(notification):
    """Send the letter of a claimed notification and record the outcome; raises on failure."""
    context = {"notification": notification, "link": absolute_url(notification.url) if notification.url else ""}
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=render_to_string("accounts/mail/notification.txt", context),
        to=[notification.user.email],
    )
    message.attach_alternative(render_to_string("accounts/mail/notification.html", context), "text/html")
    Notification.objects.filter(pk=notification.pk).update(mail_attempts=notification.mail_attempts + 1)
    try:
        message.send()
    except Exception as error:
        Notification.objects.filter(pk=notification.pk).update(
            mail_status=Notification.MailStatus.FAILED, mail_error=str(error)[:2000]
        )
        raise
    Notification.objects.filter(pk=notification.pk).update(
        mail_status=Notification.MailStatus.SENT, mail_sent_at=timezone.now(), mail_error=""
    )
