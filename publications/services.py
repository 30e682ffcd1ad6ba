"""Every write with a rule: articles through their review, the collection's status, the book.

Article states change only in `_move` (the one door, via innovation_portal.workflow),
which writes the history row and mails the people concerned after commit. Collections
change status only in `change_collection_status`.
"""

import logging
import shutil
import tempfile
from datetime import timedelta
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from innovation_portal.safe_office import OfficeFileRefused, OfficeLimits, check_office_file, run_limited
from innovation_portal.workflow import TransitionError
from notifications.notify import notify

from . import book
from .models import (
    Article,
    ArticleAuthor,
    ArticleEvent,
    ArticlePdf,
    BookBuild,
    Collection,
    CollectionEvent,
    CollectionSection,
    EditorComment,
    Reopening,
    WordImport,
)
from .models.article import BODY_FIELDS
from .sanitize import clean_html

log = logging.getLogger(__name__)

S = Article.State
CS = Collection.Status


# --- Who is told -------------------------------------------------------------------------


def collection_editors(collection):
    """The collection's own editors, or every editor of its district when none is named."""
    editors = list(collection.editors.filter(is_active=True))
    if editors:
        return editors
    return list(
        User.objects.filter(
            is_active=True, roles__role=RoleAssignment.Role.EDITOR, roles__district=collection.district_id
        ).distinct()
    )


def _article_url(article):
    return reverse("publications:article_detail", args=[article.pk])


# --- Deadline ------------------------------------------------------------------------------


def deadline_open_for(collection, *, user, article=None, now=None):
    """May `user` still submit to this collection: before the deadline (inclusive), or reopened for them."""
    now = now or timezone.now()
    if now <= collection.deadline:
        return True
    who = Q(user=user)
    if article is not None and article.pk:
        who |= Q(article=article)
    return collection.reopenings.filter(who, until__gte=now).exists()


@transaction.atomic
def reopen_deadline(collection, *, by, until, article=None, user=None, reason=""):
    """Let one article, or one author's articles, in after the deadline until `until`; tells the author."""
    if article is None and user is None:
        raise TransitionError(_("Choose the article or the author to reopen the deadline for."))
    if until <= timezone.now():
        raise TransitionError(_("The new date must be in the future."))
    reopening = Reopening.objects.create(
        collection=collection, article=article, user=user, until=until, reason=reason, created_by=by
    )
    local_until = timezone.localtime(until)
    notify(
        [user or article.submitted_by],
        kind="publications.reopened",
        obj=collection,
        title=_("The deadline for «%(collection)s» is reopened for you") % {"collection": collection.title},
        body=_("You may submit your article until %(until)s.") % {"until": local_until.strftime("%d.%m.%Y %H:%M")},
        url=_article_url(article) if article else reverse("publications:my_articles"),
    )
    return reopening


# --- Writing an article --------------------------------------------------------------------


@transaction.atomic
def start_article(collection, *, institution, by, title):
    """A new draft for `institution` in an open call; refused after the deadline unless reopened."""
    if collection.status not in Collection.ACCEPTING:
        raise TransitionError(_("This collection no longer accepts articles."))
    if institution.district_id != collection.district_id:
        raise TransitionError(_("This collection is for another district's institutions."))
    if not deadline_open_for(collection, user=by):
        raise TransitionError(_("The deadline for articles has passed."))
    article = Article.objects.create(collection=collection, institution=institution, submitted_by=by, title=title)
    ArticleAuthor.objects.create(
        article=article, order=1, full_name=by.full_name, position=by.position, institution=institution
    )
    return article


AUTHOR_FIELDS = ("full_name", "position", "institution", "institution_name")


def save_article(article, *, by, fields, authors=None, source_file_name=None, measure=True):
    """Save the author's text (body parts sanitised) and authors; the length is re-measured after commit.

    `authors` is a list of dicts in print order that replaces the current authors. Each save
    is a new version of the text; the page estimate runs in the background
    (publications.tasks.estimate_length) for that version, so the request stays fast however
    long the article is. `measure=False` leaves the measuring to the caller (the Word import).
    """
    with transaction.atomic():
        # The state the database has, locked: a save from a second tab after the author
        # submitted in the first must neither pass nor write the old state back.
        current = type(article).objects.select_for_update().only("state", "content_version").get(pk=article.pk)
        if not current.is_editable:
            raise TransitionError(_("The article cannot be changed now: it is with the editor."))
        for name, value in fields.items():
            setattr(article, name, clean_html(value) if name in BODY_FIELDS else value)
        article.content_version = current.content_version + 1
        changed = [*fields, "content_version"]
        if source_file_name is not None:
            article.source_file_name = source_file_name[:255]
            changed.append("source_file_name")
        article.save(update_fields=[*changed, "updated_at"])
        if authors is not None:
            article.authors.all().delete()
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, order=index, **{k: row.get(k) or _empty(k) for k in AUTHOR_FIELDS})
                for index, row in enumerate(authors, start=1)
            )
        if measure:
            request_estimate(article)
    return article


