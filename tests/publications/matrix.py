from django.core.files.base import ContentFile
from django.urls import reverse

from publications.models import Article, ArticlePdf, BookBuild, Collection, WordImport
from tests.matrix import PUBLIC, Case, staff_only, statuses

from .factories import SeriesFactory, article_for, collection_for

EDITORS = staff_only(allowed=("methodist", "editor"))
EDITORS_POST = {**EDITORS, "methodist": 302, "editor": 302}
# Pages without an object: lacking the role is 403 (innovation_portal.permissions).
DESK = staff_only(allowed=("methodist", "editor"), denied=403)
AUTHORS = staff_only(allowed=("coordinator", "other_coordinator"), denied=403)
OWN_AUTHOR = staff_only(allowed=("coordinator",))
OWN_AUTHOR_POST = {**OWN_AUTHOR, "coordinator": 302}
ARTICLE_READERS = staff_only(allowed=("coordinator", "methodist", "editor"))
FAKE_PDF = b"%PDF-1.4\n%%EOF\n"


def published(world):
    collection = collection_for(world, status=Collection.Status.PUBLISHED)
    article = article_for(world, collection, state=Article.State.ACCEPTED)
    build = done_build(collection)
    item = ArticlePdf(build=build, article=article, first_page=4, last_page=8)
    item.pdf.save("a.pdf", ContentFile(FAKE_PDF))
    collection.published_build = build
    collection.save(update_fields=["published_build"])
    return collection, article


def done_build(collection):
    build = BookBuild(collection=collection, version=1, state=BookBuild.State.DONE, progress=100, page_count=9)
    build.pdf.save("book.pdf", ContentFile(FAKE_PDF), save=False)
    build.save()
    return build


def article(world, **kwargs):
    return article_for(world, **kwargs)


def editing(world):
    return collection_for(world, status=Collection.Status.EDITING)


def url(name, *args):
    return reverse(f"publications:{name}", args=args)


CASES = [
    Case("publications:index", lambda w: url("index"), PUBLIC),
    Case("publications:collection_public", lambda w: url("collection_public", published(w)[0].pk), PUBLIC),
    Case(
        "publications:collection_public",
        lambda w: url("collection_public", editing(w).pk),
        statuses(404),
        label="not published",
    ),
    Case("publications:book_public", lambda w: url("book_public", published(w)[0].pk), PUBLIC),
    Case(
        "publications:article_pdf_public",
        lambda w: url("article_pdf_public", *(obj.pk for obj in published(w))),
        PUBLIC,
    ),
    Case("publications:my_articles", lambda w: url("my_articles"), AUTHORS),
    Case("publications:article_create", lambda w: url("article_create", collection_for(w).pk), AUTHORS),
    Case(
        "publications:article_detail",
        lambda w: url("article_detail", article(w, state=Article.State.SUBMITTED).pk),
        ARTICLE_READERS,
    ),
    Case("publications:article_edit", lambda w: url("article_edit", article(w).pk), OWN_AUTHOR),
    Case("publications:article_upload", lambda w: url("article_upload", article(w).pk), OWN_AUTHOR),
    Case("publications:word_import", lambda w: url("word_import", *_word_import(w)), OWN_AUTHOR),
    Case("publications:article_length", lambda w: url("article_length", article(w).pk), OWN_AUTHOR),
    Case(
        "publications:article_length",
        lambda w: url("article_length", article(w, state=Article.State.SUBMITTED).pk),
        ARTICLE_READERS,
        label="submitted",
    ),
    Case(
        "publications:article_submit",
        lambda w: url("article_submit", article(w).pk),
        OWN_AUTHOR_POST,
        method="post",
        data=lambda w: {},
    ),
    Case(
        "publications:article_withdraw",
        lambda w: url("article_withdraw", article(w).pk),
        OWN_AUTHOR_POST,
        method="post",
        data=lambda w: {},
    ),
    Case(
        "publications:article_review",
        lambda w: url("article_review", article(w, state=Article.State.SUBMITTED).pk),
        {**EDITORS_POST, "coordinator": 403},  # the author sees the article; reviewing is not theirs
        method="post",
        data=lambda w: {"action": "take"},
    ),
    Case("publications:desk", lambda w: url("desk"), DESK),
    Case(
        "publications:collection_create",
        lambda w: SeriesFactory(district=w.district) and url("collection_create"),
        DESK,
    ),
    Case("publications:collection_dashboard", lambda w: url("collection_dashboard", editing(w).pk), EDITORS),
    Case("publications:collection_edit", lambda w: url("collection_edit", editing(w).pk), EDITORS),
    Case("publications:front_matter", lambda w: url("front_matter", editing(w).pk), EDITORS),
    Case(
        "publications:collection_status",
        lambda w: url("collection_status", editing(w).pk),
        EDITORS_POST,
        method="post",
        data=lambda w: {"status": "assembled"},
    ),
    Case(
        "publications:reopen",
        lambda w: url("reopen", editing(w).pk),
        EDITORS_POST,
        method="post",
        data=lambda w: {"user": w.users.coordinator.pk, "until": "2099-01-01T10:00"},
    ),
    Case(
        "publications:length_exception",
        lambda w: url("length_exception", editing(w).pk),
        EDITORS_POST,
        method="post",
        data=lambda w: {"reason": "Практика с таблицами"},
    ),
    Case("publications:ordering", lambda w: url("ordering", editing(w).pk), EDITORS),
    Case(
        "publications:section_add",
        lambda w: url("section_add", editing(w).pk),
        EDITORS_POST,
        method="post",
        data=lambda w: {"title": "Дошкольное образование"},
    ),
    Case(
        "publications:section_delete",
        lambda w: url("section_delete", *_section(w)),
        EDITORS_POST,
        method="post",
        data=lambda w: {},
    ),
    Case("publications:book", lambda w: url("book", editing(w).pk), EDITORS),
    Case("publications:build_status", lambda w: url("build_status", done_build(editing(w)).pk), EDITORS),
    Case("publications:build_download", lambda w: url("build_download", done_build(editing(w)).pk), EDITORS),
]


def _word_import(world):
    draft = article(world)
    job = WordImport.objects.create(article=draft, file_name="статья.docx", state=WordImport.State.DONE)
    return draft.pk, job.pk


def _section(world):
    collection = editing(world)
    section = collection.sections.create(title="Школа", order=1)
    return collection.pk, section.pk
