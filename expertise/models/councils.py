"""The public presentation stage and the councils that decide: meetings, agenda, decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    # The protocol's heading «заседания экспертного совета»: the council's name in the genitive.
    MEETING_OF = {
        Kind.EXPERT_COUNCIL: pgettext_lazy("protocol", "of the meeting of the expert council"),
        Kind.COORDINATION_COUNCIL: pgettext_lazy(
            "protocol", "of the meeting of the coordination council for innovation activity"
        ),
        Kind.SCIENTIFIC_COUNCIL: pgettext_lazy("protocol", "of the meeting of the scientific-methodological council"),
    }

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

    @property
    def meeting_of(self):
        return self.MEETING_OF[self.kind]

    # The roster, read from `members` (prefetch it: selectors.meetings and the pages do).
    def _with_role(self, role):
        return next((m for m in self.members.all() if m.role == role), None)

    @property
    def chair(self):
        return self._with_role(CouncilMember.Role.CHAIR)

    @property
    def secretary(self):
        return self._with_role(CouncilMember.Role.SECRETARY)

    @property
    def present_members(self):
        return [m for m in self.members.all() if m.present]


class CouncilMember(models.Model):
    """A person on the council for one meeting: anyone (a scientist, a retired expert), not only a
    portal user. Attendance is a flag on the row, so editing it can never drop a member."""

    district_path = "meeting__district"

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member of the council")

    meeting = models.ForeignKey(CouncilMeeting, models.CASCADE, related_name="members", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
        verbose_name=_("portal account"),
        help_text=_("Optional: link the member to their account (their conflicts of interest are then known)."),
    )
    role = models.CharField(_("role on the council"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "role"], condition=~models.Q(role="member"), name="council_one_chair_one_secretary"
            )
        ]

    def __str__(self):
        return self.full_name


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
    # Members with a conflict of interest on this question: counted among those who abstained.
    recused = models.ManyToManyField(
        CouncilMember, related_name="recusals", blank=True, verbose_name=_("abstained: conflict of interest")
    )
    # Awarding before every review is in needs the council's reason; the protocol prints it.
    override_reason = models.TextField(
        _("reason to decide before the expertise is complete"),
        blank=True,
        help_text=_("Needed to award while reviews are unfinished; printed in the protocol."),
    )
    # With an override: the reviews submitted and expected when the decision was recorded.
    reviews_done = models.PositiveSmallIntegerField(_("reviews submitted at the decision"), null=True, blank=True)
    reviews_expected = models.PositiveSmallIntegerField(_("reviews expected at the decision"), null=True, blank=True)

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