def _empty(name):
    return None if name == "institution" else ""


# --- The length rule -----------------------------------------------------------------------

# WeasyPrint on an author's text runs in a child process capped like a Word file's parse.
ESTIMATE_LIMITS = OfficeLimits(cpu_seconds=60, memory=1024 * 1024 * 1024, wall_seconds=120)


def request_estimate(article):
    """Queue the page estimate of the article's current text, after commit (by name: see tasks.py)."""
    article_id, version = article.pk, article.content_version
    transaction.on_commit(
        lambda: current_app.tasks["publications.estimate_length"].delay(article_id=article_id, version=version)
    )


def estimate_length(article, *, limited=True):
    """Measure the article's length on the book's layout and store it for the text's version.

    Runs in the estimate task (and the Word import), in a child process with CPU, memory and
    time limits; `limited=False` lays out in this process (the demo's own trusted texts).
    Written only if the text has not changed meanwhile; returns the number of pages (None
    when the layout failed or hit a limit, with the reason kept in `length_note`).
    """
    original = article
    article = Article.objects.select_related("collection").get(pk=article.pk)
    version = article.content_version
    pages = length = None
    note = ""
    try:
        if limited:
            measured = run_limited(
                "innovation_portal.pdf:measure_html", book.article_alone_html(article), limits=ESTIMATE_LIMITS
            )
        else:
            measured = book.measure(article)
        pages, length = measured["pages"], Decimal(str(measured["length"]))
    except OfficeFileRefused as error:
        note = str(error)
    except Exception:
        # The author must never lose their text because the layout failed; the reason is logged.
        log.exception("Page estimate failed for article %s", article.pk)
        note = _("the book's layout failed on this text")
    measured = {"estimated_pages": pages, "page_length": length, "length_version": version, "length_note": note[:300]}
    if Article.objects.filter(pk=original.pk, content_version=version).update(**measured):
        for name, value in measured.items():
            setattr(original, name, value)
    return pages


def length_refusal(article):
    """Why the article's length stops it from being sent to the editor, or "" when it may go."""
    if article.has_length_exception:
        return ""
    low, high = article.page_limits
    if not article.length_is_current:
        return _("The length of the article is still being measured. Wait a minute and send it again.")
    if article.page_length is None:
        return _(
            "The length of the article could not be measured (%(reason)s). Ask the editor to allow sending it as it is."
        ) % {"reason": article.length_note or _("unknown reason")}
    if not low <= article.page_length <= high:
        return _(
            "The article takes %(length)s in the book; the collection accepts articles of %(min)d–%(max)d pages. "
            "Shorten or extend it, or ask the editor to allow an exception."
        ) % {"length": article.length_display, "min": low, "max": high}
    return ""


