"""The 4–7 page rule is checked when the author sends the article; the editor may allow an exception."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innovation_portal.workflow import TransitionError
from notifications.models import Notification
from publications import services
from publications.models import Article
from publications.words import pages_phrase

from .factories import article_for, paragraphs

S = Article.State


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (1, "1 страница"),
        (2, "2 страницы"),
        (5, "5 страниц"),
        (11, "11 страниц"),
        (21, "21 страница"),
        (Decimal("5.2"), "5,2 страницы"),
        (Decimal("0.5"), "0,5 страницы"),
        (Decimal("7.0"), "7 страниц"),
    ],
)
def test_lengths_are_counted_in_russian(value, phrase):
    with translation.override("ru"):
        assert pages_phrase(value) == phrase


def short_article(world):
    article = article_for(
        world, introduction=paragraphs(1), course_of_work=paragraphs(1), results=paragraphs(1), page_length=None
    )
    article.length_version = None
    services.estimate_length(article)
    return article


def test_a_too_short_article_is_refused_with_its_computed_length(world):
    article = short_article(world)
    assert article.page_length < 4 and article.length_is_current
    with translation.override("ru"), pytest.raises(TransitionError) as refused:
        services.submit_article(article, by=world.users.coordinator)
    assert f"Статья занимает {pages_phrase(article.page_length)} сборника" in str(refused.value)
    assert "статьи объёмом 4–7 страниц" in str(refused.value)
    assert Article.objects.get(pk=article.pk).state == S.DRAFT


def test_a_too_long_article_is_refused(world):
    article = article_for(world, page_length=Decimal("8.3"), estimated_pages=9)
    with translation.override("ru"), pytest.raises(TransitionError, match="8,3 страницы"):
        services.submit_article(article, by=world.users.coordinator)


def test_an_article_saved_but_not_yet_measured_waits_for_its_length(world, django_capture_on_commit_callbacks):
    article = article_for(world)
    with django_capture_on_commit_callbacks():
        services.save_article(article, by=world.users.coordinator, fields={"results": paragraphs(30)})
    with translation.override("ru"), pytest.raises(TransitionError, match="ещё считается"):
        services.submit_article(article, by=world.users.coordinator)
    assert Article.objects.get(pk=article.pk).state == S.DRAFT


def test_an_editors_exception_lets_the_short_article_go_and_the_author_sees_it(
    login, world, django_capture_on_commit_callbacks
):
    article = short_article(world)
    editor = login(world.users.editor)
    url = reverse("publications:length_exception", args=[article.collection_id])
    # Without a reason nothing is recorded and the editor is told why.
    response = editor.post(url, {"article": article.pk, "reason": ""}, follow=True)
    assert "Напишите, почему статью можно отправить" in response.content.decode()
    assert not Article.objects.get(pk=article.pk).has_length_exception
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(url, {"article": article.pk, "reason": "Краткий отчёт лаборатории, согласовано"})
    article.refresh_from_db()
    assert article.length_exception_by == world.users.editor and article.length_exception_at
    assert article.length_exception_reason == "Краткий отчёт лаборатории, согласовано"
    assert Notification.objects.filter(user=world.users.coordinator, kind="publications.length_exception").exists()
    dashboard = editor.get(reverse("publications:collection_dashboard", args=[article.collection_id]))
    assert "Краткий отчёт лаборатории" in dashboard.content.decode()

    author = login(world.users.coordinator)
    page = author.get(reverse("publications:article_detail", args=[article.pk])).content.decode()
    assert "разрешил отправить статью вне требования 4–7 страниц" in page and "Краткий отчёт лаборатории" in page
    with django_capture_on_commit_callbacks(execute=True):
        author.post(reverse("publications:article_submit", args=[article.pk]))
    assert Article.objects.get(pk=article.pk).state == S.SUBMITTED


def test_the_author_sees_the_length_and_the_refusal_on_the_page(login, world):
    article = short_article(world)
    client = login(world.users.coordinator)
    response = client.post(reverse("publications:article_submit", args=[article.pk]), follow=True)
    page = response.content.decode()
    assert f"Статья занимает {pages_phrase(article.page_length)} сборника" in page
    assert Article.objects.get(pk=article.pk).state == S.DRAFT


def test_a_decided_article_gets_no_exception(world):
    article = article_for(world, state=S.ACCEPTED)
    with pytest.raises(TransitionError):
        services.allow_length_exception(article, by=world.users.editor, reason="Поздно")


def test_a_measurement_for_an_old_version_is_not_written(world):
    article = article_for(world)
    Article.objects.filter(pk=article.pk).update(content_version=3, length_version=2)
    from publications.tasks import estimate_length

    assert estimate_length(article_id=article.pk, version=2) is None  # the text changed since
    assert Article.objects.get(pk=article.pk).length_version == 2


def test_a_lost_estimate_stops_the_page_waiting_and_sending_asks_for_it_again(
    login, world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    article = article_for(world)
    Article.objects.filter(pk=article.pk).update(
        content_version=2, length_version=1, updated_at=timezone.now() - timedelta(minutes=6)
    )
    client = login(world.users.coordinator)
    fragment = client.get(reverse("publications:article_length", args=[article.pk])).content.decode()
    assert "hx-trigger" not in fragment and "посчитаем заново" in fragment
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("publications:article_submit", args=[article.pk]), follow=True)
    assert "ещё считается" in response.content.decode()
    article.refresh_from_db()
    assert article.length_is_current  # measured again on the attempt
