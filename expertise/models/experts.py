"""The expert pool and who reviews what: profiles, assignments, declared conflicts of interest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innovation_portal.workflow import Workflow


class ExpertProfile(models.Model):
    """What the methodology centre knows of an expert in a district: topics, load, availability.

    The pool itself is the users holding the expert role in the district (their role's
    institution is where they work); a profile is optional and adds topics and a load cap.
    """

    district_path = "district"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="expert_profiles", verbose_name=_("expert")
    )
    district = models.ForeignKey(
        "accounts.District", models.CASCADE, related_name="expert_profiles", verbose_name=_("district")
    )
    topics = models.CharField(
        _("topics"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. «функциональная грамотность, дошкольное образование, финансовая культура»."),
    )
    max_load = models.PositiveSmallIntegerField(
        _("at most applications per call"), default=10, help_text=_("Automatic assignment never gives more.")
    )
    is_active = models.BooleanField(_("available"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert pool")
        ordering = ["district", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "district"], name="expert_profile_unique")]

    def __str__(self):
        return str(self.user)

    @property
    def topic_list(self):
        return topic_list(self.topics)


def topic_list(text):
    return [part.strip().lower() for part in (text or "").replace(";", ",").split(",") if part.strip()]


class Assignment(models.Model):
    """An expert is asked to review one application by a due date."""

    district_path = "application__call__district"

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        ACCEPTED = "accepted", _("in progress")
        DECLINED = "declined", _("declined")
        CONFLICT = "conflict", _("conflict of interest declared")
        COMPLETED = "completed", _("review submitted")

    workflow = Workflow(
        State,
        moves={
            State.DECLINED: {State.ASSIGNED, State.ACCEPTED},
            State.CONFLICT: {State.ASSIGNED, State.ACCEPTED},
            State.COMPLETED: {State.ASSIGNED, State.ACCEPTED},
            # A methodist reopens a declined assignment (asked again) or a submitted review (back in
            # progress), with a reason.
            State.ASSIGNED: {State.DECLINED},
            State.ACCEPTED: {State.ASSIGNED, State.COMPLETED},
        },
        groups={
            # The expert still owes a review.
            "OPEN": {State.ASSIGNED, State.ACCEPTED},
            # Counted in the expert's load and in the call's progress.
            "ACTIVE": {State.ASSIGNED, State.ACCEPTED, State.COMPLETED},
            "WITHDRAWN": {State.DECLINED, State.CONFLICT},
            # A methodist may take it back (a submitted review is kept).
            "REMOVABLE": {State.ASSIGNED, State.ACCEPTED, State.DECLINED, State.CONFLICT},
            # A methodist may reopen it (a conflict of interest is never reopened).
            "REOPENABLE": {State.DECLINED, State.COMPLETED},
        },
        badges={
            State.ASSIGNED: "primary",
            State.ACCEPTED: "primary",
            State.DECLINED: "dark",
            State.CONFLICT: "dark",
            State.COMPLETED: "success",
        },
    )

    application = models.ForeignKey(
        "applications.Application", models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="expert_assignments", verbose_name=_("expert")
    )
    due_date = models.DateField(_("review due"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ASSIGNED, db_index=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_date", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="assignment_unique")]
        indexes = [models.Index(fields=["expert", "state"])]

    def __str__(self):
        return f"{self.expert}: {self.application}"

    @property
    def is_open(self):
        return self.state in self.OPEN


class ConflictDeclaration(models.Model):
    """An expert says they cannot judge an institution's work: never assigned to it again."""

    district_path = "institution__district"

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="expert_conflicts", verbose_name=_("expert")
    )
    institution = models.ForeignKey(
        "accounts.Institution", models.CASCADE, related_name="expert_conflicts", verbose_name=_("institution")
    )
    application = models.ForeignKey(
        "applications.Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("declared on the application"),
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [models.UniqueConstraint(fields=["expert", "institution"], name="conflict_unique")]

    def __str__(self):
        return f"{self.expert} — {self.institution}"
