import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="teacher@example.org", full_name="Иванова Анна Петровна")


def test_login_page_is_russian(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="ru"' in body
    assert "Вход" in body or "Войти" in body


def test_login_by_email_in_any_case(client, person):
    response = client.post(reverse("login"), {"username": "  Teacher@Example.ORG ", "password": "password"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == person.pk


def test_wrong_password_is_refused_in_russian(client, person):
    response = client.post(reverse("login"), {"username": "teacher@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Введите правильные e-mail и пароль" in response.content.decode()


def test_lockout_by_user_and_address_with_cooloff(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "teacher@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(
        reverse("login"), {"username": "teacher@example.org", "password": "password"}, REMOTE_ADDR="10.0.0.1"
    )
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток" in locked.content.decode()
    # The same person from another address is not locked out: a typo-prone colleague in the
    # same office cannot lock someone out, and neither can an attacker elsewhere.
    other = client.post(
        reverse("login"), {"username": "teacher@example.org", "password": "password"}, REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302


def test_logout_needs_post_and_ends_the_session(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail_sets_a_new_password(client, person):
    response = client.post(reverse("password_reset"), {"email": "teacher@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["teacher@example.org"]
    assert "Сброс пароля" in letter.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", letter.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Сложный-пароль-2024", "new_password2": "Сложный-пароль-2024"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Сложный-пароль-2024")


def test_password_reset_for_unknown_mail_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_applies_validators(client, person):
    client.force_login(person)
    weak = client.post(
        reverse("password_change"),
        {"old_password": "password", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert "Введённый пароль слишком широко распространён" in weak.content.decode()
    person.refresh_from_db()
    assert person.check_password("password")
    ok = client.post(
        reverse("password_change"),
        {"old_password": "password", "new_password1": "Весна-2025-план", "new_password2": "Весна-2025-план"},
    )
    assert ok.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Весна-2025-план")


def test_profile_saves_name_and_keeps_input_on_error(client, person):
    client.force_login(person)
    response = client.post(reverse("accounts:profile"), {"full_name": "", "position": "учитель", "phone": "123"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Обязательное поле" in body
    assert 'value="учитель"' in body  # nothing already typed is lost
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Иванова Анна", "position": "учитель", "phone": "123"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.position) == ("Иванова Анна", "учитель")


def test_email_is_unique_whatever_the_case(db):
    User.objects.create_user("A@Example.org", "x", full_name="A")
    assert User.objects.get_by_natural_key("a@example.org").full_name == "A"


def test_russian_even_for_an_english_browser(client, db):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="ru"' in body and "Войти" in body


def test_english_when_chosen_in_the_footer(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body and "Log in" in body
