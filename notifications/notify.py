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
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from innovation_portal import boundary

from . import kinds, letters
from .models import MailTemplate, Notification

log = logging.getLogger(__name__)

# A send claimed this long ago by a worker that then died is claimed again.
STALE_CLAIM = timedelta(minutes=10)


def notify(users, *, kind, title, body="", url="", key=None, mail=True, context=None, district_id=None, obj=None):
    """Create a notification for each user (once per `key`, if given) and queue its letter.

    `kind` must be registered in notifications.kinds (UnknownKind otherwise). The letter is
    written from the MailTemplate of the district the letter is about (`district_id`, or the
    district of `obj`, a record of the portal), else from the installation's default one,
    filled with `context` (plain values: institution, deadline, …) plus user, title, body and
    link. A template that fails to render is skipped for the next one (the district's, then
    the default, then the notification's own title and text); the failure is logged and kept
    on the notification for the back office. Returns the notifications created; a user who
    already has one with this key gets none.
    """
    kinds.get(kind)
    if district_id is None and obj is not None:
        district_id = boundary.district_id_of(obj)
    templates = templates_for(kind, district_id)
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        subject, text, html, from_template, problems = compose(templates, user, title, body, url, context or {})
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
                        from_template=from_template,
                        template_error=problems,
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


def templates_for(kind, district_id):
    """The templates to try for a letter, in order: the district's own, then the installation's default."""
    found = (
        MailTemplate.objects.select_related("district")
        .filter(kind=kind, is_active=True)
        .filter(Q(district__isnull=True) | Q(district_id=district_id) if district_id else Q(district__isnull=True))
    )
    return sorted(found, key=lambda template: template.district_id is None)


def compose(templates, user, title, body, url, context):
    """(subject, text, html, from_template, problems): the first template that renders, else the plain wording."""
    values = {k: str(v) for k, v in context.items()}
    values.update(user=user.full_name, title=title, body=body, link=absolute_url(url) if url else "")
    problems = []
    for template in templates:
        try:
            subject, text, html = letters.render(template, values)
        except Exception as error:  # noqa: BLE001 - a written template must never stop the change it tells of
            where = template.district or _("installation default")
            problems.append(f"«{template.kind}» ({where}): {letters.describe(error)}")
            log.warning("Mail template %s (%s) failed: %s", template.pk, template.kind, error)
            continue
        return subject, text, html, True, "\n".join(problems)
    return title, body, "", False, "\n".join(problems)


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
    if notification.body_html:
        html = notification.body_html
    elif notification.from_template:
        # The template's text is the whole letter (greeting, link, signature): shown as it is,
        # not wrapped in the default letter, which would greet and link a second time.
        html = render_to_string("notifications/mail/written.html", context)
    else:
        html = render_to_string("notifications/mail/notification.html", context)
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
