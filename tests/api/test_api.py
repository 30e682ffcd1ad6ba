"""The read API: published data only, paginated, cached, rate-limited."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Call
from plans.models import Plan
from publications.models import Article, Collection
from ratings.models import RatingCampaign
from tests.applications.factories import AwardFactory, CallFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.public.factories import public_year, this_month_text
from tests.publications.factories import ArticleFactory, CollectionFactory
from tests.ratings.factories import CampaignFactory

LISTS = [
    "api:district-list",
    "api:plan-list",
    "api:plan-item-list",
    "api:award-list",
    "api:rating-list",
    "api:collection-list",
    "api:article-list",
    "api:call-list",
]


def _rows(client, url_name, *args, **params):
    response = client.get(reverse(url_name, args=args), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def year(world):
    return public_year(world, rows=2)


def test_lists_show_the_published_data(client, world, year):
    assert {d["slug"] for d in _rows(client, "api:district-list")} == {world.district.slug, world.other_district.slug}
    assert [p["id"] for p in _rows(client, "api:plan-list")] == [year["plan"].pk]
    items = _rows(client, "api:plan-item-list", plan=year["plan"].pk)
    assert {i["title"] for i in items} == {"Семинар для учителей 1", "Семинар для учителей 2"}
    month = timezone.localdate().strftime("%Y-%m")
    assert items[0]["timeframe"]["understood"] is True
    assert items[0]["timeframe"]["text"] == this_month_text()
    assert month in items[0]["timeframe"]["months"]
    assert len(_rows(client, "api:plan-item-list", month=month, district=world.district.slug)) == 2
    assert {a["theme"] for a in _rows(client, "api:award-list", district=world.district.slug)} == {
        "Тема площадки 1",
        "Тема площадки 2",
    }
    assert [r["id"] for r in _rows(client, "api:rating-list")] == [year["campaign"].pk]
    results = _rows(client, "api:rating-results", year["campaign"].pk)
    assert [(r["rank"], r["institution"]["short_name"]) for r in results][0] == (1, "ГБОУ лицей № 590")
    collections = _rows(client, "api:collection-list")
    assert [(c["id"], c["article_count"]) for c in collections] == [(year["collection"].pk, 2)]
    articles = _rows(client, "api:article-list", collection=year["collection"].pk)
    assert {a["title"] for a in articles} == {"Опыт проекта 1", "Опыт проекта 2"}
    assert articles[0]["authors"] == [
        {"full_name": "Смирнова Ольга Александровна", "position": "учитель русского языка"}
    ]
    assert {c["id"] for c in _rows(client, "api:call-list")} == {c.pk for c in year["calls"]}


def test_a_bad_month_is_refused_in_russian(client, world):
    response = client.get(reverse("api:plan-item-list"), {"month": "октябрь"})
    assert response.status_code == 400
    assert "Напишите месяц в виде 2023-10." in response.content.decode()


def test_drafts_and_unpublished_data_are_never_in_the_api(client, world, year):
    draft_plan = make_plan(world.district, status=Plan.Status.DRAFT, title="Черновик плана")
    make_item(make_section(draft_plan), title="Черновое мероприятие", timeframe=this_month_text())
    approved = make_plan(world.district, status=Plan.Status.APPROVED, title="Утверждённый, не опубликованный")
    make_item(make_section(approved), title="Неопубликованное мероприятие", timeframe=this_month_text())
    CampaignFactory(district=world.district, academic_year="2024/2025", status=RatingCampaign.Status.VERIFYING)
    open_collection = CollectionFactory(district=world.district, title="Сборник в работе")
    ArticleFactory(collection=open_collection, institution=world.institution, title="Черновая статья")
    ArticleFactory(
        collection=year["collection"],
        institution=world.institution,
        title="Отклонённая статья",
        state=Article.State.REJECTED,
    )
    CallFactory(district=world.district, is_published=False, title="Неопубликованный конкурс")
    CallFactory(
        district=world.district,
        title="Закрытый конкурс",
        opens_at=timezone.now() - timezone.timedelta(days=30),
        closes_at=timezone.now() - timezone.timedelta(days=1),
    )
    AwardFactory(
        institution=world.institution,
        theme="Истёкший статус",
        valid_from=timezone.localdate() - timezone.timedelta(days=900),
        valid_to=timezone.localdate() - timezone.timedelta(days=10),
    )
    everything = "".join(client.get(reverse(name), {"page_size": 200}).content.decode() for name in LISTS)
    for text in (
        "Черновик плана",
        "Черновое мероприятие",
        "Утверждённый, не опубликованный",
        "Неопубликованное мероприятие",
        "2024/2025",
        "Сборник в работе",
        "Черновая статья",
        "Отклонённая статья",
        "Неопубликованный конкурс",
        "Закрытый конкурс",
        "Истёкший статус",
    ):
        assert text not in everything, text
    assert client.get(reverse("api:plan-detail", args=[draft_plan.pk])).status_code == 404
    assert client.get(reverse("api:collection-detail", args=[open_collection.pk])).status_code == 404


def test_no_personal_data_nor_reviews_are_in_the_api(client, world, year):
    everything = "".join(client.get(reverse(name), {"page_size": 200}).content.decode() for name in LISTS)
    everything += client.get(reverse("api:rating-results", args=[year["campaign"].pk])).content.decode()
    for user in vars(world.users).values():
        assert user.email not in everything
        assert user.full_name not in everything
    for private in ("calendar_token", "email", "phone", "password", "reminder_offsets", "review", "score"):
        assert f'"{private}"' not in everything, private


def test_answers_are_cached_until_the_data_changes(client, world, year, django_assert_num_queries):
    url = reverse("api:call-list")
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    Call.objects.filter(pk=year["calls"][0].pk).update(title="Переименованный конкурс")
    assert "Переименованный конкурс" in client.get(url).content.decode()
    Collection.objects.filter(pk=year["collection"].pk).update(status=Collection.Status.ASSEMBLED)
    assert client.get(reverse("api:collection-list")).json()["count"] == 0


def test_too_many_requests_are_answered_429(client, world):
    url = reverse("api:district-list")
    with override_settings(RATE_API="3/min"):
        statuses = [client.get(url).status_code for _ in range(4)]
        # Cached answers count too: the limit is on the client, not on rendering.
        assert statuses == [200, 200, 200, 429]
        response = client.get(url)
        assert response.status_code == 429 and "Retry-After" in response
        # Another client address has its own allowance.
        assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_lists_are_paginated(client, world):
    for index in range(3):
        CallFactory(district=world.district, title=f"Конкурс {index}")
    page = client.get(reverse("api:call-list"), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_the_api_is_read_only(client, world):
    assert client.post(reverse("api:call-list"), {}, content_type="application/json").status_code == 405


# Each list: the page count and its rows (plus one prefetch for the articles' authors), whatever
# the number of rows.
QUERIES = {
    "api:district-list": 2,
    "api:plan-list": 2,
    "api:plan-item-list": 2,
    "api:award-list": 2,
    "api:rating-list": 2,
    "api:collection-list": 2,
    "api:article-list": 3,
    "api:call-list": 2,
}


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("url_name", LISTS)
def test_lists_read_a_fixed_number_of_queries(client, world, rows, url_name, django_assert_num_queries):
    public_year(world, rows=rows)
    with django_assert_num_queries(QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    if url_name not in ("api:district-list", "api:plan-list", "api:rating-list", "api:collection-list"):
        assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_rating_results_read_a_fixed_number_of_queries(client, world, rows, django_assert_num_queries):
    year = public_year(world, rows=rows)
    with django_assert_num_queries(3):
        response = client.get(reverse("api:rating-results", args=[year["campaign"].pk]))
    assert response.json()["count"] == rows
