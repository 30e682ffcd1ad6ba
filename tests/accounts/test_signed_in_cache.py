"""The signed-in user and their roles kept in the cache (production with Redis): no query for them on
a page, and any change to the user, their roles, institution or district shows on the very next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Institution, RoleAssignment, User
from accounts.services import revoke_role
from tests.factories import with_role


@pytest.fixture(autouse=True)
def _signed_in_cache(settings):
    settings.SIGNED_IN_CACHE = True


def _user_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [q for q in sql if '"accounts_user"' in q or '"accounts_roleassignment"' in q]


def test_the_second_page_reads_neither_the_user_nor_their_roles(world, login):
    client = login(world.users.coordinator)
    url = reverse("accounts:profile")
    response, first = _user_queries(client, url)
    assert response.status_code == 200 and first
    response, second = _user_queries(client, url)
    assert response.status_code == 200
    assert second == []
    assert "ГБОУ лицей № 590" in response.content.decode()


def test_a_role_taken_away_is_gone_on_the_next_page(world, login):
    user = world.users.methodist
    client = login(user)
    url = reverse("applications:manage_calls")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now from the cache
    revoke_role(user, RoleAssignment.Role.METHODIST, world.district)
    assert client.get(url).status_code in (403, 404)


def test_a_role_given_shows_on_the_next_page(world, login):
    user = world.users.expert
    client = login(user)
    client.get(reverse("accounts:profile"))
    assert "Мои статьи" not in client.get(reverse("accounts:profile")).content.decode()
    with_role(user, RoleAssignment.Role.COORDINATOR, world.district, world.institution)
    assert "Мои статьи" in client.get(reverse("accounts:profile")).content.decode()


def test_a_user_deactivated_by_a_bulk_update_is_signed_out_at_once(world, login):
    user = world.users.coordinator
    client = login(user)
    client.get(reverse("accounts:profile"))
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_password_changed_elsewhere_ends_this_session(world, login):
    user = world.users.coordinator
    client = login(user)
    client.get(reverse("accounts:profile"))
    user.set_password("совсем-другой-пароль-2026")
    user.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_a_renamed_institution_shows_in_the_menu_at_once(world, login):
    client = login(world.users.coordinator)
    client.get(reverse("accounts:profile"))
    Institution.objects.filter(pk=world.institution.pk).update(short_name="ГБОУ школа № 1")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "ГБОУ школа № 1" in page and "ГБОУ лицей № 590" not in page
