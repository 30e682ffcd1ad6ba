"""The innovation activity rating: a campaign per district and year, its indicators, the
institutions' cards with their entries, the computed results and the interviews after it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Institution
from innovation_portal.files import FileValidator, PrivatePath
from innovation_portal.workflow import StateChange, Workflow
from innovation_portal.years import validate_academic_year
from notifications.reminders import validate_offsets


class RatingCampaign(models.Model):
    """One year's rating in one district: indicators, deadlines and a status."""

    district_path = "district"

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        COLLECTING = "collecting", _("collecting data")
        VERIFYING = "verifying", _("verification")
        PUBLISHED = "published", _("published")

    workflow = Workflow(
        Status,
        field="status",
        moves={
            Status.COLLECTING: {Status.DRAFT, Status.VERIFYING},
            Status.VERIFYING: {Status.COLLECTING, Status.PUBLISHED},
            Status.PUBLISHED: {Status.VERIFYING},
            Status.DRAFT: {Status.COLLECTING},
        },
        groups={
            # The statuses in which a methodist may verify cards and compute the rating.
            "VERIFIABLE": {Status.COLLECTING, Status.VERIFYING},
            "COMPUTABLE": {Status.VERIFYING, Status.PUBLISHED},
            "PUBLIC": {Status.PUBLISHED},
            # Open to the coordinators (their cards, the interviews).
            "OPENED": {Status.COLLECTING, Status.VERIFYING, Status.PUBLISHED},
            # What the methodist's buttons may do now.
            "OPENABLE": {Status.DRAFT, Status.VERIFYING},
            "CLOSABLE": {Status.COLLECTING},
            "REFRESHABLE": {Status.COLLECTING, Status.VERIFYING},
            "PUBLISHABLE": {Status.VERIFYING},
        },
        badges={
            Status.DRAFT: "secondary",
            Status.COLLECTING: "primary",
            Status.VERIFYING: "secondary",
            Status.PUBLISHED: "success",
        },
    )

    district = models.ForeignKey(District, models.PROTECT, related_name="rating_campaigns", verbose_name=_("district"))
    academic_year = models.CharField(
        _("academic year"), max_length=9, validators=[validate_academic_year], help_text=_("e.g. 2025/2026")
    )
    title = models.CharField(_("title"), max_length=300, default=_("Innovation activity rating"))
    data_deadline = models.DateTimeField(
        _("data deadline"), help_text=_("Cards are submitted until this moment (Moscow time).")
    )
    verification_starts = models.DateField(_("verification starts"), null=True, blank=True)
    verification_ends = models.DateField(_("verification ends"), null=True, blank=True)
    appeal_until = models.DateTimeField(
        _("appeals until"), null=True, blank=True, help_text=_("Empty: no appeal window.")
    )
    interviews_start = models.DateField(_("interviews start"), null=True, blank=True)
    interviews_end = models.DateField(_("interviews end"), null=True, blank=True)
    publish_on = models.DateField(_("planned publication date"), null=True, blank=True)
    separate_groups = models.BooleanField(
        _("rank groups separately"),
        default=False,
        help_text=_("Rank schools, kindergartens and additional education separately."),
    )
    reminder_offsets = models.CharField(
        _("reminder days"),
        max_length=100,
        blank=True,
        validators=[validate_offsets],
        help_text=_(
            "Days before the deadline when reminders go out, e.g. «7, 1, -1» (negative: after it); "
            "empty: the district's setting."
        ),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating campaign")
        verbose_name_plural = _("rating campaigns")
        ordering = ["district", "-academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "academic_year"], name="rating_campaign_unique_year"),
        ]

    def __str__(self):
        return f"{self.title} {self.academic_year} ({self.district.short_name})"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def deadline_passed(self, now=None):
        return (now or timezone.now()) > self.data_deadline

    def appeal_open(self, now=None):
        return self.appeal_until is not None and (now or timezone.now()) <= self.appeal_until


class Indicator(models.Model):
    """A line of the rating: what counts, how it scores, what proves it and where it comes from."""

    district_path = "campaign__district"

    class Scoring(models.TextChoices):
        PER_ENTRY = "per_entry", _("points per entry, up to a cap")
        YES_NO = "yes_no", _("yes/no: fixed points")
        METHODIST = "methodist", _("points given by a methodist, up to a maximum")

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="indicators", verbose_name=_("rating campaign")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    scoring = models.CharField(_("scoring"), max_length=12, choices=Scoring.choices, default=Scoring.PER_ENTRY)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Per entry; the fixed points of a yes/no indicator; the maximum a methodist gives."),
    )
    cap = models.DecimalField(
        _("cap"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The most an indicator scored per entry may give; empty: no cap."),
    )
    evidence = models.TextField(_("evidence required"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=40,
        blank=True,
        help_text=_("Empty: entered by the institution; otherwise computed from the portal."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="indicator_unique_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_automatic(self):
        return bool(self.source)

    @property
    def limit(self):
        """The most this indicator can give an institution (None: unlimited)."""
        if self.scoring == self.Scoring.PER_ENTRY:
            return self.cap
        return self.points


class RatingCard(models.Model):
    """The institution's «информационно-диагностическая карта» for one campaign."""

    district_path = "campaign__district"

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        VERIFIED = "verified", _("verified")
        APPEALED = "appealed", _("appealed")

    workflow = Workflow(
        State,
        moves={
            State.SUBMITTED: {State.DRAFT},
            State.VERIFIED: {State.SUBMITTED, State.APPEALED},
            State.APPEALED: {State.VERIFIED},
        },
        groups={"EDITABLE": {State.DRAFT}, "UNDER_VERIFICATION": {State.SUBMITTED, State.APPEALED}},
        badges={
            State.DRAFT: "secondary",
            State.SUBMITTED: "primary",
            State.VERIFIED: "success",
            State.APPEALED: "primary",
        },
    )

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="cards", verbose_name=_("rating campaign")
    )
    institution = models.ForeignKey(
        Institution, models.CASCADE, related_name="rating_cards", verbose_name=_("institution")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating card")
        verbose_name_plural = _("rating cards")
        ordering = ["campaign", "institution__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "institution"], name="rating_card_unique_institution"),
        ]

    def __str__(self):
        return f"{self.institution} · {self.campaign.academic_year}"


class RatingEntry(models.Model):
    """One event, publication or fact on a card, with its evidence and its verification."""

    district_path = "card__campaign__district"

    class Level(models.TextChoices):
        INSTITUTION = "institution", _("institution")
        DISTRICT = "district", _("district")
        CITY = "city", _("city")
        REGIONAL = "regional", _("interregional")
        NATIONAL = "national", _("national")
        INTERNATIONAL = "international", _("international")

    class Verification(models.TextChoices):
        PENDING = "pending", _("not verified yet")
        ACCEPTED = "accepted", _("accepted")
        ADJUSTED = "adjusted", _("accepted with other points")
        REJECTED = "rejected", _("rejected")

    COUNTED = {Verification.ACCEPTED, Verification.ADJUSTED}

    card = models.ForeignKey(RatingCard, models.CASCADE, related_name="entries", verbose_name=_("rating card"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="entries", verbose_name=_("indicator"))
    title = models.CharField(_("event or publication"), max_length=500)
    date = models.DateField(_("date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    evidence = models.FileField(
        _("evidence file"),
        upload_to=PrivatePath("ratings/evidence"),
        validators=[FileValidator("evidence", max_mb=20)],
        blank=True,
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    automatic = models.BooleanField(_("filled by the portal"), default=False)
    may_count_again = models.BooleanField(
        _("may count again in a later year"),
        default=False,
        help_text=_("A methodist allows the same event (title and date) to be entered on a later year's card."),
    )
    source_ref = models.CharField(_("source record"), max_length=100, blank=True)
    shared_event = models.ForeignKey(
        "ratings.SharedEvent",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("shared event"),
        help_text=_("Recorded once by a methodist for several institutions."),
    )
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    verification = models.CharField(
        _("verification"), max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("methodist's comment"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    appeal = models.TextField(_("appeal"), blank=True)
    appeal_answer = models.TextField(_("answer to the appeal"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("rating entry")
        verbose_name_plural = _("rating entries")
        ordering = ["indicator__order", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "indicator", "source_ref"],
                condition=Q(automatic=True),
                name="rating_entry_unique_source_ref",
            ),
        ]

    def __str__(self):
        return self.title


class SharedEvent(models.Model):
    """One event several institutions took part in (a ПМОФ session hosted by three schools),
    recorded once by a methodist: it appears as an accepted entry on each participant's card."""

    district_path = "campaign__district"

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="shared_events", verbose_name=_("rating campaign")
    )
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="shared_events", verbose_name=_("indicator"))
    title = models.CharField(_("event or publication"), max_length=500)
    date = models.DateField(_("date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=15, choices=RatingEntry.Level.choices, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    institutions = models.ManyToManyField(
        Institution, related_name="shared_rating_events", verbose_name=_("participating institutions")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("shared event")
        verbose_name_plural = _("shared events")
        ordering = ["campaign", "date", "pk"]

    def __str__(self):
        return self.title


class RatingResult(models.Model):
    """A snapshot of one institution's place in a computed rating."""

    district_path = "campaign__district"

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="results", verbose_name=_("rating campaign")
    )
    institution = models.ForeignKey(
        Institution, models.CASCADE, related_name="rating_results", verbose_name=_("institution")
    )
    group = models.CharField(_("group"), max_length=15, choices=Institution.Group.choices)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("place"))
    group_rank = models.PositiveIntegerField(_("place in the group"))
    points = models.JSONField(_("points per indicator"), default=dict)
    previous_total = models.DecimalField(_("last year's total"), max_digits=8, decimal_places=2, null=True)
    previous_rank = models.PositiveIntegerField(_("last year's place"), null=True)
    previous_group_rank = models.PositiveIntegerField(_("last year's place in the group"), null=True)

    class Meta:
        verbose_name = _("rating result")
        verbose_name_plural = _("rating results")
        ordering = ["campaign", "rank", "institution__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "institution"], name="rating_result_unique_institution"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.institution}"

    @property
    def change(self):
        """Points gained (or lost) against last year; None for a newcomer."""
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def rank_change(self):
        """Places climbed since last year (positive is better)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def group_rank_change(self):
        return None if self.previous_group_rank is None else self.previous_group_rank - self.group_rank


class InterviewSlot(models.Model):
    """A time for an interview with an institution's team after the data deadline."""

    district_path = "campaign__district"

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="slots", verbose_name=_("rating campaign")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        Institution,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="interview_slots",
        verbose_name=_("booked by"),
    )
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["campaign", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "starts_at"], name="interview_slot_unique_start"),
            # One interview per institution per campaign; the database settles two tabs racing.
            models.UniqueConstraint(
                fields=["campaign", "booked_by"],
                condition=Q(booked_by__isnull=False),
                name="interview_slot_one_per_institution",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="interview_slot_ends_after"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def institution_id(self):
        return self.booked_by_id


class RatingHistory(StateChange):
    """Who moved a campaign or a card from which state to which, when and why."""

    district_path = "campaign__district"

    campaign = models.ForeignKey(
        RatingCampaign, models.CASCADE, related_name="history", verbose_name=_("rating campaign")
    )
    card = models.ForeignKey(
        RatingCard, models.CASCADE, null=True, blank=True, related_name="history", verbose_name=_("rating card")
    )

    class Meta(StateChange.Meta):
        verbose_name = _("rating history entry")
        verbose_name_plural = _("rating history")
        ordering = ["-at", "-pk"]

    def states(self):
        return RatingCard.State if self.card_id else RatingCampaign.Status
