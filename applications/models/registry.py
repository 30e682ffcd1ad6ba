"""The registry of innovation sites: statuses awarded by councils or entered by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusAwardQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def in_period(self, start, end):
        return self.filter(valid_from__lte=end, valid_to__gte=start)


class StatusAward(models.Model):
    """An institution holds a status on a theme for a period, by a decision (of a council or elsewhere)."""

    district_path = "institution__district"

    institution = models.ForeignKey(
        "accounts.Institution", models.PROTECT, related_name="status_awards", verbose_name=_("institution")
    )
    status_kind = models.ForeignKey(
        "applications.StatusKind", models.PROTECT, related_name="awards", verbose_name=_("status")
    )
    theme = models.CharField(_("theme"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    decision_body = models.CharField(
        _("decided by"), max_length=300, blank=True, help_text=_("e.g. «Координационный совет ОО», «Распоряжение КО»")
    )
    protocol_number = models.CharField(_("protocol or order number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    application = models.OneToOneField(
        "applications.Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="award",
        verbose_name=_("application"),
        help_text=_("Empty for statuses granted elsewhere (ЭП, РИП, ФИП) and entered by hand."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    objects = StatusAwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("status award")
        verbose_name_plural = _("registry of innovation sites")
        ordering = ["status_kind__order", "institution__short_name", "-valid_from"]

    def __str__(self):
        return f"{self.institution}: {self.status_kind}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end cannot come before the start.")})

    @property
    def is_current(self):
        return self.valid_from <= timezone.localdate() <= self.valid_to
