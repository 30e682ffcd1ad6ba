"""An institution's application to a call, with its tables, attachments, answers and history."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innovation_portal.files import FileValidator, PrivatePath
from innovation_portal.workflow import StateChange, Workflow


class Application(models.Model):
    """One institution's application (заявка) to one call; also an annual report or a conference talk."""

    district_path = "call__district"

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        RESUBMITTED = "resubmitted", _("resubmitted")
        ADMITTED = "admitted", _("admitted to expertise")
        UNDER_EXPERTISE = "under_expertise", _("under expertise")
        AWARDED = "awarded", _("status awarded")
        NOT_AWARDED = "not_awarded", _("status not awarded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The one door is services.move(); the council may return an application it has in expertise.
    # «Take back for correction» (services.take_back): a handed-in application nobody has checked
    # yet goes back to a draft with everything in it, before the deadline; handed in again, it is
    # «resubmitted».
    workflow = Workflow(
        State,
        moves={
            State.DRAFT: {State.SUBMITTED, State.RESUBMITTED},
            State.SUBMITTED: {State.DRAFT},
            State.RETURNED: {State.SUBMITTED, State.RESUBMITTED, State.ADMITTED, State.UNDER_EXPERTISE},
            State.RESUBMITTED: {State.RETURNED, State.DRAFT},
            State.ADMITTED: {State.SUBMITTED, State.RESUBMITTED},
            # Back to the council after its «return for revision» (the technical check was passed).
            State.UNDER_EXPERTISE: {State.ADMITTED, State.RETURNED},
            State.AWARDED: {State.ADMITTED, State.UNDER_EXPERTISE},
            State.NOT_AWARDED: {State.ADMITTED, State.UNDER_EXPERTISE},
            State.WITHDRAWN: {State.DRAFT, State.SUBMITTED, State.RETURNED, State.RESUBMITTED, State.ADMITTED},
        },
        groups={
            "EDITABLE": {State.DRAFT, State.RETURNED},
            # The coordinator has remarks to fix by a date.
            "AWAITING_FIXES": {State.RETURNED},
            "WAITING_CHECK": {State.SUBMITTED, State.RESUBMITTED},
            "IN_EXPERTISE": {State.ADMITTED, State.UNDER_EXPERTISE},
            "DECIDED": {State.AWARDED, State.NOT_AWARDED},
            # Everything the coordinator has handed in and not withdrawn: what methodists see and the
            # reports count as «подано». A returned application was handed in and is still in the
            # competition (it comes back corrected), so it stays counted. The reports' columns
            # (applications.selectors.STAGES) split exactly this group.
            "HANDED_IN": {
                *(State.SUBMITTED, State.RESUBMITTED, State.RETURNED, State.ADMITTED, State.UNDER_EXPERTISE),
                *(State.AWARDED, State.NOT_AWARDED),
            },
            "FINAL": {State.AWARDED, State.NOT_AWARDED, State.WITHDRAWN},
        },
        badges={
            State.DRAFT: "secondary",
            State.SUBMITTED: "primary",
            State.RETURNED: "warning",
            State.RESUBMITTED: "primary",
            State.ADMITTED: "primary",
            State.UNDER_EXPERTISE: "primary",
            State.AWARDED: "success",
            State.NOT_AWARDED: "dark",
            State.WITHDRAWN: "dark",
        },
    )

    call = models.ForeignKey("applications.Call", models.PROTECT, related_name="applications", verbose_name=_("call"))
    institution = models.ForeignKey(
        "accounts.Institution", models.PROTECT, related_name="applications", verbose_name=_("institution")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    remarks = models.TextField(_("remarks to fix"), blank=True)
    fix_by = models.DateField(_("fix by"), null=True, blank=True)
    # Returned by a council (not by the technical check): resubmitted, it goes back to that council.
    back_to_council = models.BooleanField(_("returned by the council"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)
    # Every save of the content counts up; a save based on an older revision is refused
    # (two tabs, two coordinators), so nothing is overwritten silently.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("saved by")
    )

    theme = models.CharField(_("theme"), max_length=500, blank=True)

    # 1. Organisation details: a snapshot taken from the institution, editable by the applicant.
    org_full_name = models.CharField(_("full name of the applicant organisation"), max_length=500, blank=True)
    org_legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    org_head = models.CharField(_("head: position and full name"), max_length=300, blank=True)
    org_phone = models.CharField(_("phone, fax"), max_length=100, blank=True)
    org_email = models.EmailField(_("e-mail"), blank=True)
    org_website = models.URLField(_("official website"), max_length=300, blank=True)
    manager_name = models.CharField(_("site manager: full name"), max_length=200, blank=True)
    manager_position = models.CharField(_("site manager: position"), max_length=200, blank=True)
    manager_phone = models.CharField(_("site manager: phone"), max_length=100, blank=True)
    manager_email = models.EmailField(_("site manager: e-mail"), blank=True)
    practice_url = models.URLField(_("page where the practice can be seen"), max_length=500, blank=True)

    # 3. Programme (training site / base site).
    programme_name = models.CharField(_("name of the internship programme"), max_length=500, blank=True)
    district_programme = models.ForeignKey(
        "applications.DistrictProgramme",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("district programme or initiative network project"),
    )
    goal = models.TextField(_("goal of the site's work"), blank=True)
    relevance = models.TextField(_("brief justification of relevance"), blank=True)
    consumers = models.TextField(_("main consumers (organisations, groups of educators)"), blank=True)
    difficulties = models.TextField(_("professional difficulties the programme addresses"), blank=True)
    immersion = models.TextField(_("how participants are immersed"), blank=True)
    hours = models.PositiveSmallIntegerField(
        _("length of the programme, academic hours"), null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    planned_results = models.TextField(_("planned results"), blank=True)
    ways = models.TextField(_("ways to reach the planned results"), blank=True)
    demand_forecast = models.TextField(_("forecast of demand for the programme"), blank=True)
    effectiveness = models.TextField(_("approaches to assessing effectiveness"), blank=True)

    # Annual reports and conference talks.
    summary = models.TextField(_("summary"), blank=True)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live application per institution and call; a withdrawn one may be followed by another.
            models.UniqueConstraint(
                fields=["call", "institution"], condition=~Q(state="withdrawn"), name="application_one_per_call"
            ),
        ]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self):
        return f"{self.institution} — {self.call}"

    @property
    def is_editable(self):
        return self.state in self.EDITABLE


class Row(models.Model):
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ExperienceRow(Row):
    """Experience on the topic in the last 5 years."""

    district_path = "application__call__district"

    application = models.ForeignKey(Application, models.CASCADE, related_name="experience")
    project = models.CharField(_("project"), max_length=500)
    years = models.CharField(_("years"), max_length=100, blank=True)
    works = models.TextField(_("kinds of work, results"), blank=True)

    class Meta(Row.Meta):
        verbose_name = _("experience row")
        verbose_name_plural = _("experience")

    def __str__(self):
        return self.project


class StaffRow(Row):
    district_path = "application__call__district"

    application = models.ForeignKey(Application, models.CASCADE, related_name="staff")
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    degree = models.CharField(_("academic degree and title"), max_length=200, blank=True)
    works = models.TextField(_("work done in the programme"), blank=True)

    class Meta(Row.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.full_name


class SourceRow(Row):
    """A teaching or methodological source for the interns."""

    district_path = "application__call__district"

    application = models.ForeignKey(Application, models.CASCADE, related_name="sources")
    title = models.CharField(_("title of the source"), max_length=500)
    annotation = models.TextField(_("annotation"), blank=True)

    class Meta(Row.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("teaching and methodological sources")

    def __str__(self):
        return self.title


class RoadmapEvent(Row):
    """An event of the base site's roadmap, in one of its three fixed sections."""

    district_path = "application__call__district"

    class Section(models.IntegerChoices):
        MODELS = 1, _("Development and testing of new models of educational activity, programmes and technologies")
        EVENTS = 2, _("Scientific-methodological and methodological events for educators")
        EXPERIENCE = 3, _("Generalising and presenting positive experience of solving the district's priority tasks")

    application = models.ForeignKey(Application, models.CASCADE, related_name="roadmap")
    section = models.PositiveSmallIntegerField(_("section"), choices=Section.choices)
    name = models.CharField(_("event"), max_length=500)
    timeframe = models.CharField(_("timeframe"), max_length=200, blank=True)
    audience = models.CharField(_("target audience"), max_length=300, blank=True)
    planned_result = models.TextField(_("planned result"), blank=True)

    class Meta:
        verbose_name = _("roadmap event")
        verbose_name_plural = _("roadmap")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return self.name


class Attachment(models.Model):
    """A file of the application (or, for the video, a link to where it can be watched)."""

    district_path = "application__call__district"

    class Kind(models.TextChoices):
        VIDEO = "video", _("video announcement")
        IMMERSION_SCENARIO = "immersion_scenario", _("immersion scenario")
        REPORT = "report", _("report")
        PRESENTATION = "presentation", _("presentation")
        OTHER = "other", _("other file")

    MAX_VIDEO_SECONDS = 180

    application = models.ForeignKey(Application, models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"), upload_to=PrivatePath("applications"), blank=True, validators=[FileValidator("any")], max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    video_url = models.URLField(_("link to the video"), max_length=500, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration, seconds"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(video_url=""), name="attachment_has_file_or_link"),
        ]

    def __str__(self):
        return self.original_name or self.video_url

    @property
    def is_link(self):
        return not self.file and bool(self.video_url)


class Answer(models.Model):
    """The answer to one of the call's extra questions."""

    district_path = "application__call__district"

    application = models.ForeignKey(Application, models.CASCADE, related_name="answers")
    question = models.ForeignKey("applications.CallQuestion", models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=PrivatePath("answers"), blank=True, validators=[FileValidator("any")], max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="answer_unique")]

    def __str__(self):
        return f"{self.question}: {self.display}"

    @property
    def is_empty(self):
        return not self.file and self.value in (None, "", [])

    @property
    def display(self):
        if self.file:
            return self.original_name
        if isinstance(self.value, list):
            return "; ".join(str(v) for v in self.value)
        return "" if self.value is None else str(self.value)


class ApplicationEvent(StateChange):
    """The audit trail: who moved the application from which state to which, when and why."""

    district_path = "application__call__district"

    STATES = Application.State

    application = models.ForeignKey(Application, models.CASCADE, related_name="events")
    # At each submission: what was handed in (services.snapshot_of), to show what a resubmission changed.
    snapshot = models.JSONField(_("submitted version"), null=True, blank=True, editable=False)

    class Meta(StateChange.Meta):
        verbose_name = _("history entry")
        verbose_name_plural = _("history")


class TechnicalCheck(models.Model):
    """One technical check of an application: the checklist as ticked, remarks, and the outcome."""

    district_path = "application__call__district"

    class Outcome(models.TextChoices):
        ADMITTED = "admitted", _("admitted to expertise")
        RETURNED = "returned", _("returned for correction")

    application = models.ForeignKey(Application, models.CASCADE, related_name="technical_checks")
    results = models.JSONField(_("checklist"), default=list, help_text=_("[{item, text, ok, automatic}]"))
    remarks = models.TextField(_("remarks"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("technical check")
        verbose_name_plural = _("technical checks")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"
