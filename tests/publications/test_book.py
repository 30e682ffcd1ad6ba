import io
import os
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from innovation_portal.workflow import TransitionError
from publications import book, services
from publications.models import Article, BookBuild, Collection
from publications.tasks import build_book

from .factories import ArticleAuthor, article_for, collection_for, paragraphs

S = Article.State
TITLES = ["Лаборатория осмысленного чтения", "Межпредметные кейсы в школе", "Культура исследователя"]


@pytest.fixture
def collection(world):
    collection = collection_for(world, status=Collection.Status.EDITING, editorial_board="Белова В. К.\nМодулина О. Б.")
    collection.foreword = "Сборник обобщает опыт инновационных площадок района."
    collection.save()
    section = collection.sections.create(title="Общее образование", order=1)
    for index, title in enumerate(TITLES):
        article = article_for(
            world, collection, title=title, state=S.ACCEPTED, order=index, introduction=paragraphs(6 + 4 * index)
        )
        if index == 2:
            article.section = section
            article.save(update_fields=["section"])
    ArticleAuthor.objects.create(article=article, order=2, full_name="Козлов Дмитрий Алексеевич", position="учитель")
    article_for(world, collection, title="Статья на рецензии", state=S.IN_REVIEW)
    return collection


def page_texts(pdf_bytes):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def build(collection, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build = services.request_build(collection, by=user)
    build.refresh_from_db()
    return build


def test_the_toc_page_numbers_are_the_pages_where_the_articles_start(
    world, collection, django_capture_on_commit_callbacks
):
    result = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    assert result.state == BookBuild.State.DONE
    assert result.progress == 100
    pages = page_texts(result.pdf.read())
    assert result.page_count == len(pages)
    toc = next(text for text in pages if "Содержание" in text or "Contents" in text)
    for title in TITLES:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)\s*$", toc, re.MULTILINE)
        assert match, (title, toc)
        number = int(match.group(1))
        assert pages[number - 1].lstrip().startswith(title) or title in pages[number - 1].splitlines()[1], number
        # The page number printed at the foot of that page is that number too.
        assert pages[number - 1].rstrip().endswith(str(number))
    assert "Статья на рецензии" not in "".join(pages)


def test_the_book_has_front_matter_running_headers_and_an_index_of_authors(
    world, collection, django_capture_on_commit_callbacks
):
    result = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    pages = page_texts(result.pdf.read())
    assert collection.title.split()[0] in pages[0]
    assert "Модулина О. Б." in pages[1]
    assert any("опыт инновационных площадок района" in text for text in pages)
    # A continuation page of the first article carries its title as a running header.
    first, last = result.article_pages[str(collection.articles.get(title=TITLES[0]).pk)]
    assert last > first
    assert TITLES[0] in pages[first].splitlines()
    index = pages[-1]
    kozlov = collection.articles.get(title=TITLES[2]).pk
    assert f"Козлов Д. А. {result.article_pages[str(kozlov)][0]}" in index


def test_per_article_pdfs_are_cut_from_the_book(world, collection, django_capture_on_commit_callbacks):
    result = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    assert result.article_pdfs.count() == 3
    for item in result.article_pdfs.select_related("article"):
        texts = page_texts(item.pdf.read())
        assert len(texts) == item.last_page - item.first_page + 1
        assert item.article.title in texts[0].splitlines()[:3]


def test_running_the_task_twice_makes_one_pdf(world, collection, django_capture_on_commit_callbacks):
    result = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    folder = os.path.dirname(result.pdf.name)
    files_before = default_storage.listdir(folder)[1]
    build_book.delay(build_id=result.pk)  # a redelivered message
    build_book(build_id=result.pk)
    assert BookBuild.objects.count() == 1
    assert result.article_pdfs.count() == 3
    assert default_storage.listdir(folder)[1] == files_before
    assert len(files_before) == 1


def test_a_task_for_a_vanished_build_returns_quietly(db):
    build_book(build_id=987654)


def test_builds_are_kept_as_versions(world, collection, django_capture_on_commit_callbacks):
    first = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    second = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    assert (first.version, second.version) == (1, 2)
    assert first.pdf.name != second.pdf.name


def test_a_second_build_is_refused_while_one_is_queued(world, collection):
    services.request_build(collection, by=world.users.editor)  # on_commit never runs here: it stays queued
    with pytest.raises(TransitionError):
        services.request_build(collection, by=world.users.editor)


def test_a_failed_layout_is_recorded_on_the_build(world, collection, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ValueError("layout exploded")

    monkeypatch.setattr(book, "render_book", broken)
    result = build(collection, world.users.editor, django_capture_on_commit_callbacks)
    assert result.state == BookBuild.State.FAILED
    assert "layout exploded" in result.message


def test_the_progress_endpoint_polls_until_done_then_offers_the_download(login, world, collection):
    services.request_build(collection, by=world.users.editor)
    queued = BookBuild.objects.get()
    client = login(world.users.editor)
    response = client.get(reverse("publications:build_status", args=[queued.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="0"' in body
    BookBuild.objects.filter(pk=queued.pk).update(state=BookBuild.State.RUNNING, progress=75)
    body = client.get(reverse("publications:build_status", args=[queued.pk])).content.decode()
    assert 'aria-valuenow="75"' in body
    services.run_build(queued.pk)  # already running: another worker has it, nothing happens
    assert BookBuild.objects.get().state == BookBuild.State.RUNNING
    BookBuild.objects.filter(pk=queued.pk).update(state=BookBuild.State.QUEUED)
    services.run_build(queued.pk)
    body = client.get(reverse("publications:build_status", args=[queued.pk])).content.decode()
    assert "every 1s" not in body
    assert reverse("publications:build_download", args=[queued.pk]) in body
    download = client.get(reverse("publications:build_download", args=[queued.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_build_button_starts_a_build(login, world, collection, django_capture_on_commit_callbacks):
    client = login(world.users.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publications:book", args=[collection.pk]))
    assert response.status_code == 302
    assert BookBuild.objects.get().state == BookBuild.State.DONE
    page = client.get(reverse("publications:book", args=[collection.pk])).content.decode()
    assert "v1" in page


def test_the_book_html_alone_is_available_for_benchmarks(collection):
    html = book.book_html(collection)
    assert html.count('class="article"') == 3
    assert "target-counter(attr(href), page)" in html


def test_the_page_estimate_counts_pages_on_the_books_layout(world):
    short = article_for(world, introduction=paragraphs(1), course_of_work="", methods_and_findings="", results="")
    long = article_for(world, introduction=paragraphs(20))
    assert services.estimate_length(short) == 1
    assert short.length_warning and 0 < short.page_length < 1
    pages = services.estimate_length(long)
    # Whole pages in the book, and the length to a tenth: the last page is only partly filled.
    assert 4 <= long.page_length <= 7, long.page_length
    assert pages - 1 < long.page_length <= pages
    assert not long.length_warning


def test_a_build_left_running_by_a_dead_worker_is_resumed_by_the_sweep(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from publications.models import BookBuild
    from publications.tasks import resume_stale_builds
    from tests.publications.factories import article_for, collection_for

    collection = collection_for(world)
    article_for(world, collection=collection, state="accepted")
    build = BookBuild.objects.create(
        collection=collection,
        version=1,
        state=BookBuild.State.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        progress=30,
    )
    assert resume_stale_builds.apply().get() == 1
    build.refresh_from_db()
    assert build.state == BookBuild.State.DONE
    assert build.pdf
