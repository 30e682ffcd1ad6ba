"""The public presentation stage and the councils that decide: meetings, agenda, decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innovation_portal.workflow import StateChange, Workflow


class Presentation(models.Model):
    """A slot in the schedule of public presentations of a call."""

    district_path = "call__district"

    call = models.ForeignKey("applications.Call", models.CASCADE, related_name="presentations", verbose_name=_("call"))
    application = models.OneToOneField(
        "applications.Application", models.CASCADE, related_name="presentation", verbose_name=_("application")
    )
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("length, minutes"), default=10)
    place = models.CharField(_("place"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.application.institution}: {self.starts_at:%d.%m.%Y %H:%M}"


class CouncilMeeting(models.Model):
    """A meeting of a council (экспертный совет, координационный совет, …) that decides on applications."""

    district_path = "district"

    class Kind(models.TextChoices):
        EXPERT_COUNCIL = "expert_council", _("expert council")
        COORDINATION_COUNCIL = "coordination_council", _("coordination council for innovation activity")
        SCIENTIFIC_COUNCIL = "scientific_council", _("scientific-methodological council")

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        HELD = "held", _("held")
        APPLIED = "applied", _("decisions applied")

    workflow = Workflow(
        Status,
        field="status",
        moves={Status.HELD: {Status.DRAFT}, Status.APPLIED: {Status.DRAFT, Status.HELD}},
        groups={"EDITABLE": {Status.DRAFT, Status.HELD}},
        badges={Status.DRAFT: "secondary", Status.HELD: "primary", Status.APPLIED: "success"},
    )

    district = models.ForeignKey(
        "accounts.District", models.PROTECT, related_name="council_meetings", verbose_name=_("district")
    )
    kind = models.CharField(_("council"), max_length=30, choices=Kind.choices, default=Kind.EXPERT_COUNCIL)
    number = models.CharField(_("protocol number"), max_length=30)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chair")
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("secretary")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="council_memberships", blank=True, verbose_name=_("members")
    )
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="council_attendance", blank=True, verbose_name=_("present")
    )
    invited = models.TextField(_("also invited"), blank=True, help_text=_("One person per line."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    state_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("decisions applied"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["district", "kind", "number", "date"], name="meeting_unique")]

    def __str__(self):
        return f"{self.get_kind_display()}, № {self.number} ({self.date:%d.%m.%Y})"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE


class CouncilMeetingEvent(StateChange):
    """The history of a meeting's status (held, decisions applied)."""

    district_path = "meeting__district"

    STATES = CouncilMeeting.Status

    meeting = models.ForeignKey(CouncilMeeting, models.CASCADE, related_name="events", verbose_name=_("meeting"))

    class Meta(StateChange.Meta):
        verbose_name = _("meeting history entry")
        verbose_name_plural = _("meeting history")


class AgendaItem(models.Model):
    """One question of the agenda: usually an application (or a site's report) to decide on."""

    district_path = "meeting__district"

    class Decision(models.TextChoices):
        AWARD = "award", _("award")
        NOT_AWARD = "not_award", _("do not award")
        RETURN = "return", _("return for revision")

    meeting = models.ForeignKey(CouncilMeeting, models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    application = models.ForeignKey(
        "applications.Application",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("application"),
    )
    title = models.CharField(_("question"), max_length=500, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    fix_by = models.DateField(
        _("revise by"),
        null=True,
        blank=True,
        help_text=_("For «return for revision»: the date the applicant revises by."),
    )
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstained = models.PositiveSmallIntegerField(_("abstained"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "application"], condition=models.Q(application__isnull=False), name="agenda_unique"
            )
        ]

    def __str__(self):
        return self.title or str(self.application)
