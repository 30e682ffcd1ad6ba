"""Telling people things: a notification in the portal and a letter, sent once.

Other apps call `notify()` from their services (inside the transaction that made the
change); the mail is queued only after that transaction commits.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone

from .models import MailTemplate, Notification

log = logging.getLogger(__name__)

# A send claimed this long ago by a worker that then died is claimed again.
STALE_CLAIM = timedelta(minutes=10)


def notify(users, *, kind, title, body="", url="", key=None, mail=True, context=None):
    """Create a notification for each user (once per `key`, if given) and queue its letter.

    When methodists have written a MailTemplate for `kind`, its subject and texts are used,
    filled with `context` (plain values: institution, deadline, …) plus user, title, body
    and link. Returns the notifications created; a user who already has one with this key
    gets none.
    """
    template = MailTemplate.objects.filter(kind=kind, is_active=True).first()
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        subject, text, html = title, body, ""
        if template is not None:
            subject, text, html = render_template(template, user, title, body, url, context or {})
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        key=key,
                        title=subject[:300],
                        body=text,
                        body_html=html,
                        from_template=template is not None,
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
        # By name: tasks.py imports this module, not the other way round.
        task = current_app.tasks["notifications.send_notification_mail"]
        transaction.on_commit(lambda: [task.delay(notification_id=pk) for pk in to_send])
    return created


def render_template(template, user, title, body, url, context):
    """Fill a methodist-written template; only plain strings reach it."""
    values = {k: str(v) for k, v in context.items()}
    values.update(user=user.full_name, title=title, body=body, link=absolute_url(url) if url else "")
    plain = Context(values, autoescape=False)
    subject = " ".join(Template(template.subject).render(plain).split())
    text = Template(template.text).render(plain)
    html = Template(template.html).render(Context(values)) if template.html else ""
    return subject, text, html


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
        body=notification.body
        if notification.from_template
        else render_to_string("notifications/mail/notification.txt", context),
        to=[notification.user.email],
    )
    html = notification.body_html or render_to_string("notifications/mail/notification.html", context)
    message.attach_alternative(html, "text/html")
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
