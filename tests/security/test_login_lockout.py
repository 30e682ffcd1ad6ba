"""Login lockout (django-axes): by user and address together, for a cool-off, then open again.

Time is moved forward by patching the clocks axes reads, so the cool-off is really waited out.
"""

import contextlib
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

LOGIN = "login"
_real_now = timezone.now


@contextlib.contextmanager
def clock_moved(minutes):
    """Every clock axes and Django read shows `minutes` later than the real one."""

    def later():
        return _real_now() + timedelta(minutes=minutes)

    with (
        mock.patch("django.utils.timezone.now", later),
        mock.patch("axes.handlers.proxy.now", later),
        mock.patch("axes.attempts.now", later),
    ):
        yield


@pytest.fixture
def teacher(db):
    return UserFactory(email="teacher@example.org")


@pytest.fixture
def colleague(db):
    return UserFactory(email="colleague@example.org")


def attempt(client, email, password, address):
    client.logout()
    return client.post(reverse(LOGIN), {"username": email, "password": password}, REMOTE_ADDR=address)


def lock_out(client, email, address, settings):
    """Fail the password up to the limit: the last failure is answered with the lockout page."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, email, "wrong", address).status_code == 200
    locked = attempt(client, email, "wrong", address)
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток" in locked.content.decode()


def test_a_locked_out_login_opens_again_after_the_cool_off(client, teacher, settings):
    lock_out(client, teacher.email, "10.0.0.1", settings)
    with clock_moved(settings.AXES_COOLOFF_TIME * 60 + 1):
        response = attempt(client, teacher.email, "password", "10.0.0.1")
        assert response.status_code == 302, "the lockout is not permanent"
        assert int(client.session["_auth_user_id"]) == teacher.pk


def test_the_lockout_lasts_the_whole_cool_off(client, teacher, settings):
    lock_out(client, teacher.email, "10.0.0.1", settings)
    with clock_moved(settings.AXES_COOLOFF_TIME * 60 - 1):
        assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 429


def test_trying_again_while_locked_out_restarts_the_cool_off(client, teacher, settings):
    # Each refused attempt counts as a failure (axes), so guessing on keeps the pair locked out;
    # the real user from another address is unaffected (see below).
    cool_off = settings.AXES_COOLOFF_TIME * 60
    lock_out(client, teacher.email, "10.0.0.1", settings)
    with clock_moved(cool_off - 1):
        assert attempt(client, teacher.email, "wrong", "10.0.0.1").status_code == 429
    with clock_moved(cool_off + 1):
        assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 429
    with clock_moved((cool_off + 1) + cool_off + 1):  # a cool-off after the last refused attempt
        assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 302


def test_the_cool_off_is_fifteen_minutes_by_default(settings):
    assert round(settings.AXES_COOLOFF_TIME * 60) == 15
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS


def test_a_lockout_is_not_by_address_alone(client, teacher, colleague, settings):
    # One person's typos in a school behind one NAT address do not lock out the colleagues.
    lock_out(client, teacher.email, "10.0.0.1", settings)
    assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 429
    assert attempt(client, colleague.email, "password", "10.0.0.1").status_code == 302


def test_a_lockout_is_not_by_user_alone(client, teacher, settings):
    # An attacker elsewhere cannot lock the real user out of their own office.
    lock_out(client, teacher.email, "203.0.113.7", settings)
    assert attempt(client, teacher.email, "password", "203.0.113.7").status_code == 429
    assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 302


def test_failures_from_different_addresses_do_not_add_up(client, teacher, settings):
    for index in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, teacher.email, "wrong", f"10.0.1.{index}")
        attempt(client, teacher.email, "wrong", f"10.0.2.{index}")
    assert attempt(client, teacher.email, "password", "10.0.1.0").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, teacher.email, "wrong", "10.0.0.1")
    assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, teacher.email, "wrong", "10.0.0.1")
    assert attempt(client, teacher.email, "password", "10.0.0.1").status_code == 302
