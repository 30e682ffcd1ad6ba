from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from innovation_portal.workflow import StateChange, Workflow
from innovation_portal.years import validate_academic_year
from notifications.reminders import validate_offsets


class Series(models.Model):
    """A publication the ИМЦ issues again and again: a yearly collection, a monthly bulletin."""

    district_path = "district"

    class Kind(models.TextChoices):
        COLLECTION = "collection", _("collection of articles")
        BULLETIN = "bulletin", _("bulletin with numbered issues")
        ALMANAC = "almanac", _("almanac")
        ANNOTATED_REPORTS = "annotated_reports", _("collection of annotated reports")

    district = models.ForeignKey(
        District, models.PROTECT, related_name="publication_series", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLECTION)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["district", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="series_unique_name")]

    def __str__(self):
        return self.name


class Collection(models.Model):
    """One book (or one issue of a bulletin): its call for articles, its editors, its front matter."""

    district_path = "district"

    class Status(models.TextChoices):
        CALL_OPEN = "call_open", _("call for articles open")
        EDITING = "editing", _("editing")
        ASSEMBLED = "assembled", _("assembled")
        PUBLISHED = "published", _("published")

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    workflow = Workflow(
        Status,
        field="status",
        moves={
            Status.CALL_OPEN: {Status.EDITING},
            Status.EDITING: {Status.CALL_OPEN, Status.ASSEMBLED},
            Status.ASSEMBLED: {Status.EDITING},
            Status.PUBLISHED: {Status.ASSEMBLED},
        },
        groups={
            # Articles may be written and submitted only while the call is open or the editors work.
            "ACCEPTING": {Status.CALL_OPEN, Status.EDITING},
            "PUBLIC": {Status.PUBLISHED},
        },
        badges={
            Status.CALL_OPEN: "secondary",
            Status.EDITING: "secondary",
            Status.ASSEMBLED: "secondary",
            Status.PUBLISHED: "success",
        },
    )

    district = models.ForeignKey(District, models.PROTECT, related_name="collections", verbose_name=_("district"))
    series = models.ForeignKey(Series, models.PROTECT, related_name="collections", verbose_name=_("series"))
    title = models.CharField(_("title"), max_length=400)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    issue_number = models.PositiveSmallIntegerField(_("issue number"), null=True, blank=True)
    academic_year = models.CharField(
        _("academic year"), max_length=9, validators=[validate_academic_year], help_text=_("e.g. 2025/2026")
    )
    requirements = models.TextField(
        _("call for articles"), blank=True, help_text=_("What the article must contain; shown to the authors.")
    )
    deadline = models.DateTimeField(_("deadline for articles"))
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
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="edited_collections", verbose_name=_("editors")
    )
    editorial_board = models.TextField(_("editorial board"), blank=True, help_text=_("One person per line."))
    foreword = models.TextField(_("foreword"), blank=True)
    isbn = models.CharField("ISBN", max_length=40, blank=True)
    udk = models.CharField(_("UDC"), max_length=100, blank=True)
    bbk = models.CharField(_("LBC"), max_length=100, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    page_size = models.CharField(_("page size"), max_length=2, choices=PageSize.choices, default=PageSize.A4)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CALL_OPEN)
    published_build = models.ForeignKey(
        "publications.BookBuild",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version of the book"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["-deadline", "title"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        if self.issue_number:
            return f"{self.title} № {self.issue_number} ({self.year or self.academic_year})"
        if self.year:
            return f"{self.title} ({self.year})"
        return self.title

    @property
    def editorial_board_lines(self):
        return [line.strip() for line in self.editorial_board.splitlines() if line.strip()]


class CollectionEvent(StateChange):
    """The history of a collection's status: who opened, assembled or published it, and when."""

    district_path = "collection__district"

    STATES = Collection.Status

    collection = models.ForeignKey(Collection, models.CASCADE, related_name="events", verbose_name=_("collection"))

    class Meta(StateChange.Meta):
        verbose_name = _("collection history entry")
        verbose_name_plural = _("collection history")


class CollectionSection(models.Model):
    """A part of the book that groups articles (e.g. «Дошкольное образование»)."""

    district_path = "collection__district"

    collection = models.ForeignKey(Collection, models.CASCADE, related_name="sections", verbose_name=_("collection"))
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section of the collection")
        verbose_name_plural = _("sections of the collection")
        ordering = ["collection", "order", "pk"]

    def __str__(self):
        return self.title