@transaction.atomic
def allow_length_exception(article, *, by, reason):
    """The editor lets this article be sent whatever its length; recorded (who, when, why); the author is told."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Write why the article may be sent outside the length rule."))
    if article.state in Article.CLOSED:
        raise TransitionError(_("The article is already decided; an exception would change nothing."))
    article.length_exception_reason = reason[:300]
    article.length_exception_by = by
    article.length_exception_at = timezone.now()
    article.save(update_fields=["length_exception_reason", "length_exception_by", "length_exception_at"])
    notify(
        [article.submitted_by],
        kind="publications.length_exception",
        obj=article,
        title=_("The editor allows «%(title)s» to be sent whatever its length") % {"title": article.title},
        body=reason,
        url=_article_url(article),
    )
    return article


# --- Word uploads --------------------------------------------------------------------------

WORD_LIMITS = OfficeLimits()
# A job not started by then never will be (no worker, lost message); one running longer than
# its child's wall time plus the estimate lost its worker.
IMPORT_QUEUE_PATIENCE = timedelta(minutes=10)
IMPORT_RUN_PATIENCE = timedelta(seconds=WORD_LIMITS.wall_seconds + ESTIMATE_LIMITS.wall_seconds + 60)


@transaction.atomic
def start_word_import(article, *, by, upload):
    """Keep the uploaded file and queue its conversion after commit; the request returns at once."""
    current = type(article).objects.select_for_update().only("state").get(pk=article.pk)
    if not current.is_editable:
        raise TransitionError(_("The article cannot be changed now: it is with the editor."))
    job = WordImport(article=article, requested_by=by, file_name=(upload.name or "")[:255])
    job.file.save(upload.name or "article.docx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: current_app.tasks["publications.convert_word"].delay(import_id=job.pk))
    return job


def _job_update(job_id, **fields):
    WordImport.objects.filter(pk=job_id).update(**fields)


def claim_import(job_id):
    """Take a queued job for this run; False if another run has it or it is finished (idempotence)."""
    return (
        WordImport.objects.filter(pk=job_id, state=WordImport.State.QUEUED).update(
            state=WordImport.State.RUNNING, started_at=timezone.now(), progress=10, stage="check"
        )
        == 1
    )


def _fail_import(job_id, message):
    WordImport.objects.filter(pk=job_id, state=WordImport.State.RUNNING).update(
        state=WordImport.State.FAILED, finished_at=timezone.now(), message=str(message)[:500]
    )


def run_word_import(job_id):
    """Check, convert, save and measure one uploaded Word file, once; the outcome is kept on the job."""
    if not claim_import(job_id):
        return None
    job = WordImport.objects.select_related("article", "requested_by").get(pk=job_id)
    try:
        with tempfile.NamedTemporaryFile(suffix=".docx") as copy:
            with job.file.open("rb") as source:
                shutil.copyfileobj(source, copy, length=1024 * 1024)
            copy.flush()
            copy.seek(0)
            check_office_file(copy, WORD_LIMITS)
            _job_update(job_id, progress=25, stage="convert")
            converted = run_limited("publications.wordimport:convert_docx_path", copy.name, limits=WORD_LIMITS)
        _job_update(job_id, progress=60, stage="save")
        summary = apply_converted(job, converted)
        _job_update(job_id, progress=75, stage="measure")
        estimate_length(job.article)
    except OfficeFileRefused as error:
        _fail_import(job_id, error)
        return None
    except TransitionError as error:
        _fail_import(job_id, error)
        return None
    except Exception:
        log.exception("Word conversion failed for article %s", job.article_id)
        _fail_import(job_id, _("This Word file could not be read. Save it again as .docx and retry."))
        return None
    finally:
        job.file.delete(save=False)
        WordImport.objects.filter(pk=job_id).update(file="")
    WordImport.objects.filter(pk=job_id, state=WordImport.State.RUNNING).update(
        state=WordImport.State.DONE, progress=100, stage="", finished_at=timezone.now(), summary=summary
    )
    return summary


def apply_converted(job, converted):
    """Put a converted Word file into the article: parts, title, authors; returns what the author is told."""
    article = job.article
    fields = {name: html for name, html in converted["sections"].items() if name in BODY_FIELDS}
    for name in ("abstract", "keywords", "references", "title"):
        if converted.get(name):
            fields[name] = converted[name][: Article._meta.get_field(name).max_length or None]
    authors = None
    if converted.get("authors"):
        authors = [
            {
                "full_name": a["full_name"][:200],
                "position": a.get("position", "")[:200],
                "institution_name": a.get("institution_name", "")[:300],
                # An author without an institution named in the file is taken to be from the article's.
                "institution": None if a.get("institution_name") else article.institution,
            }
            for a in converted["authors"][:12]
        ]
    save_article(
        article, by=job.requested_by, fields=fields, authors=authors, source_file_name=job.file_name, measure=False
    )
    warnings = []
    if converted.get("unrecognised"):
        warnings.append(
            _("Some text came before any of the required headings and was put in the introduction. Check it.")
        )
    missing = [name for name in BODY_FIELDS if name not in converted.get("found", [])]
    if missing:
        labels = [str(Article._meta.get_field(name).verbose_name) for name in missing]
        warnings.append(_("These headings were not found: %(parts)s.") % {"parts": ", ".join(labels)})
    return {
        "title": fields.get("title", ""),
        "authors": [a["full_name"] for a in authors or []],
        "warnings": warnings,
    }


def expire_stale_imports(queryset=None):
    """Mark failed the jobs that never started or whose worker died, with a Russian reason; returns how many."""
    now = timezone.now()
    queryset = WordImport.objects.all() if queryset is None else queryset
    lost = queryset.filter(state=WordImport.State.QUEUED, created_at__lt=now - IMPORT_QUEUE_PATIENCE).update(
        state=WordImport.State.FAILED,
        finished_at=now,
        message=_(
            "The conversion did not start: the server is busy or its worker is down. Upload the file again later."
        ),
    )
    dead = queryset.filter(state=WordImport.State.RUNNING, started_at__lt=now - IMPORT_RUN_PATIENCE).update(
        state=WordImport.State.FAILED,
        finished_at=now,
        message=_("The conversion was interrupted. Upload the file again."),
    )
    return lost + dead


def missing_parts(article):
    """What the article still lacks before it can be submitted, as Russian phrases."""
    missing = [str(Article._meta.get_field(name).verbose_name) for name in BODY_FIELDS if not getattr(article, name)]
    if not article.title.strip():
        missing.insert(0, str(Article._meta.get_field("title").verbose_name))
    if not article.authors.exists():
        missing.append(_("authors"))
    return missing


# --- The editorial workflow ----------------------------------------------------------------


def move(obj, to, *, by, reason="", updates=None, tell=(), title="", body=""):
    """The one door for an article's state and a collection's status; every move is audited.

    An article: checks the move, records an ArticleEvent, mails `tell` after commit. A
    collection: publishing needs a finished book and tells the accepted authors; records a
    CollectionEvent.
    """
    if isinstance(obj, Collection):
        return _move_collection(obj, to, by=by, reason=reason)
    if not isinstance(obj, Article):
        raise TypeError(f"publications.services.move() does not move a {type(obj).__name__}")
    with transaction.atomic():
        Article.workflow.move(obj, to, by=by, reason=reason, history=ArticleEvent.writer(article=obj), updates=updates)
        if tell:
            notify(
                list(tell), kind=f"publications.article.{to}", obj=obj, title=title, body=body, url=_article_url(obj)
            )
    return obj


# The article door's former name.
_move = move


def submit_article(article, *, by, now=None):
    """Send the article to the editor: first time (by the deadline, or reopened) or after revisions.

    Mails the collection's editors.
    """
    now = now or timezone.now()
    collection = article.collection
    if collection.status not in Collection.ACCEPTING:
        raise TransitionError(_("This collection no longer accepts articles."))
    missing = missing_parts(article)
    if missing:
        raise TransitionError(_("Fill in before submitting: %(parts)s.") % {"parts": ", ".join(missing)})
    article.refresh_from_db()
    if refusal := length_refusal(article):
        if not article.length_is_current:
            request_estimate(article)  # a measurement lost on its way is asked for again
        raise TransitionError(refusal)
    if article.state == S.REVISIONS_REQUESTED:
        to = S.RESUBMITTED
        title = _("An article is revised: «%(title)s»")
    else:
        # Revisions the editor asked for are not late; a first submission after the deadline is.
        if not deadline_open_for(collection, user=by, article=article, now=now):
            raise TransitionError(_("The deadline for articles has passed. Ask the editor to reopen it for you."))
        to = S.SUBMITTED
        title = _("A new article: «%(title)s»")
    return _move(
        article,
        to,
        by=by,
        updates={"submitted_at": now},
        tell=collection_editors(collection),
        title=title % {"title": article.title},
        body=_("%(institution)s, collection «%(collection)s».")
        % {"institution": article.institution, "collection": collection.title},
    )


def take_for_review(article, *, by):
    """The editor starts reading; the author is told."""
    return _move(
        article,
        S.IN_REVIEW,
        by=by,
        tell=[article.submitted_by],
        title=_("Your article «%(title)s» is in review") % {"title": article.title},
        body=_("The editor has taken the article «%(title)s» into review; you will be told of the result.")
        % {"title": article.title},
    )


def request_revisions(article, *, by, comment, section=""):
    """Back to the author with the editor's comment (required); the author is told what to change."""
    if not comment.strip():
        raise TransitionError(_("Write what the authors should change."))
    with transaction.atomic():
        EditorComment.objects.create(article=article, author=by, text=comment, section=section)
        return _move(
            article,
            S.REVISIONS_REQUESTED,
            by=by,
            reason=comment,
            tell=[article.submitted_by],
            title=_("The editor asks to revise «%(title)s»") % {"title": article.title},
            body=_(
                "The editor asks you to revise the article «%(title)s».\nComment: %(comment)s\nRevise the article and submit it again."
            )
            % {"title": article.title, "comment": comment},
        )


