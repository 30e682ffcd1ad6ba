"""Annual plans of events and roadmaps: sections, items, their timeframes and execution."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Institution
from innovation_portal.files import FileValidator, PrivatePath
from innovation_portal.workflow import StateChange, Workflow


class Plan(models.Model):
    """A district's plan of events (or a roadmap) for an academic or a calendar year."""

    district_path = "district"

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan of events")
        ROADMAP = "roadmap", _("roadmap")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")

    # Which status may be reached from which: the one door is services.move.
    workflow = Workflow(
        Status,
        field="status",
        moves={
            Status.APPROVED: {Status.DRAFT},
            Status.PUBLISHED: {Status.DRAFT, Status.APPROVED},
            Status.DRAFT: {Status.APPROVED, Status.PUBLISHED},
        },
        groups={"PUBLIC": {Status.PUBLISHED}, "NOT_PUBLIC": {Status.DRAFT, Status.APPROVED}},
        badges={Status.DRAFT: "warning", Status.APPROVED: "warning", Status.PUBLISHED: "success"},
    )

    district = models.ForeignKey(District, models.PROTECT, related_name="plans", verbose_name=_("district"))
    title = models.TextField(_("title"), help_text=_("As written in the document."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLAN)
    period_label = models.CharField(
        _("period"), max_length=9, help_text=_("An academic year (2023/2024) or a calendar year (2022).")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    state_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    approval_document = models.FileField(
        _("approval document"),
        upload_to=PrivatePath("plans/approval"),
        validators=[FileValidator("document", max_mb=20)],
        blank=True,
    )
    approval_document_name = models.CharField(_("approval document file name"), max_length=255, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    source_name = models.CharField(_("imported from"), max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-period_start", "district__name", "title"]
        indexes = [models.Index(fields=["status", "-period_start"])]

    def __str__(self):
        return f"{self.title[:120]} ({self.period_label})"

    @property
    def is_published(self):
        return self.status in self.PUBLIC

    @property
    def months(self):
        """The (year, month) pairs of the plan's period, in order."""
        result, year, month = [], self.period_start.year, self.period_start.month
        while (year, month) <= (self.period_end.year, self.period_end.month):
            result.append(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


class PlanStatusChange(StateChange):
    """Audit of a plan's status: who moved it, when, from what to what, and why."""

    district_path = "plan__district"

    STATES = Plan.Status

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="status_changes")


class PlanAbbreviation(models.Model):
    """A line of the plan's legend: «ОО – отдел образования»."""

    district_path = "plan__district"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="abbreviations", verbose_name=_("plan"))
    abbr = models.CharField(_("abbreviation"), max_length=50)
    meaning = models.CharField(_("meaning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("abbreviation")
        verbose_name_plural = _("legend")
        ordering = ["plan", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "abbr"], name="plan_abbreviation_unique")]

    def __str__(self):
        return f"{self.abbr} – {self.meaning}"


class PlanSection(models.Model):
    district_path = "plan__district"

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="sections", verbose_name=_("plan"))
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.TextField(_("title"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return " ".join(part for part in (self.number, self.title) if part) or str(_("(no section)"))


class Execution(models.TextChoices):
    """What became of one occurrence of an event."""

    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    MOVED = "moved", _("moved")
    CANCELLED = "cancelled", _("cancelled")


class PlanItem(models.Model):
    """One event of a plan, with its timeframe as written and as understood."""

    district_path = "plan__district"

    # Each occurrence of the item is marked on its own (PlanItemOccurrence); the states live there.
    Execution = Execution

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="items", verbose_name=_("plan"))
    section = models.ForeignKey(PlanSection, models.CASCADE, related_name="items", verbose_name=_("section"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent item")
    )
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("As written, e.g. «4.12.1»."))
    order = models.PositiveIntegerField(_("order"), default=0)
    group = models.CharField(_("sub-heading"), max_length=500, blank=True)
    title = models.TextField(_("event"))
    timeframe_text = models.CharField(_("timeframe"), max_length=500, blank=True, help_text=_("As written."))
    # What was understood of the timeframe (plans.timeframes), refreshed whenever the text changes.
    understood = models.BooleanField(_("timeframe understood"), default=False, editable=False)
    timeframe_kind = models.CharField(_("kind of timeframe"), max_length=20, blank=True, editable=False)
    months = models.JSONField(_("months"), default=list, blank=True, editable=False)
    dates = models.JSONField(_("dates"), default=list, blank=True, editable=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True, editable=False)
    recurrence = models.CharField(_("recurrence"), max_length=30, blank=True, editable=False)
    spans = models.JSONField(_("named stretches"), default=list, blank=True, editable=False)
    timeframe_note = models.CharField(_("how the timeframe was read"), max_length=500, blank=True, editable=False)
    starts_on = models.DateField(_("first day"), null=True, blank=True, editable=False)
    needs_review = models.BooleanField(
        _("needs a methodist's look"),
        default=False,
        help_text=_("The timeframe was not understood: the calendar does not show this item."),
    )
    audience = models.TextField(_("target audience"), blank=True)
    organizers_text = models.CharField(_("organizers"), max_length=500, blank=True)
    organizers = models.ManyToManyField(
        PlanAbbreviation, blank=True, related_name="items", verbose_name=_("organizers from the legend")
    )
    responsible = models.TextField(_("responsible"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    host_institution = models.ForeignKey(
        Institution,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_plan_items",
        verbose_name=_("host institution"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_plan_items",
        verbose_name=_("responsible person's account"),
        help_text=_("The responsible person of a roadmap item marks its occurrences in the browser."),
    )
    source_row = models.PositiveIntegerField(_("row in the document"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "order", "pk"]
        indexes = [
            models.Index(fields=["plan", "order"]),
            models.Index(fields=["host_institution", "starts_on"]),
        ]

    def __str__(self):
        return f"{self.number} {self.title[:100]}".strip()

    @property
    def depth(self):
        return max(len([p for p in self.number.split(".") if p.strip()]) - 1, 0)


class PlanItemMonth(models.Model):
    """A month an item touches, as a row: "this month" and the calendar are one indexed lookup."""

    district_path = "item__plan__district"

    item = models.ForeignKey(PlanItem, models.CASCADE, related_name="month_rows")
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "month"], name="plan_item_month_unique")]
        indexes = [models.Index(fields=["month", "item"])]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class PlanItemOccurrence(models.Model):
    """One time an event is held: a month of «ежемесячно», a date of «10.10, 15.11», the one mark of
    a timeframe not understood (no window). Marked held / moved / cancelled on its own.

    The window comes from the timeframe (plans.timeframes.occurrence_slots) and ``key`` names it,
    so that re-reading an edited timeframe keeps the marks of the windows that remain. A marked
    occurrence whose window is gone from the timeframe is kept and flagged (``out_of_timeframe``).
    """

    district_path = "item__plan__district"

    # The one door is services.move (mark_occurrence); a mark can be corrected (held → held).
    workflow = Workflow(
        Execution,
        field="execution",
        moves={
            Execution.HELD: {Execution.PLANNED, Execution.MOVED, Execution.HELD},
            Execution.MOVED: {Execution.PLANNED, Execution.MOVED},
            Execution.CANCELLED: {Execution.PLANNED, Execution.MOVED},
            Execution.PLANNED: {Execution.HELD, Execution.MOVED, Execution.CANCELLED},
        },
        groups={"MARKED": {Execution.HELD, Execution.MOVED, Execution.CANCELLED}},
        badges={
            Execution.PLANNED: "light",
            Execution.HELD: "success",
            Execution.MOVED: "info",
            Execution.CANCELLED: "secondary",
        },
    )

    item = models.ForeignKey(PlanItem, models.CASCADE, related_name="occurrences", verbose_name=_("plan item"))
    key = models.CharField(max_length=60, blank=True, editable=False)
    first_day = models.DateField(_("from"), null=True, blank=True, editable=False)
    last_day = models.DateField(_("to"), null=True, blank=True, editable=False)
    exact = models.BooleanField(default=False, editable=False, help_text="The window is days, not whole months.")
    out_of_timeframe = models.BooleanField(_("no longer in the timeframe"), default=False, editable=False)
    execution = models.CharField(
        _("execution"), max_length=10, choices=Execution.choices, default=Execution.PLANNED, editable=False
    )
    executed_on = models.DateField(_("held on / moved to"), null=True, blank=True, editable=False)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True, editable=False)
    materials_url = models.URLField(_("link to materials"), max_length=500, blank=True, editable=False)
    materials_file = models.FileField(
        _("materials"),
        upload_to=PrivatePath("plans/materials"),
        validators=[FileValidator("any", max_mb=20)],
        blank=True,
        editable=False,
    )
    materials_file_name = models.CharField(_("materials file name"), max_length=255, blank=True, editable=False)
    report = models.TextField(_("short report"), blank=True, editable=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    state_changed_at = models.DateTimeField(_("marked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["item", "first_day", "key", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="plan_item_occurrence_unique")]
        indexes = [models.Index(fields=["execution", "executed_on"]), models.Index(fields=["first_day"])]

    def __str__(self):
        return f"{self.item} — {self.window_text or _('no date')}"

    @property
    def is_marked(self):
        return self.execution in self.MARKED

    @property
    def is_dated(self):
        return self.first_day is not None

    @property
    def window_text(self):
        """«10.10.2023», «10.10.2023 – 12.10.2023», «10.2023», «09.2023 – 04.2024»; "" when undated."""
        if self.first_day is None:
            return ""
        if self.exact:
            if self.first_day == self.last_day:
                return f"{self.first_day:%d.%m.%Y}"
            return f"{self.first_day:%d.%m.%Y} – {self.last_day:%d.%m.%Y}"
        if (self.first_day.year, self.first_day.month) == (self.last_day.year, self.last_day.month):
            return f"{self.first_day:%m.%Y}"
        return f"{self.first_day:%m.%Y} – {self.last_day:%m.%Y}"

    @property
    def shown_day(self):
        """The one day the feeds put it on: where it was held or moved to, else its exact planned day."""
        if self.execution in (Execution.HELD, Execution.MOVED) and self.executed_on:
            return self.executed_on
        return self.first_day if self.exact and self.first_day == self.last_day else None

    def feed_window(self):
        """(first day, last day, exact) in the calendar and feeds: a moved event only at its new date."""
        if self.execution in (Execution.HELD, Execution.MOVED) and self.executed_on:
            return self.executed_on, self.executed_on, True
        if self.first_day is None:
            return None
        return self.first_day, self.last_day, self.exact

    def report_month(self, today):
        """(month, execution) the reports count it under: held where it was held, never a day to come.

        Held and moved events count in the month of their date (moved: the new date); planned and
        cancelled ones in the first month of their window; an undated one under no month (None).
        A held mark dated after ``today`` (left from before held dates were checked) counts as planned.
        """
        if self.execution in (Execution.HELD, Execution.MOVED) and self.executed_on:
            execution = self.execution
            if execution == Execution.HELD and self.executed_on > today:
                execution = Execution.PLANNED
            return self.executed_on.replace(day=1), execution
        month = self.first_day.replace(day=1) if self.first_day else None
        return month, self.execution

    def feed_months(self):
        """The first days of the months the occurrence is shown in (its window, or the day it moved to)."""
        window = self.feed_window()
        if window is None:
            return []
        first, last, _exact = window
        months, month = [], first.replace(day=1)
        while month <= last:
            months.append(month)
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        return months


class PlanItemExecutionChange(StateChange):
    """History of the execution marks of an item's occurrences: who marked what, when, with what."""

    district_path = "item__plan__district"

    STATES = Execution

    item = models.ForeignKey(PlanItem, models.CASCADE, related_name="execution_changes")
    occurrence = models.ForeignKey(PlanItemOccurrence, models.CASCADE, null=True, blank=True, related_name="changes")
    executed_on = models.DateField(null=True, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)
    report = models.TextField(blank=True)


class PlanImport(models.Model):
    """One plan file a methodist uploaded, read in the background before its preview.

    The upload only keeps the file and queues `plans.read_plan_import`, which claims the job
    (queued → running), checks the archive and reads it in a limited child process
    (innovation_portal.safe_office), and keeps the parsed plan as JSON (`parsed`) or the
    Russian reason it was refused (`message`). The progress page polls it, then shows the
    preview built from `parsed`; confirming imports from `parsed` (the file is not read
    again) and links the created plan here, so a second confirmation imports nothing.
    """

    district_path = "district"

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for its turn")
        RUNNING = "running", _("being read")
        DONE = "done", _("read")
        FAILED = "failed", _("not read")

    FINISHED = {State.DONE, State.FAILED}

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    district = models.ForeignKey(District, models.CASCADE, related_name="+", verbose_name=_("district"))
    period_label = models.CharField(_("period"), max_length=9)
    kind = models.CharField(_("kind"), max_length=10, choices=Plan.Kind.choices, default=Plan.Kind.PLAN)
    #: the table of a Word document the plan is read from (an appendix imported separately)
    table = models.PositiveIntegerField(_("table"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=PrivatePath("plans/imports"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    message = models.CharField(_("reason"), max_length=1000, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    parsed = models.JSONField(_("what was read"), default=dict, blank=True)
    plan = models.ForeignKey(
        Plan, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("imported plan")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan file import")
        verbose_name_plural = _("plan file imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self):
        return self.state in self.FINISHED
