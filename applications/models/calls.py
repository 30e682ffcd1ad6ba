"""A call (конкурс, приём отчётов, приём докладов) and its configuration: criteria, checklist, questions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innovation_portal.files import FileValidator, PrivatePath
from innovation_portal.years import validate_academic_year
from notifications.reminders import validate_offsets

# The stages in the order they must come: (field, its name as the subject of the message, as what it follows).
# Russian declines them differently («Техническая экспертиза … не может быть раньше окончания приёма заявок»).
STAGES = (
    (
        "closes_at",
        pgettext_lazy("stage named", "The submission deadline"),
        pgettext_lazy("stage after", "the submission deadline"),
    ),
    (
        "technical_check_date",
        pgettext_lazy("stage named", "The technical check"),
        pgettext_lazy("stage after", "the technical check"),
    ),
    (
        "expertise_starts",
        pgettext_lazy("stage named", "The start of the content expertise"),
        pgettext_lazy("stage after", "the start of the content expertise"),
    ),
    (
        "expertise_ends",
        pgettext_lazy("stage named", "The end of the content expertise"),
        pgettext_lazy("stage after", "the end of the content expertise"),
    ),
    ("decision_date", pgettext_lazy("stage named", "The decision"), pgettext_lazy("stage after", "the decision")),
)


def _day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def named_date(value):
    return date_format(_day(value), "j E Y")


def stage_order_errors(call):
    """{field: Russian message} for each stage dated before the stage that must come first.

    A stage left empty is skipped: the next one is compared with the last one given. The
    presentation falls between the start of the expertise (or the technical check) and the decision.
    """
    errors = {}
    previous = None
    for name, named, after in STAGES:
        value = getattr(call, name)
        if value is None:
            continue
        if previous is not None and _day(value) < _day(previous[1]):
            errors[name] = _("%(stage)s (%(date)s) cannot come before %(earlier)s (%(earlier_date)s).") % {
                "stage": named,
                "date": named_date(value),
                "earlier": previous[0],
                "earlier_date": named_date(previous[1]),
            }
        previous = (after, value)
    if call.presentation_date:
        after = call.expertise_starts or call.technical_check_date or call.closes_at
        if after and call.presentation_date < _day(after):
            errors["presentation_date"] = _("The public presentation (%(date)s) cannot come before %(when)s.") % {
                "date": named_date(call.presentation_date),
                "when": named_date(after),
            }
        elif call.decision_date and call.presentation_date > call.decision_date:
            errors["presentation_date"] = _(
                "The public presentation (%(date)s) cannot come after the decision (%(when)s)."
            ) % {
                "date": named_date(call.presentation_date),
                "when": named_date(call.decision_date),
            }
    return errors


class Call(models.Model):
    """What institutions apply to: a competition for a status, annual reports of sites, or conference talks."""

    district_path = "district"

    class Purpose(models.TextChoices):
        STATUS = "status", _("competition for a status")
        ANNUAL_REPORT = "annual_report", _("annual reports of current sites")
        CONFERENCE_TALK = "conference_talk", _("conference talks")

    class Form(models.TextChoices):
        TRAINING_SITE = "training_site", _("district training site application")
        BASE_SITE = "base_site", _("district base site application")
        GENERAL = "general", _("general status application (details, experience, staff, own questions)")
        ANNUAL_REPORT = "annual_report", _("annual report of a site")
        CONFERENCE_TALK = "conference_talk", _("conference talk")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("mean of the experts' totals")
        MEDIAN = "median", _("median of the experts' totals")

    PURPOSE_FORMS = {
        Purpose.STATUS: {Form.TRAINING_SITE, Form.BASE_SITE, Form.GENERAL},
        Purpose.ANNUAL_REPORT: {Form.ANNUAL_REPORT},
        Purpose.CONFERENCE_TALK: {Form.CONFERENCE_TALK},
    }

    district = models.ForeignKey("accounts.District", models.PROTECT, related_name="calls", verbose_name=_("district"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.STATUS)
    status_kind = models.ForeignKey(
        "applications.StatusKind",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("status kind"),
        help_text=_("The status competed for; for annual reports, the sites that report."),
    )
    academic_year = models.CharField(
        _("academic year"), max_length=9, validators=[validate_academic_year], help_text=_("e.g. 2023/2024")
    )
    title = models.CharField(_("title"), max_length=300)
    form = models.CharField(_("application form"), max_length=20, choices=Form.choices)
    rules = models.TextField(_("rules"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Coordinators see only published calls.")
    )
    opens_at = models.DateTimeField(_("accepting from"))
    closes_at = models.DateTimeField(
        _("deadline"), help_text=_("The moment, Moscow time, after which submission is refused.")
    )
    technical_check_date = models.DateField(_("technical check"), null=True, blank=True)
    expertise_starts = models.DateField(_("content expertise from"), null=True, blank=True)
    expertise_ends = models.DateField(_("content expertise until"), null=True, blank=True)
    presentation_date = models.DateField(_("public presentation"), null=True, blank=True)
    decision_date = models.DateField(pgettext_lazy("stage", "decision"), null=True, blank=True)
    # Settings the expertise reads (issue 5).
    reviews_hidden_until_submitted = models.BooleanField(
        _("experts see others' reviews only after submitting their own"), default=True
    )
    blind = models.BooleanField(_("blind expertise (experts do not see the institution)"), default=False)
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=5,
        decimal_places=2,
        default=2,
        validators=[MinValueValidator(0)],
        help_text=_("Experts' totals further apart than this are flagged for the council."),
    )
    aggregation = models.CharField(
        _("application's total"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
        help_text=_("How the experts' totals of an application are combined into its place in the ranking."),
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-closes_at", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The deadline must come after the opening.")
        if self.purpose and self.form and self.form not in self.PURPOSE_FORMS.get(self.purpose, set()):
            errors["form"] = _("This form does not fit the call's purpose.")
        if self.purpose in (self.Purpose.STATUS, self.Purpose.ANNUAL_REPORT) and not self.status_kind_id:
            errors["status_kind"] = _("Name the status kind.")
        if self.expertise_starts and self.expertise_ends and self.expertise_ends < self.expertise_starts:
            errors["expertise_ends"] = _("The expertise cannot end before it starts.")
        # The stages in their order: submission < technical check < expertise < decision.
        for name, message in stage_order_errors(self).items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now <= self.closes_at

    @property
    def is_expertise_open(self):
        """Issue 5 freezes reviews after this day."""
        return self.expertise_ends is None or timezone.localdate() <= self.expertise_ends


class CallFile(models.Model):
    district_path = "call__district"

    call = models.ForeignKey(Call, models.CASCADE, related_name="files", verbose_name=_("call"))
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=PrivatePath("calls"), validators=[FileValidator("document", max_mb=20)], max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rules file")
        verbose_name_plural = _("rules files")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Keep the name the user's computer gave the file for display; the stored name is random.
        if self.file and not self.original_name:
            self.original_name = getattr(self.file, "name", "")[-255:]
        super().save(*args, **kwargs)


class Criterion(models.Model):
    """A criterion experts score applications of the call against (issue 5's Review uses it)."""

    district_path = "call__district"

    call = models.ForeignKey(Call, models.CASCADE, related_name="criteria", verbose_name=_("call"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=3, validators=[MaxValueValidator(100)])
    labels = models.JSONField(
        _("labels of scores"),
        default=dict,
        blank=True,
        help_text=_('What each score means, e.g. {"0": "не проявляется", "3": "проявляется в полной мере"}.'),
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.scale_max is not None and self.scale_min is not None and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The highest score must be above the lowest.")})
        if not isinstance(self.labels, dict):
            raise ValidationError({"labels": _("Write one score per line: «0 — не соответствует».")})

    @property
    def scores(self):
        return list(range(self.scale_min, self.scale_max + 1))

    def label_for(self, score):
        return (self.labels or {}).get(str(score), "")


class ChecklistItem(models.Model):
    """One line of the technical check; automatic lines are ticked by the portal itself."""

    district_path = "call__district"

    class Automatic(models.TextChoices):
        REQUIRED_FIELDS = "required_fields", _("required fields are filled")
        TABLES = "tables", _("required tables have rows")
        FILES = "files", _("required files are attached")
        VIDEO_LENGTH = "video_length", _("the video lasts at most 3 minutes")
        QUESTIONS = "questions", _("required questions are answered")

    call = models.ForeignKey(Call, models.CASCADE, related_name="checklist", verbose_name=_("call"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=500)
    automatic = models.CharField(
        _("checked automatically"),
        max_length=20,
        choices=Automatic.choices,
        blank=True,
        help_text=_("Empty: the methodist ticks it by hand."),
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("technical checklist")
        ordering = ["call", "order", "pk"]

    def __str__(self):
        return self.text


class CallQuestion(models.Model):
    """An extra question a methodist adds to the call's form, without code."""

    district_path = "call__district"

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        NUMBER = "number", pgettext_lazy("answer kind", "number")
        DATE = "date", _("date")
        URL = "url", _("link")
        FILE = "file", _("file")
        SINGLE_CHOICE = "single_choice", _("one of a list")
        MULTIPLE_CHOICE = "multiple_choice", _("several of a list")

    CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE}

    call = models.ForeignKey(Call, models.CASCADE, related_name="questions", verbose_name=_("call"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help = models.CharField(_("hint"), max_length=500, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices, default=Kind.SHORT_TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["call", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind in self.CHOICE_KINDS and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})


class Extension(models.Model):
    """A personal deadline for one institution, granted by a methodist."""

    district_path = "call__district"

    call = models.ForeignKey(Call, models.CASCADE, related_name="extensions", verbose_name=_("call"))
    institution = models.ForeignKey(
        "accounts.Institution", models.CASCADE, related_name="call_extensions", verbose_name=_("institution")
    )
    until = models.DateTimeField(_("deadline extended until"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["call", "institution"]
        constraints = [models.UniqueConstraint(fields=["call", "institution"], name="extension_unique")]

    def __str__(self):
        return f"{self.institution}: {self.until:%d.%m.%Y %H:%M}"


class ExtensionRequest(models.Model):
    """A coordinator's request, after the deadline, for a later one; a methodist grants or refuses it.

    The row is its own history (requested by/at, decided by/at, the answer); the decision is made
    once, by services.decide_extension_request (a conditional update on the pending state).
    """

    district_path = "call__district"

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    call = models.ForeignKey(Call, models.CASCADE, related_name="extension_requests", verbose_name=_("call"))
    institution = models.ForeignKey(
        "accounts.Institution", models.CASCADE, related_name="extension_requests", verbose_name=_("institution")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "institution"], condition=Q(state="pending"), name="extension_request_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.institution}: {self.get_state_display()}"