def accept_article(article, *, by, comment=""):
    """Accepted for the book (it counts in the rating from now); placed last in its collection."""
    last = Article.objects.filter(collection=article.collection_id).aggregate(m=Max("order"))["m"] or 0
    return _move(
        article,
        S.ACCEPTED,
        by=by,
        reason=comment,
        updates={"accepted_at": timezone.now(), "order": last + 1},
        tell=[article.submitted_by],
        title=_("Your article «%(title)s» is accepted") % {"title": article.title},
        body=comment,
    )


def reject_article(article, *, by, reason):
    """Declined, with the reason (required), which the author receives."""
    if not reason.strip():
        raise TransitionError(_("Write why the article is declined."))
    return _move(
        article,
        S.REJECTED,
        by=by,
        reason=reason,
        tell=[article.submitted_by],
        title=_("Your article «%(title)s» is declined") % {"title": article.title},
        body=_("The editor has declined the article «%(title)s».\nReason: %(reason)s")
        % {"title": article.title, "reason": reason},
    )


def withdraw_article(article, *, by):
    """The author takes the article back; editors are told if it had reached them."""
    tell = collection_editors(article.collection) if article.state != S.DRAFT else []
    return _move(
        article,
        S.WITHDRAWN,
        by=by,
        tell=tell,
        title=_("An article is withdrawn: «%(title)s»") % {"title": article.title},
    )


