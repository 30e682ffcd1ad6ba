"""Catalogues the methodology centre keeps: kinds of status and the district programmes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusKind(models.Model):
    """A status an institution can hold (районная стажировочная площадка, ЭП, РИП, …).

    A catalogue methodists extend without a programmer: a new competition names its kind.
    Kinds without a district are the installation's, shared by every district (a superuser
    keeps them); a methodist's new kind belongs to their district.
    Its name is theirs to edit; what the portal itself does with a kind hangs on its `role`.
    """

    district_path = "district"

    class Level(models.TextChoices):
        DISTRICT = "district", _("district")
        CITY = "city", _("city")
        REGIONAL = "regional", _("regional")
        FEDERAL = "federal", _("federal")

    class Role(models.TextChoices):
        # Only the roles some code reads: the rating's «training site» indicator (ratings.sources).
        NONE = "", "—"
        TRAINING_SITE = "training_site", _("training site")

    district = models.ForeignKey(
        "accounts.District",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="status_kinds",
        verbose_name=_("district"),
        help_text=_("Empty: shared by every district of the installation."),
    )
    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("e.g. «Районная стажировочная площадка»")
    )
    short_name = models.CharField(_("short name"), max_length=50, blank=True, help_text=_("e.g. «РСП», «ЭП»"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    term_years = models.PositiveSmallIntegerField(_("usual term, years"), default=3)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        default=Role.NONE,
        help_text=_("What the portal counts the status as, whatever its name: e.g. the rating's training sites."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("status kind")
        verbose_name_plural = _("status kinds")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class DistrictProgramme(models.Model):
    """A district programme or initiative network project a base site works within («Поколение.RU», …)."""

    district_path = "district"

    district = models.ForeignKey(
        "accounts.District", models.CASCADE, related_name="district_programmes", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=300)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district programme or network project")
        verbose_name_plural = _("district programmes and network projects")
        ordering = ["district", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="programme_unique_name")]

    def __str__(self):
        return self.name
