from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from innovation_portal import due
from publications import selectors, services
from publications.models import Article, ArticleAuthor, ArticlePdf, BookBuild, Collection

from .factories import ArticleFactory, SeriesFactory, article_for, collection_for

S = Article.State


def published_collection(world, articles=1):
    collection = collection_for(world, status=Collection.Status.ASSEMBLED)
    build = BookBuild(collection=collection, version=1, state=BookBuild.State.DONE, page_count=20)
    build.pdf.save("book.pdf", ContentFile(b"%PDF-1.4 book"), save=False)
    build.save()
    for index in range(articles):
        article = article_for(world, collection, state=S.ACCEPTED, abstract=f"Аннотация {index}")
        item = ArticlePdf(build=build, article=article, first_page=4 + index, last_page=4 + index)
        item.pdf.save("a.pdf", ContentFile(b"%PDF-1.4 article"))
    return collection


# --- Public ----------------------------------------------------------------------------------


def test_a_collection_becomes_public_when_published(client, world, django_capture_on_commit_callbacks):
    collection = published_collection(world)
    url = reverse("publications:collection_public", args=[collection.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("publications:book_public", args=[collection.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.change_collection_status(collection, Collection.Status.PUBLISHED, by=world.users.editor)
    page = client.get(url).content.decode()
    article = collection.articles.get()
    for shown in (article.title, "Смирнова Ольга Александровна", world.institution.short_name, "Аннотация 0"):
        assert shown in page
    assert client.get(reverse("publications:index")).content.decode().count(collection.title) == 1
    book = client.get(reverse("publications:book_public", args=[collection.pk]))
    assert b"".join(book.streaming_content) == b"%PDF-1.4 book"


def _publish(collection, world):
    services.change_collection_status(collection, Collection.Status.PUBLISHED, by=world.users.editor)


# --- Query counts on every list page ---------------------------------------------------------


def _many_articles(world, collection, count, state=S.ACCEPTED):
    for _ in range(count):
        article_for(world, collection, state=state, submitted_at=timezone.now())


LIST_PAGES = {
    "index": (None, lambda w, n: [_publish(published_collection(w, articles=2), w) for _ in range(n)], lambda w: reverse("publications:index")),
    "collection_public": (None, "public", None),
    "my_articles": ("coordinator", lambda w, n: _many_articles(w, collection_for(w), n, S.DRAFT), lambda w: reverse("publications:my_articles")),
    "desk": ("editor", lambda w, n: [collection_for(w) for _ in range(n)], lambda w: reverse("publications:desk")),
    "dashboard": ("editor", "dashboard", None),
    "ordering": ("editor", "ordering", None),
    "book": ("editor", "book", None),
}  # fmt: skip


def _collection_page(world, kind, rows):
    if kind == "public":
        collection = published_collection(world, articles=rows)
        _publish(collection, world)
        return reverse("publications:collection_public", args=[collection.pk])
    collection = collection_for(world, status=Collection.Status.EDITING)
    if kind == "book":
        for version in range(1, rows + 1):
            BookBuild.objects.create(collection=collection, version=version, state=BookBuild.State.FAILED)
        return reverse("publications:book", args=[collection.pk])
    _many_articles(world, collection, rows)
    if kind == "ordering":
        section = collection.sections.create(title="Раздел", order=1)
        collection.articles.filter(pk__in=collection.articles.values("pk")[:1]).update(section=section)
    name = "publications:collection_dashboard" if kind == "dashboard" else "publications:ordering"
    return reverse(name, args=[collection.pk])


def _list_page(world, page, rows):
    role, make, build_url = LIST_PAGES[page]
    if isinstance(make, str):
        return role, _collection_page(world, make, rows)
    make(world, rows)
    return role, build_url(world)


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_pages_make_the_same_number_of_queries_for_1_and_25_rows(page, world, client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for rows in (1, 25):
        role, url = _list_page(world, page, rows)
        client.logout()
        if role:
            client.force_login(getattr(world.users, role))
        client.get(url)  # warm the per-process caches (permissions, content types)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context))
    with django_assert_num_queries(counts[0]):
        assert client.get(url).status_code == 200
    assert counts[0] == counts[1], counts


# --- The article editor ----------------------------------------------------------------------


def authors_data(rows):
    data = {
        "authors-TOTAL_FORMS": str(len(rows)),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "12",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"authors-{index}-{key}"] = value
    return data


def article_data(world, **overrides):
    data = {
        "title": "Новое название статьи",
        "abstract": "Кратко о главном.",
        "keywords": "чтение, грамотность",
        "introduction": "<p>Введение <script>alert(1)</script><b onclick='x()'>важно</b></p>",
        "course_of_work": "<p>Ход работы</p>",
        "methods_and_findings": "<p>Методы</p>",
        "results": "<p>Результаты</p>",
        "conclusions": "<p>Выводы</p>",
        "references": "Источник 1",
        **authors_data(
            [
                {
                    "full_name": "Васильева Елена Игоревна",
                    "position": "зам. директора",
                    "institution": world.institution.pk,
                },
                {"full_name": "Иванов Пётр", "position": "учитель", "institution_name": "СПб АППО"},
            ]
        ),
    }
    data.update(overrides)
    return data


def test_saving_the_article_sanitises_it_and_measures_its_length_after_the_request(
    login, world, django_capture_on_commit_callbacks
):
    article = article_for(world)
    client = login(world.users.coordinator)
    with django_capture_on_commit_callbacks() as measuring:
        response = client.post(
            reverse("publications:article_edit", args=[article.pk]), article_data(world), follow=True
        )
    article.refresh_from_db()
    assert article.title == "Новое название статьи"
    assert "<script" not in article.introduction and "onclick" not in article.introduction
    assert "<b>важно</b>" in article.introduction
    assert [a.full_name for a in article.authors.all()] == ["Васильева Елена Игоревна", "Иванов Пётр"]
    assert article.authors.get(order=2).affiliation == "СПб АППО"
    # The request only queued the estimate: the page says the pages are being counted.
    assert not article.length_is_current
    assert "считаем страницы" in response.content.decode()
    for callback in measuring:
        callback()
    article.refresh_from_db()
    assert article.length_is_current and article.estimated_pages == 1
    page = client.get(reverse("publications:article_detail", args=[article.pk])).content.decode()
    assert f"{article.length_display} в сборнике" in page and "требуется 4–7" in page


def test_a_form_with_an_error_keeps_what_was_typed(login, world):
    article = article_for(world)
    client = login(world.users.coordinator)
    data = article_data(world, **{"authors-1-institution_name": "", "results": "<p>Мой текст результатов</p>"})
    response = client.post(reverse("publications:article_edit", args=[article.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Иванов Пётр" in page
    assert "Мой текст результатов" in page
    assert "Иванов Пётр" in page and ("institution" in page)
    article.refresh_from_db()
    assert article.title != "Новое название статьи"


def test_a_file_that_is_not_word_is_refused(login, world):
    article = article_for(world)
    client = login(world.users.coordinator)
    fake = ContentFile(b"<html><script>alert(1)</script></html>", name="статья.docx")
    response = client.post(reverse("publications:article_upload", args=[article.pk]), {"file": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_submit_from_the_page(login, world, django_capture_on_commit_callbacks):
    article = article_for(world)
    client = login(world.users.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("publications:article_submit", args=[article.pk]))
    assert Article.objects.get(pk=article.pk).state == S.SUBMITTED


def test_a_refused_review_action_keeps_the_comment(login, world):
    article = article_for(world, state=S.ACCEPTED)
    client = login(world.users.editor)
    response = client.post(
        reverse("publications:article_review", args=[article.pk]), {"action": "revise", "comment": "Мой отзыв"}
    )
    assert response.status_code == 200
    assert "Мой отзыв" in response.content.decode()
    assert Article.objects.get(pk=article.pk).state == S.ACCEPTED


def test_editor_requests_revisions_from_the_page(login, world, django_capture_on_commit_callbacks):
    article = article_for(world, state=S.SUBMITTED)
    client = login(world.users.editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("publications:article_review", args=[article.pk]),
            {"action": "revise", "comment": "Добавьте таблицу.", "section": "results"},
        )
    assert Article.objects.get(pk=article.pk).state == S.REVISIONS_REQUESTED
    page = login(world.users.coordinator).get(reverse("publications:article_detail", args=[article.pk]))
    assert "Добавьте таблицу." in page.content.decode()


def test_creating_an_article_from_an_open_call(login, world):
    collection = collection_for(world)
    client = login(world.users.coordinator)
    response = client.post(
        reverse("publications:article_create", args=[collection.pk]),
        {"title": "Моя статья", "institution": world.institution.pk},
    )
    article = Article.objects.get(title="Моя статья")
    assert response["Location"] == reverse("publications:article_edit", args=[article.pk])
    assert article.institution == world.institution


def test_the_coordinator_cannot_write_for_another_institution(login, world):
    collection = collection_for(world)
    client = login(world.users.coordinator)
    response = client.post(
        reverse("publications:article_create", args=[collection.pk]),
        {"title": "Чужая", "institution": world.other_institution.pk},
    )
    assert response.status_code == 200
    assert not Article.objects.exists()


# --- The editor's pages ----------------------------------------------------------------------


def test_ordering_saves_sections_and_order(login, world):
    collection = collection_for(world, status=Collection.Status.EDITING)
    first, second, third = (article_for(world, collection, state=S.ACCEPTED) for _ in range(3))
    stranger = article_for(world, state=S.ACCEPTED)  # another collection's article is not touched
    school, kindergarten = (collection.sections.create(title=t, order=i) for i, t in enumerate(["Школа", "Сад"]))
    client = login(world.users.editor)
    client.post(
        reverse("publications:ordering", args=[collection.pk]),
        {
            "sections": f"{kindergarten.pk},{school.pk}",
            "section-none": f"{third.pk}",
            f"section-{kindergarten.pk}": f"{second.pk},{stranger.pk}",
            f"section-{school.pk}": f"{first.pk}",
        },
    )
    kindergarten.refresh_from_db()
    assert kindergarten.order == 1
    assert list(selectors.book_order(collection)) == [third, second, first]
    stranger.refresh_from_db()
    assert stranger.section_id is None


def test_creating_a_collection(login, world):
    series = SeriesFactory(district=world.district)
    client = login(world.users.editor)
    response = client.post(
        reverse("publications:collection_create"),
        {
            "series": series.pk,
            "title": "Вестник образования",
            "issue_number": "3",
            "year": "2027",
            "academic_year": "2026/2027",
            "deadline": "2027-03-15T18:00",
            "page_size": "A5",
        },
    )
    collection = Collection.objects.get()
    assert response["Location"] == reverse("publications:collection_dashboard", args=[collection.pk])
    assert collection.district == world.district
    assert timezone.localtime(collection.deadline).hour == 18
    assert collection.status == Collection.Status.CALL_OPEN


def test_a_bad_collection_form_keeps_what_was_typed(login, world):
    SeriesFactory(district=world.district)
    client = login(world.users.editor)
    response = client.post(reverse("publications:collection_create"), {"title": "Мой сборник", "academic_year": "x"})
    assert response.status_code == 200
    assert "Мой сборник" in response.content.decode()


def test_reopening_from_the_dashboard(login, world):
    collection = collection_for(world, deadline=timezone.now() - timedelta(days=1))
    client = login(world.users.editor)
    client.post(
        reverse("publications:reopen", args=[collection.pk]),
        {
            "user": world.users.coordinator.pk,
            "until": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert services.deadline_open_for(collection, user=world.users.coordinator)
    assert not services.deadline_open_for(collection, user=world.users.other_coordinator)


# --- For the rating and the home page --------------------------------------------------------


def test_accepted_articles_for_the_rating(world, django_assert_num_queries):
    this_year = collection_for(world, academic_year="2026/2027")
    last_year = collection_for(world, academic_year="2025/2026")
    accepted = article_for(world, this_year, state=S.ACCEPTED, accepted_at=timezone.now())
    article_for(world, this_year, state=S.SUBMITTED)
    article_for(world, last_year, state=S.ACCEPTED, accepted_at=timezone.now() - timedelta(days=400))
    ArticleFactory(state=S.ACCEPTED)  # another district
    with django_assert_num_queries(2):
        found = list(selectors.accepted_articles(world.district, "2026/2027"))
        assert [(a.institution, a.collection, a.authors.all()[0].full_name) for a in found] == [
            (world.institution, this_year, "Смирнова Ольга Александровна")
        ]
    assert found == [accepted]
    today = timezone.localdate()
    assert list(selectors.accepted_articles(world.district, date_from=today, date_to=today)) == [accepted]
    assert selectors.accepted_articles(world.district, date_from=date(2000, 1, 1)).count() == 2


def test_due_items_for_authors_and_editors(world):
    collection = collection_for(world)
    revising = article_for(world, state=S.REVISIONS_REQUESTED)
    article_for(world, collection, state=S.SUBMITTED)
    coordinator_items = due.items_for(world.users.coordinator)
    titles = [item.title for item in coordinator_items]
    assert any(revising.title in title for title in titles)
    assert not any(collection.title in title for title in titles)  # already submitted there
    other_items = [item.title for item in due.items_for(world.users.other_coordinator)]
    assert any(collection.title in title for title in other_items)
    editor_items = [item for item in due.items_for(world.users.editor) if item.category in {"Collections", "Сборники"}]
    assert len(editor_items) == 1
    assert editor_items[0].url == reverse("publications:collection_dashboard", args=[collection.pk])


def test_authors_formset_requires_an_institution_for_each_author(login, world):
    article = article_for(world)
    ArticleAuthor.objects.filter(article=article).delete()
    client = login(world.users.coordinator)
    response = client.post(
        reverse("publications:article_edit", args=[article.pk]),
        article_data(world, **authors_data([{"full_name": "Без места работы", "institution": ""}])),
    )
    assert response.status_code == 200
    assert not article.authors.exists()


def test_the_edit_address_of_a_submitted_article_shows_it_read_only(login, world):
    article = article_for(world, state=S.SUBMITTED)
    client = login(world.users.coordinator)
    response = client.get(reverse("publications:article_edit", args=[article.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("publications:article_detail", args=[article.pk])
    body = response.content.decode()
    assert "нельзя изменить" in body and article.title in body


def test_my_articles_offers_only_collections_still_open_for_the_author(login, world):
    from publications.models import Reopening

    open_one = collection_for(world, title="Открытый сборник")
    closed = collection_for(world, title="Закрытый сборник", deadline=timezone.now() - timedelta(days=1))
    client = login(world.users.coordinator)
    body = client.get(reverse("publications:my_articles")).content.decode()
    assert open_one.title in body and closed.title not in body
    Reopening.objects.create(
        collection=closed, user=world.users.coordinator, until=timezone.now() + timedelta(days=3), reason="болезнь"
    )
    assert closed.title in client.get(reverse("publications:my_articles")).content.decode()