@transaction.atomic
def add_comment(article, *, by, text, section=""):
    """A remark without a change of state; the author is told."""
    if not text.strip():
        raise TransitionError(_("The comment is empty."))
    comment = EditorComment.objects.create(article=article, author=by, text=text, section=section)
    notify(
        [article.submitted_by],
        kind="publications.comment",
        obj=article,
        title=_("The editor commented on «%(title)s»") % {"title": article.title},
        body=_(
            "The editor commented on your article «%(title)s»:\n%(comment)s\nOpen the article to answer or revise it."
        )
        % {"title": article.title, "comment": text},
        url=_article_url(article),
    )
    return comment


# --- The collection ------------------------------------------------------------------------


def change_collection_status(collection, to, *, by, reason=""):
    """The collection's door: see move()."""
    return move(collection, to, by=by, reason=reason)


def _move_collection(collection, to, *, by, reason=""):
    updates = {}
    tell = []
    if to == CS.PUBLISHED:
        build = collection.builds.filter(state=BookBuild.State.DONE).order_by("-version").first()
        if build is None:
            raise TransitionError(_("Build the book before publishing the collection."))
        updates = {"published_build": build, "published_at": timezone.now()}
        tell = list(
            User.objects.filter(articles__collection=collection, articles__state=S.ACCEPTED, is_active=True).distinct()
        )
    with transaction.atomic():
        Collection.workflow.move(
            collection, to, by=by, reason=reason, history=CollectionEvent.writer(collection=collection), updates=updates
        )
        if tell:
            notify(
                tell,
                kind="publications.published",
                obj=collection,
                title=_("The collection «%(title)s» is published") % {"title": collection.title},
                body=_(
                    "The collection «%(title)s» with your article is published; it can be read and downloaded on its page."
                )
                % {"title": collection.title},
                url=reverse("publications:collection_public", args=[collection.pk]),
            )
    return collection


@transaction.atomic
def add_section(collection, *, title):
    last = collection.sections.aggregate(m=Max("order"))["m"] or 0
    return CollectionSection.objects.create(collection=collection, title=title, order=last + 1)


