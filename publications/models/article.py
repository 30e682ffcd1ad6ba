from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Institution
from innovation_portal.files import PrivatePath
from innovation_portal.workflow import StateChange, Workflow

from .collection import Collection, CollectionSection

# The five parts every article has, in the wording of the call (Krasnoselsky seed, §7).
BODY_SECTIONS = [
    ("introduction", _("Introduction")),
    ("course_of_work", _("Course of the work")),
    ("methods_and_findings", _("Methods and findings")),
    ("results", _("Results")),
    ("conclusions", _("Conclusions")),
]
BODY_FIELDS = [name for name, _label in BODY_SECTIONS]

# The length the call asks for, in pages of the book's own layout.
MIN_PAGES = 4
MAX_PAGES = 7
# Longer than the estimate's own time limits (publications.tasks.estimate_length).
LENGTH_PATIENCE = timedelta(minutes=5)


class Article(models.Model):
    district_path = "collection__district"

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        REVISIONS_REQUESTED = "revisions_requested", _("revisions requested")
        RESUBMITTED = "resubmitted", _("resubmitted")
        ACCEPTED = "accepted", pgettext_lazy("article", "accepted")
        REJECTED = "rejected", pgettext_lazy("article", "rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    workflow = Workflow(
        State,
        moves={
            State.SUBMITTED: {State.DRAFT},
            State.IN_REVIEW: {State.SUBMITTED, State.RESUBMITTED},
            State.REVISIONS_REQUESTED: {State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED},
            State.RESUBMITTED: {State.REVISIONS_REQUESTED},
            State.ACCEPTED: {State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED},
            State.REJECTED: {State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED},
            State.WITHDRAWN: {
                *(State.DRAFT, State.SUBMITTED, State.IN_REVIEW),
                *(State.REVISIONS_REQUESTED, State.RESUBMITTED),
            },
        },
        groups={
            # The author may change the text only in these states.
            "EDITABLE": {State.DRAFT, State.REVISIONS_REQUESTED},
            # Waiting for the editor's decision.
            "AWAITING_EDITOR": {State.SUBMITTED, State.IN_REVIEW, State.RESUBMITTED},
            "WITHDRAWABLE": {
                *(State.DRAFT, State.SUBMITTED, State.IN_REVIEW),
                *(State.REVISIONS_REQUESTED, State.RESUBMITTED),
            },
            "CLOSED": {State.ACCEPTED, State.REJECTED, State.WITHDRAWN},
            "REVISING": {State.REVISIONS_REQUESTED},
        },
        badges={
            State.DRAFT: "secondary",
            State.SUBMITTED: "primary",
            State.IN_REVIEW: "primary",
            State.REVISIONS_REQUESTED: "warning",
            State.RESUBMITTED: "primary",
            State.ACCEPTED: "success",
            State.REJECTED: "dark",
            State.WITHDRAWN: "dark",
        },
    )

    collection = models.ForeignKey(Collection, models.PROTECT, related_name="articles", verbose_name=_("collection"))
    institution = models.ForeignKey(Institution, models.PROTECT, related_name="articles", verbose_name=_("institution"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="articles", verbose_name=_("author in the portal")
    )
    title = models.CharField(_("title"), max_length=400)
    abstract = models.TextField(_("abstract"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True, help_text=_("Separated by commas."))
    introduction = models.TextField(
        _("Introduction"),
        blank=True,
        help_text=_("The problem, why solving it matters, the traditional ways of solving it, the idea of a new way."),
    )
    course_of_work = models.TextField(
        _("Course of the work"), blank=True, help_text=_("A short description of the experimental work.")
    )
    methods_and_findings = models.TextField(
        _("Methods and findings"), blank=True, help_text=_("Methodological techniques, findings, ways, solutions.")
    )
    results = models.TextField(_("Results"), blank=True, help_text=_("What the innovation activity achieved."))
    conclusions = models.TextField(
        _("Conclusions"),
        blank=True,
        help_text=_("The practice's effect on quality, use in other fields, personal development, prospects."),
    )
    references = models.TextField(_("references"), blank=True, help_text=_("One source per line."))
    section = models.ForeignKey(
        CollectionSection,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("section of the collection"),
    )
    order = models.PositiveSmallIntegerField(_("order in the book"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    estimated_pages = models.PositiveSmallIntegerField(_("estimated pages"), null=True, blank=True)
    # The length on the book's layout to a tenth of a page («5,2 страницы»), measured in the
    # background (publications.tasks.estimate_length) for the text of `length_version`;
    # every save of the text bumps `content_version`, so a stale estimate is known as such.
    page_length = models.DecimalField(_("length, pages"), max_digits=5, decimal_places=1, null=True, blank=True)
    content_version = models.PositiveIntegerField(_("version of the text"), default=0)
    length_version = models.PositiveIntegerField(_("version the length was measured for"), null=True, blank=True)
    length_note = models.CharField(_("why the length is unknown"), max_length=300, blank=True)
    # The editor may let an article outside the call's length rule be sent; who, when and why.
    length_exception_reason = models.CharField(_("reason for the length exception"), max_length=300, blank=True)
    length_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("length exception allowed by"),
    )
    length_exception_at = models.DateTimeField(_("length exception allowed"), null=True, blank=True)
    source_file_name = models.CharField(_("uploaded Word file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["collection", "order", "pk"]
        indexes = [models.Index(fields=["collection", "state"])]

    def __str__(self):
        return self.title

    @property
    def is_editable(self):
        return self.state in self.EDITABLE

    @property
    def body_sections(self):
        return [(name, label, getattr(self, name)) for name, label in BODY_SECTIONS]

    @property
    def page_limits(self):
        """(min, max) pages: collections set no limits of their own, so the seed call's 4–7."""
        return MIN_PAGES, MAX_PAGES

    @property
    def length_is_current(self):
        return self.length_version is not None and self.length_version == self.content_version

    @property
    def length_is_lost(self):
        """Not measured long after the last save: the estimate's message or worker was lost.

        The page stops waiting and says so; sending the article asks for the estimate again.
        """
        return not self.length_is_current and self.updated_at < timezone.now() - LENGTH_PATIENCE

    @property
    def length_out_of_range(self):
        """Measured for the current text and outside the limits."""
        if not self.length_is_current or self.page_length is None:
            return False
        low, high = self.page_limits
        return not (low <= self.page_length <= high)

    @property
    def length_warning(self):
        return self.length_out_of_range

    @property
    def has_length_exception(self):
        return self.length_exception_at is not None

    @property
    def length_display(self):
        from publications.words import pages_phrase

        return pages_phrase(self.page_length) if self.page_length is not None else ""

    @property
    def keyword_list(self):
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    @property
    def reference_lines(self):
        return [line.strip() for line in self.references.splitlines() if line.strip()]


class ArticleAuthor(models.Model):
    """One of the article's authors as printed: name, position, institution."""

    district_path = "article__collection__district"

    article = models.ForeignKey(Article, models.CASCADE, related_name="authors", verbose_name=_("article"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.ForeignKey(
        Institution, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    institution_name = models.CharField(
        _("institution (as printed)"),
        max_length=300,
        blank=True,
        help_text=_("For an author from outside the district, or to print another name."),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["article", "order", "pk"]

    def __str__(self):
        return self.full_name

    @property
    def affiliation(self):
        return self.institution_name or (self.institution.short_name if self.institution_id else "")

    @property
    def index_name(self):
        """«Иванова Мария Петровна» as «Иванова М. П.» for the index of authors."""
        parts = self.full_name.split()
        if len(parts) < 2:
            return self.full_name
        return f"{parts[0]} {' '.join(p[0] + '.' for p in parts[1:])}"


class ArticleEvent(StateChange):
    """The history of an article: every change of state, who made it and why."""

    district_path = "article__collection__district"

    STATES = Article.State

    article = models.ForeignKey(Article, models.CASCADE, related_name="events", verbose_name=_("article"))

    class Meta(StateChange.Meta):
        verbose_name = _("article event")
        verbose_name_plural = _("article history")
        ordering = ["article", "at", "pk"]


class EditorComment(models.Model):
    """A remark of the editor to the authors, optionally about one part of the article."""

    district_path = "article__collection__district"

    article = models.ForeignKey(Article, models.CASCADE, related_name="comments", verbose_name=_("article"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("editor")
    )
    section = models.CharField(_("part of the article"), max_length=30, blank=True, choices=BODY_SECTIONS)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("editor's comment")
        verbose_name_plural = _("editor's comments")
        ordering = ["article", "created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class Reopening(models.Model):
    """The editor lets one article (or one author's new article) in after the deadline, until a date."""

    district_path = "collection__district"

    collection = models.ForeignKey(Collection, models.CASCADE, related_name="reopenings", verbose_name=_("collection"))
    article = models.ForeignKey(
        Article, models.CASCADE, null=True, blank=True, related_name="reopenings", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    until = models.DateTimeField(_("open until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reopening")
        verbose_name_plural = _("deadline reopenings")
        ordering = ["collection", "-until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | models.Q(user__isnull=False),
                name="reopening_names_article_or_author",
            )
        ]

    def __str__(self):
        return f"{self.article or self.user} → {self.until:%d.%m.%Y %H:%M}"


class WordImport(models.Model):
    """One Word file an author uploaded into an article, converted in the background.

    publications.tasks.convert_word claims it (queued → running), checks and converts the
    file in a limited child process (innovation_portal.safe_office), saves the article and
    measures its length; the upload page polls `progress`. A job that never starts or whose
    worker died is marked failed by `services.expire_stale_imports`, so no page waits forever.
    """

    district_path = "article__collection__district"

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for its turn")
        RUNNING = "running", _("converting")
        DONE = "done", _("converted")
        FAILED = "failed", _("not converted")

    FINISHED = {State.DONE, State.FAILED}

    article = models.ForeignKey(Article, models.CASCADE, related_name="word_imports", verbose_name=_("article"))
    file = models.FileField(_("Word file"), upload_to=PrivatePath("publications/word"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # What the conversion found: title, authors, warnings for the author.
    summary = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("Word upload")
        verbose_name_plural = _("Word uploads")
        ordering = ["article", "-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self):
        return self.state in self.FINISHED
