"""Every write with a rule: articles through their review, the collection's status, the book.

Article states change only in `_move` (the one door, via innovation_portal.workflow),
which writes the history row and mails the people concerned after commit. Collections
change status only in `change_collection_status`.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
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


def save_article(article, *, by, fields, authors=None, source_file_name=None):
    """Save the author's text (body parts sanitised) and authors, then re-estimate the length.

    `authors` is a list of dicts in print order that replaces the current authors.
    """
    with transaction.atomic():
        # The state the database has, locked: a save from a second tab after the author
        # submitted in the first must neither pass nor write the old state back.
        current = type(article).objects.select_for_update().only("state").get(pk=article.pk)
        if not current.is_editable:
            raise TransitionError(_("The article cannot be changed now: it is with the editor."))
        for name, value in fields.items():
            setattr(article, name, clean_html(value) if name in BODY_FIELDS else value)
        changed = list(fields)
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
    estimate_length(article)
    return article


def _empty(name):
    return None if name == "institution" else ""


def estimate_length(article):
    """Count the article's pages on the book's layout and store it (a warning shows outside 4–7)."""
    try:
        pages = book.count_pages(article)
    except Exception:
        # The estimate is advice; an author must never lose their text because the layout failed.
        log.exception("Page estimate failed for article %s", article.pk)
        pages = None
    Article.objects.filter(pk=article.pk).update(estimated_pages=pages)
    article.estimated_pages = pages
    return pages


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
