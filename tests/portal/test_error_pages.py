"""Russian error pages in the portal's layout with a way home, for visitors and signed-in users.

DEBUG is off in the tests (pytest-django), so these are the pages production shows.
"""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

HOME_LINK = 'id="error-home"'


def _page(response):
    return response.content.decode()


def _in_layout(page, signed_in):
    assert '<nav class="navbar' in page and "css/portal.css" in page
    # The user menu of base.html, or its «Войти» for a visitor.
    assert ("Выйти" in page) is signed_in


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_missing_page_is_the_russian_404_with_a_way_home(client, world, signed_in):
    if signed_in:
        client.force_login(world.users.coordinator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = _page(response)
    assert "Страница не найдена" in page and HOME_LINK in page and f'href="{reverse("home")}"' in page
    _in_layout(page, signed_in)
    assert ("Многие страницы открываются только после входа" in page) is not signed_in


def test_a_page_of_another_role_is_the_russian_403_offering_to_sign_in_as_another_user(client, world):
    client.force_login(world.users.coordinator)
    path = reverse("plans:import")
    response = client.get(path)
    assert response.status_code == 403
    page = _page(response)
    assert "Эта страница вам недоступна" in page and HOME_LINK in page
    assert "Вы вошли как coordinator@example.org" in page and "обратитесь к методисту ИМЦ" in page
    _in_layout(page, signed_in=True)
    # «Sign in as another user» signs out and leads to the login page, back to this page after it.
    assert f'action="{reverse("logout")}"' in page and "Войти под другим пользователем" in page
    response = client.post(reverse("logout"), {"next": f"{reverse('login')}?next={path}"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={path}"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_form_without_the_csrf_cookie_is_the_russian_403_page(world, signed_in):
    browser = Client(enforce_csrf_checks=True)
    if signed_in:
        browser.force_login(world.users.coordinator)
        response = browser.post(reverse("accounts:profile"), {"full_name": "Подмена"})
    else:
        response = browser.post(reverse("login"), {"username": "coordinator@example.org", "password": "password"})
    assert response.status_code == 403
    page = _page(response)
    assert "Форма не принята" in page and "Разрешите cookie" in page and HOME_LINK in page
    _in_layout(page, signed_in)
    world.users.coordinator.refresh_from_db()
    assert world.users.coordinator.full_name != "Подмена"


def test_a_form_with_a_stale_token_is_the_russian_403_page(world):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("login"))  # the CSRF cookie is set
    response = browser.post(reverse("login"), {"username": "x", "password": "y", "csrfmiddlewaretoken": "stale" * 8})
    assert response.status_code == 403
    page = _page(response)
    assert "Форма не принята" in page and "открыта слишком долго" in page


def test_a_request_for_another_host_is_the_russian_400_page(client, world):
    response = client.get(reverse("home"), HTTP_HOST="portal.evil.example")
    assert response.status_code == 400
    page = _page(response)
    assert "Портал не смог разобрать запрос" in page and HOME_LINK in page
    _in_layout(page, signed_in=False)


def test_a_form_with_too_many_fields_is_the_russian_400_page_in_the_signed_in_layout(client, world, settings):
    client.force_login(world.users.coordinator)
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("accounts:profile"), fields)
    assert response.status_code == 400
    page = _page(response)
    assert "Портал не смог разобрать запрос" in page and HOME_LINK in page
    _in_layout(page, signed_in=True)


def database_down():
    """Every query fails as it would with PostgreSQL gone: the connection cannot be made."""
    return mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("connection refused"))


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_with_the_database_down_the_russian_500_page_is_shown_in_the_layout(world, signed_in):
    browser = Client(raise_request_exception=False)
    if signed_in:
        browser.force_login(world.users.coordinator)
    # The plans list (anonymous) and the home page (the session, the user's tasks) both need the database.
    with database_down():
        response = browser.get(reverse("home") if signed_in else reverse("plans:list"))
    assert response.status_code == 500
    page = _page(response)
    assert "На стороне портала что-то пошло не так" in page and HOME_LINK in page
    # The self-contained template rendered, not the plain fallback: the layout's stylesheets are there.
    assert "vendor/bootstrap/bootstrap.min.css" in page and "css/portal.css" in page
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_500_page_needs_no_request_and_no_database():
    """No `db` fixture: any query would raise, and the plain fallback (no stylesheet) would show."""
    from innovation_portal.errors import server_error

    response = server_error(request=None)
    page = response.content.decode()
    assert response.status_code == 500 and "Ошибка на сервере" in page and "css/portal.css" in page
