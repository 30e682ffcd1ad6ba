"""The public pages are rendered once for anonymous visitors and again as soon as their data changes."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import StatusKind
from plans import services as plan_services
from plans.models import Plan, PlanItem
from publications.models import Collection
from ratings import services as rating_services
from ratings.models import RatingCampaign
from tests.applications.factories import AwardFactory, StatusKindFactory
from tests.factories import InstitutionFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import ArticleFactory, collection_for
from tests.ratings.factories import CampaignFactory, CardFactory, IndicatorFactory, accepted


@pytest.fixture
def plan(world):
    plan = make_plan(world.district, status=Plan.Status.PUBLISHED)
    make_item(make_section(plan), "Семинар по смысловому чтению", "октябрь", host=world.institution)
    return plan


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_anonymous_visit_of_each_key_page_makes_no_query(world, plan, django_assert_num_queries):
    AwardFactory(institution=world.institution, status_kind=StatusKindFactory(), theme="Смысловое чтение")
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    accepted(CardFactory(campaign=campaign, institution=world.institution), IndicatorFactory(campaign=campaign))
    rating_services.compute(campaign)
    collection = collection_for(world, status=Collection.Status.PUBLISHED)
    ArticleFactory(collection=collection, institution=world.institution, state="accepted", title="Статья о чтении")
    client = Client()
    for url, shown in (
        (reverse("plans:detail", args=[plan.pk]), "Семинар по смысловому чтению"),
        (reverse("applications:registry"), "Смысловое чтение"),
        (reverse("ratings:results", args=[campaign.pk]), world.institution.short_name),
        (reverse("publications:collection_public", args=[collection.pk]), "Статья о чтении"),
    ):
        first = _get(client, url)
        with django_assert_num_queries(0):
            second = _get(client, url)
        assert shown in first and shown in second


def test_an_item_edited_through_its_service_shows_on_the_next_visit(client, plan):
    url = reverse("plans:detail", args=[plan.pk])
    assert "октябрь" in _get(client, url)
    item = PlanItem.objects.get(plan=plan)
    item.timeframe_text = "15 марта"
    item.save(update_fields=["timeframe_text"])
    plan_services.refresh_item_timeframe(item)
    page = _get(client, url)
    assert "15 марта" in page and "октябрь" not in page


def test_a_new_award_shows_in_the_registry_at_once(client, world):
    kind = StatusKindFactory(level=StatusKind.Level.DISTRICT)
    AwardFactory(institution=world.institution, status_kind=kind, theme="Первая тема")
    url = reverse("applications:registry")
    assert "Вторая тема" not in _get(client, url)
    AwardFactory(institution=InstitutionFactory(district=world.district), status_kind=kind, theme="Вторая тема")
    assert "Вторая тема" in _get(client, url)


def test_a_recomputed_rating_and_a_renamed_institution_show_at_once(client, world):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    indicator = IndicatorFactory(campaign=campaign)
    accepted(CardFactory(campaign=campaign, institution=world.institution), indicator)
    rating_services.compute(campaign)
    url = reverse("ratings:results", args=[campaign.pk])
    assert "Новая школа" not in _get(client, url)
    newcomer = InstitutionFactory(district=world.district, short_name="Новая школа")
    accepted(CardFactory(campaign=campaign, institution=newcomer), indicator)
    rating_services.compute(campaign)  # what republishing does
    assert "Новая школа" in _get(client, url)
    world.institution.short_name = "Лицей с новым именем"
    world.institution.save()
    assert "Лицей с новым именем" in _get(client, url)


def test_a_collection_published_and_an_article_added_show_at_once(client, world):
    collection = collection_for(world, status=Collection.Status.ASSEMBLED)
    ArticleFactory(collection=collection, institution=world.institution, state="accepted", title="Первая статья")
    url = reverse("publications:collection_public", args=[collection.pk])
    assert client.get(url).status_code == 404
    Collection.objects.filter(pk=collection.pk).update(status=Collection.Status.PUBLISHED)
    assert "Первая статья" in _get(client, url)
    ArticleFactory(collection=collection, institution=world.institution, state="accepted", title="Вторая статья")
    assert "Вторая статья" in _get(client, url)


def test_signed_in_users_never_get_the_visitors_page_nor_leave_theirs(login, world, plan):
    url = reverse("plans:detail", args=[plan.pk])
    logout = f'action="{reverse("logout")}"'
    assert logout not in _get(Client(), url)
    assert logout in _get(login(world.users.methodist), url)
    assert logout in _get(login(world.users.methodist), url)  # a second visit too
    assert logout not in _get(Client(), url)


def test_the_language_cookie_keeps_its_own_copy(plan):
    url = reverse("plans:detail", args=[plan.pk])
    russian = _get(Client(), url)
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = _get(english_client, url)
    assert 'lang="en"' in english and 'lang="ru"' in russian
    assert 'lang="ru"' in _get(Client(), url)
    assert 'lang="en"' in _get(english_client, url)


def test_a_cached_page_carries_each_visitors_own_csrf_token(plan):
    url = reverse("plans:detail", args=[plan.pk])
    _get(Client(), url)  # cached by the first visitor
    visitor = Client(enforce_csrf_checks=True)
    page = _get(visitor, url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert 'lang="en"' in _get(visitor, url)


def test_a_change_committed_after_the_page_was_read_in_its_transaction_shows(
    client, plan, django_capture_on_commit_callbacks
):
    url = reverse("plans:detail", args=[plan.pk])
    _get(client, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        PlanItem.objects.filter(plan=plan).update(title="Переименованный семинар")
    assert callbacks  # the commit gives the table a new version once more
    assert "Переименованный семинар" in _get(client, url)


def _registry_key():
    from django.test import RequestFactory

    from applications.views.public import registry
    from innovation_portal import caching

    request = RequestFactory().get(reverse("applications:registry"))
    return caching._key(request, registry.cached_models)


def test_a_draft_autosaved_again_and_again_leaves_the_registrys_page_in_the_cache(
    client, world, login, django_assert_num_queries
):
    from tests.applications.factories import application_for
    from tests.applications.test_editor import training_site_data

    AwardFactory(institution=world.institution, status_kind=StatusKindFactory(), theme="Тема площадки")
    draft = application_for(world, complete=False)
    url = reverse("applications:registry")
    visitor = Client()
    assert "Тема площадки" in _get(visitor, url)
    key = _registry_key()
    coordinator = login(world.users.coordinator)
    for number in range(5):
        data = training_site_data(theme=f"Тема черновика {number}", revision=draft.revision + number)
        answer = coordinator.post(reverse("applications:autosave", args=[draft.pk]), data).json()
        assert answer["saved"] is True
    draft.refresh_from_db()
    assert draft.theme == "Тема черновика 4"
    assert _registry_key() == key
    with django_assert_num_queries(0):
        assert "Тема площадки" in _get(visitor, url)
    # An award does renew it.
    AwardFactory(institution=InstitutionFactory(district=world.district), status_kind=StatusKindFactory())
    assert _registry_key() != key


def test_a_whole_app_is_refused_as_what_a_page_shows():
    from innovation_portal.caching import cache_for_anonymous

    with pytest.raises(ValueError, match="not whole apps"):
        cache_for_anonymous("applications", "accounts.Institution")


def test_two_portals_sharing_one_cache_never_serve_each_others_pages(world, settings):
    from django.core.cache import caches
    from django.db import connection

    from innovation_portal import caching

    url = reverse("applications:registry")
    AwardFactory(institution=world.institution, status_kind=StatusKindFactory(), theme="Площадка первого портала")
    one_database = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "one-redis-database"}
    settings.CACHES = {"default": {**one_database, "KEY_PREFIX": "portal-one"}}
    assert "Площадка первого портала" in _get(Client(), url)
    assert any(key.startswith("portal-one:") for key in caches["default"]._cache)
    # The second portal's own database holds another award: written where the first portal's
    # write hook never sees it (here: the hook taken off for this write).
    hooks = connection.execute_wrappers
    assert caching._watch_writes in hooks
    hooks.remove(caching._watch_writes)
    try:
        world.institution.status_awards.update(theme="Площадка второго портала")
    finally:
        hooks.append(caching._watch_writes)
    settings.CACHES = {"default": {**one_database, "KEY_PREFIX": "portal-two"}}
    page = _get(Client(), url)
    assert "Площадка второго портала" in page and "Площадка первого портала" not in page


def test_the_installation_names_every_cache_key_by_default(monkeypatch):
    from innovation_portal import settings as portal_settings

    monkeypatch.delenv("CACHE_KEY_PREFIX", raising=False)
    ours = portal_settings.cache_key_prefix()
    assert portal_settings.CACHES["default"]["KEY_PREFIX"]
    assert re.fullmatch(r"[0-9a-f]{12}", ours)
    assert portal_settings._installation_key() == ours  # stable: every process computes the same
    monkeypatch.setattr(portal_settings, "SECRET_KEY", "another installation's secret")
    assert portal_settings.cache_key_prefix() != ours
    monkeypatch.setenv("CACHE_KEY_PREFIX", "portal-a")
    assert portal_settings.cache_key_prefix() == "portal-a"
