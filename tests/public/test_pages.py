"""The visitors' home page, an institution's page and the widgets, as a visitor sees them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Call
from plans.models import Plan
from publications.models import Collection
from ratings.models import RatingCampaign
from tests.applications.factories import AwardFactory
from tests.public.factories import public_year

# Districts, calls, plan items (+ organizers, occurrences), presentations, awards, the collection,
# the rating and its results, the page-cache versions aside (they live in the cache).
HOME_QUERIES = 10


@pytest.fixture
def year(world):
    return public_year(world, rows=2)


def test_the_home_page_shows_every_block_to_a_visitor(client, world, year):
    page = client.get(reverse("home")).content.decode()
    today = timezone.localdate()
    for text in (
        "Открытые конкурсы",
        "Конкурс на статус РСП Красносельский 1",
        "приём заявок до",
        "Семинар для учителей 2",
        "Публичные презентации",
        "ИМЦ, актовый зал",
        "Новые инновационные площадки",
        "Тема площадки 1",
        "Последний сборник",
        "Инновационные процессы в системе образования: Красносельский",
        "2 статьи",
        "Рейтинг инновационной активности",
        "ГБОУ лицей № 590 — 50",
    ):
        assert text in page, text
    # Russian month names, in the genitive inside a date.
    genitive = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    assert genitive[(today + timezone.timedelta(days=10)).month - 1] in page
    # Each block links on.
    assert reverse("applications:call", args=[year["calls"][0].pk]) in page
    assert reverse("plans:detail", args=[year["plan"].pk]) in page
    assert reverse("publications:collection_public", args=[year["collection"].pk]) in page
    assert reverse("ratings:results", args=[year["campaign"].pk]) in page
    assert reverse("public:institution", args=[world.institution.pk]) in page
    assert reverse("applications:registry") in page


def test_the_home_page_of_one_district_leaves_the_others_out(client, world, year):
    public_year(world, rows=1, district=world.other_district)
    everything = client.get(reverse("home")).content.decode()
    assert (
        "Конкурс на статус РСП Адмиралтейский 1" in everything
        and "Конкурс на статус РСП Красносельский 1" in everything
    )
    one = client.get(reverse("home"), {"district": world.other_district.slug}).content.decode()
    assert "Конкурс на статус РСП Адмиралтейский 1" in one
    assert "Красносельский 1" not in one
    assert "Инновационные процессы в системе образования: Адмиралтейский" in one
    assert f'value="{world.other_district.slug}" selected' in one
    # An unknown district is every district, not an error.
    assert client.get(reverse("home"), {"district": "nowhere"}).status_code == 200


def test_drafts_never_reach_the_home_page(client, world, year):
    Plan.objects.filter(pk=year["plan"].pk).update(status=Plan.Status.DRAFT)
    Call.objects.filter(pk=year["calls"][0].pk).update(is_published=False)
    Collection.objects.filter(pk=year["collection"].pk).update(status=Collection.Status.ASSEMBLED)
    RatingCampaign.objects.filter(pk=year["campaign"].pk).update(status=RatingCampaign.Status.VERIFYING)
    page = client.get(reverse("home")).content.decode()
    assert "Семинар для учителей" not in page
    assert "Конкурс на статус РСП Красносельский 1" not in page
    assert "Инновационные процессы в системе образования" not in page
    assert "ГБОУ лицей № 590 — 50" not in page
    assert "Рейтинг ещё не опубликован." in page


def test_a_signed_in_user_still_gets_their_own_home_page(client, world, year):
    client.force_login(world.users.coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Открытые конкурсы" not in page


def test_the_home_page_is_cached_until_the_data_changes(client, world, year, django_assert_num_queries):
    client.get(reverse("home"))
    with django_assert_num_queries(0):
        client.get(reverse("home"))
    Call.objects.filter(pk=year["calls"][0].pk).update(title="Новое название конкурса")
    assert "Новое название конкурса" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("rows", [1, 25])
def test_the_home_page_reads_a_fixed_number_of_queries(client, world, rows, django_assert_num_queries):
    public_year(world, rows=rows)
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200


def test_an_institution_page_lists_its_statuses_with_the_embed_code(client, world):
    AwardFactory(institution=world.institution, theme="Читательская грамотность")
    page = client.get(reverse("public:institution", args=[world.institution.pk])).content.decode()
    assert "Читательская грамотность" in page
    assert "Разместить на своём сайте" in page
    widget = reverse("public:widget_statuses", args=[world.institution.pk])
    assert f'&lt;iframe src="http://testserver{widget}"' in page


def test_widgets_show_the_public_data(client, world, year):
    statuses = client.get(reverse("public:widget_statuses", args=[world.institution.pk])).content.decode()
    assert "Районная стажировочная площадка" in statuses and "Тема площадки 1" in statuses
    registry = client.get(reverse("public:widget_registry"), {"district": world.district.slug}).content.decode()
    assert "Тема площадки 2" in registry and "2 площадки" in registry
    events = client.get(reverse("public:widget_events"), {"district": world.district.slug}).content.decode()
    assert "Семинар для учителей 1" in events
    rating = client.get(reverse("public:widget_rating", args=[year["campaign"].pk])).content.decode()
    assert "ГБОУ лицей № 590" in rating and "50" in rating
    assert client.get(reverse("public:widget_registry"), {"district": "nowhere"}).status_code == 404


def test_the_pages_a_widget_belongs_to_show_its_embed_code(client, world, year):
    registry = client.get(reverse("applications:registry"), {"district": world.district.pk}).content.decode()
    assert f"/widgets/registry/?district={world.district.slug}" in registry
    month = client.get(reverse("plans:this_month")).content.decode()
    assert f"/widgets/events/?district={world.district.slug}" in month
    rating = client.get(reverse("ratings:results", args=[year["campaign"].pk])).content.decode()
    assert reverse("public:widget_rating", args=[year["campaign"].pk]) in rating


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize(
    "widget",
    ["public:widget_statuses", "public:widget_registry", "public:widget_events", "public:widget_rating"],
)
def test_widgets_read_a_fixed_number_of_queries(client, world, rows, widget, django_assert_num_queries):
    year = public_year(world, rows=rows)
    args = {"public:widget_statuses": [world.institution.pk], "public:widget_rating": [year["campaign"].pk]}
    expected = {
        "public:widget_statuses": 2,
        "public:widget_registry": 2,
        "public:widget_events": 4,
        "public:widget_rating": 2,
    }
    with django_assert_num_queries(expected[widget]):
        response = client.get(reverse(widget, args=args.get(widget, [])), {"district": world.district.slug})
    assert response.status_code == 200
