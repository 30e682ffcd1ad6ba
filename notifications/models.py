"""Telling people things: notifications, the wording of letters, reminder offsets."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import District, User

from . import kinds, letters


class Notification(models.Model):
    """Something a user should know: shown in the portal and, usually, sent by mail.

    `key` makes a notification unique per user (a reminder for one deadline and offset, say):
    the row is the claim, so a retried task or a second beat cannot send it twice.
    """

    district_path = "user__roles__district"

    class MailStatus(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", pgettext_lazy("mail status", "failed")
        NONE = "none", _("not sent by mail")

    user = models.ForeignKey(User, models.CASCADE, related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML text"), blank=True)
    # The letter was written from a methodist's MailTemplate: its text is the whole letter.
    from_template = models.BooleanField(default=False)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail_status = models.CharField(_("mail"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    mail_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    mail_claimed_at = models.DateTimeField(null=True, blank=True)
    mail_sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    mail_error = models.TextField(_("error"), blank=True)
    # Why the letter was not written from its template (it failed to render): it went out in
    # the default wording instead. Shown to methodists in the back office.
    template_error = models.TextField(_("template error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read_idx")]

    def __str__(self):
        return self.title


class MailTemplate(models.Model):
    """The wording of a kind of letter, editable in the back office.

    Subject and texts are Django templates with the placeholders of their kind
    (notifications.kinds): {{ user }}, {{ title }}, {{ body }}, {{ link }}, and what the kind
    passes, e.g. {{ institution }}, {{ deadline }}. A template without a district is the
    installation's default (a superuser's to edit); a district's own template for a kind
    overrides it for letters about that district's records. Without either a letter uses the
    notification's own title and text.
    """

    district_path = "district"  # nullable: the installation's defaults belong to no district

    district = models.ForeignKey(
        District,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_templates",
        verbose_name=_("district"),
        help_text=_("Empty: the installation's default wording, used where a district has none of its own."),
    )
    kind = models.CharField(_("kind of letter"), max_length=60)
    description = models.CharField(_("when it is sent"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML text"), blank=True, help_text=_("Optional; the plain text is used when empty."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["kind", "district"]
        constraints = [
            # Two partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["district", "kind"], condition=Q(district__isnull=False), name="mail_template_unique_district"
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(district__isnull=True), name="mail_template_unique_default"
            ),
        ]

    def __str__(self):
        return self.description or str(kinds.name_of(self.kind))

    @property
    def is_default(self):
        return self.district_id is None

    def clean(self):
        letters.check_template(self)


class ReminderSetting(models.Model):
    """A district's default reminder offsets for one kind of deadline (days before; negative: after)."""

    district_path = "district"

    district = models.ForeignKey(District, models.CASCADE, related_name="reminder_settings", verbose_name=_("district"))
    kind = models.CharField(_("kind of deadline"), max_length=40)
    offsets = models.CharField(
        _("days before the deadline"),
        max_length=100,
        help_text=_("Comma-separated days before the deadline; a negative number is days after it, e.g. «7, 1, -1»."),
    )

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        constraints = [models.UniqueConstraint(fields=["district", "kind"], name="reminder_setting_unique")]

    def __str__(self):
        return f"{self.kind}: {self.offsets}"