@transaction.atomic
def save_order(collection, *, section_ids, placement):
    """Save the book's order from the ordering page.

    `section_ids`: the sections in order; `placement`: {section id or None: [article ids]}.
    Only this collection's accepted articles and sections are touched.
    """
    sections = {s.pk: s for s in collection.sections.all()}
    for order, pk in enumerate(section_ids, start=1):
        if pk in sections and sections[pk].order != order:
            sections[pk].order = order
            sections[pk].save(update_fields=["order"])
    articles = {a.pk: a for a in collection.articles.filter(state=S.ACCEPTED)}
    changed = []
    for section_id, article_ids in placement.items():
        if section_id is not None and section_id not in sections:
            continue
        for order, pk in enumerate(article_ids, start=1):
            article = articles.get(pk)
            if article is not None:
                article.section_id, article.order = section_id, order
                changed.append(article)
    Article.objects.bulk_update(changed, ["section", "order"])


@transaction.atomic
def delete_section(section):
    """Remove a section; its articles stay in the book without a section."""
    section.articles.update(section=None)
    section.delete()


# --- The book ------------------------------------------------------------------------------


@transaction.atomic
def request_build(collection, *, by):
    """Queue a new version of the book; the Celery task builds it after commit."""
    if not collection.articles.filter(state=S.ACCEPTED).exists():
        raise TransitionError(_("There are no accepted articles to put in the book."))
    busy = Q(state=BookBuild.State.QUEUED) | Q(state=BookBuild.State.RUNNING, started_at__gte=stale_before())
    if collection.builds.filter(busy).exists():
        raise TransitionError(_("The book is already being built. Wait for it to finish."))
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    version = (collection.builds.aggregate(m=Max("version"))["m"] or 0) + 1
    build = BookBuild.objects.create(collection=collection, version=version, requested_by=by)
    # By name: tasks.py imports this module, not the other way round.
    transaction.on_commit(lambda: current_app.tasks["publications.tasks.build_book"].delay(build_id=build.pk))
    return build


def stale_before():
    """A build still «running» since before this moment lost its worker (killed, out of memory).

    The window is longer than the task's hard time limit, so a build that is really still
    running is never taken over; BOOK_BUILD_STALE_SECONDS shortens it in the fault tests.
    """
    return timezone.now() - timedelta(seconds=getattr(settings, "BOOK_BUILD_STALE_SECONDS", 35 * 60))


def claim_build(build_id):
    """Take a queued build for this worker, or one whose worker died; False if another run has it.

    A message redelivered after a worker was killed (acks late) finds its build «running» with
    an old start: it is taken over and built from the start, its partial article PDFs dropped.
    """
    now = timezone.now()
    claimable = Q(state=BookBuild.State.QUEUED) | Q(state=BookBuild.State.RUNNING, started_at__lt=stale_before())
    with transaction.atomic():
        claimed = (
            BookBuild.objects.filter(claimable, pk=build_id).update(
                state=BookBuild.State.RUNNING, started_at=now, progress=5
            )
            == 1
        )
        if claimed:
            ArticlePdf.objects.filter(build_id=build_id).delete()
    return claimed


def _progress(build_id):
    def report(percent, _stage):
        BookBuild.objects.filter(pk=build_id).update(progress=percent)

    return report


def run_build(build_id):
    """Build one version of the book, once: lay it out, store the PDF and the per-article PDFs."""
    if not claim_build(build_id):
        return None
    build = BookBuild.objects.select_related("collection").get(pk=build_id)
    try:
        pdf, page_count, ranges = book.render_book(build.collection, progress=_progress(build_id))
        name = f"{build.collection.title[:60]}-v{build.version}.pdf"
        build.pdf.save(name, ContentFile(pdf), save=False)
        for article_id, content in book.split_articles(pdf, ranges):
            first, last = ranges[article_id]
            item = ArticlePdf(build=build, article_id=article_id, first_page=first, last_page=last)
            item.pdf.save(f"article-{article_id}.pdf", ContentFile(content), save=False)
            item.save()
    except Exception as error:
        log.exception("Book build %s failed", build_id)
        BookBuild.objects.filter(pk=build_id).update(
            state=BookBuild.State.FAILED, finished_at=timezone.now(), message=str(error)[:500]
        )
        # Recorded on the build for the editor to see; raising would only make the
        # (acks-late) message fail too, and a retry of a deterministic layout fails again.
        return None
    BookBuild.objects.filter(pk=build_id).update(
        state=BookBuild.State.DONE,
        progress=100,
        finished_at=timezone.now(),
        pdf=build.pdf.name,
        page_count=page_count,
        article_pages={str(pk): list(pages) for pk, pages in ranges.items()},
        message="",
    )
    build.refresh_from_db()
    return build
