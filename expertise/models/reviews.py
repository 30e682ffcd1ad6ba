"""An expert's review: a score and comment per criterion, an overall comment, a recommendation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innovation_portal.workflow import StateChange, Workflow


class Review(models.Model):
    district_path = "assignment__application__call__district"

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        FROZEN = "frozen", _("closed")

    class Recommendation(models.TextChoices):
        AWARD = "award", _("award the status")
        AWARD_AFTER_REVISION = "award_after_revision", _("award after revision")
        NOT_AWARD = "not_award", _("do not award")

    workflow = Workflow(
        State,
        # A methodist reopens a submitted review (back to a draft) with a reason.
        moves={State.SUBMITTED: {State.DRAFT}, State.FROZEN: {State.SUBMITTED}, State.DRAFT: {State.SUBMITTED}},
        groups={
            # Counted in the results: handed in by the expert (a frozen review was submitted first).
            "COUNTED": {State.SUBMITTED, State.FROZEN},
            "EDITABLE": {State.DRAFT},
        },
        badges={State.DRAFT: "secondary", State.SUBMITTED: "success", State.FROZEN: "success"},
    )

    assignment = models.OneToOneField(
        "expertise.Assignment", models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Set when a methodist typed the expert's paper score sheet in; empty: the expert's own.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered from a paper sheet by"),
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment__application", "pk"]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_counted(self):
        return self.state in self.COUNTED

    @property
    def from_paper(self):
        return self.entered_by_id is not None


class Score(models.Model):
    district_path = "review__assignment__application__call__district"

    review = models.ForeignKey(Review, models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        "applications.Criterion", models.CASCADE, related_name="review_scores", verbose_name=_("criterion")
    )
    # Empty while a draft has only a comment for this criterion.
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_unique")]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ReviewEvent(StateChange):
    """The audit trail of assignments and reviews: who moved what from which state to which, and why."""

    district_path = "assignment__application__call__district"

    class Subject(models.TextChoices):
        ASSIGNMENT = "assignment", _("assignment")
        REVIEW = "review", _("review")

    assignment = models.ForeignKey(
        "expertise.Assignment", models.CASCADE, related_name="events", verbose_name=_("assignment")
    )
    subject = models.CharField(_("what"), max_length=20, choices=Subject.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.get_subject_display()}: {self.get_from_state_display()} → {self.get_to_state_display()}"

    def states(self):
        from .experts import Assignment

        return Assignment.State if self.subject == self.Subject.ASSIGNMENT else Review.State


class ExpertiseClosure(models.Model):
    """A methodist closed a call's content expertise: incomplete applications rank with what they have."""

    district_path = "call__district"

    call = models.OneToOneField(
        "applications.Call", models.CASCADE, related_name="expertise_closure", verbose_name=_("call")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("closed expertise")
        verbose_name_plural = _("closed expertises")

    def __str__(self):
        return str(self.call)
