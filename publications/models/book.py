from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovation_portal.files import PrivatePath

from .article import Article
from .collection import Collection


class BookBuild(models.Model):
    """One version of the book's PDF, built in the background by `publications.tasks.build_book`."""

    district_path = "collection__district"

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("building")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    FINISHED = {State.DONE, State.FAILED}

    collection = models.ForeignKey(Collection, models.CASCADE, related_name="builds", verbose_name=_("collection"))
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=PrivatePath("publications/books"), blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # {article id: [first page, last page]} in the book's numbering.
    article_pages = models.JSONField(_("pages of the articles"), default=dict, blank=True)

    class Meta:
        verbose_name = _("book build")
        verbose_name_plural = _("book builds")
        ordering = ["collection", "-version"]
        constraints = [models.UniqueConstraint(fields=["collection", "version"], name="bookbuild_unique_version")]

    def __str__(self):
        return f"{self.collection} v{self.version}"

    @property
    def is_finished(self):
        return self.state in self.FINISHED


class ArticlePdf(models.Model):
    """An article's pages cut from one build of the book."""

    district_path = "build__collection__district"

    build = models.ForeignKey(BookBuild, models.CASCADE, related_name="article_pdfs", verbose_name=_("book build"))
    article = models.ForeignKey(Article, models.CASCADE, related_name="pdfs", verbose_name=_("article"))
    first_page = models.PositiveIntegerField(_("first page"))
    last_page = models.PositiveIntegerField(_("last page"))
    pdf = models.FileField(_("PDF"), upload_to=PrivatePath("publications/articles"))

    class Meta:
        verbose_name = _("article PDF")
        verbose_name_plural = _("article PDFs")
        ordering = ["build", "first_page"]
        constraints = [models.UniqueConstraint(fields=["build", "article"], name="articlepdf_unique")]

    def __str__(self):
        return f"{self.article} ({self.first_page}–{self.last_page})"
