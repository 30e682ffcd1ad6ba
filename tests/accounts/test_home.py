import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import demo
from accounts.models import Institution, RoleAssignment, User
from applications.models import Application
from tests.applications.factories import application_for, call_for


def test_load_demo_is_idempotent(demo_db):
    # The session's demo is the first load; this is the second.
    counts = (Institution.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Institution.objects.count(), User.objects.count(), RoleAssignment.objects.count()) == counts
    krasnoselsky = Institution.objects.filter(district__slug="krasnoselsky")
    assert krasnoselsky.count() >= 30
    assert set(krasnoselsky.values_list("kind", flat=True)) == set(Institution.Kind.values)


def test_load_demo_prints_a_login_for_every_role(demo_db):
    out = demo_db.output
    for email in ("methodist@", "coordinator@", "expert@", "editor@", "office@", "admin@"):
        assert email in out
    assert demo.DEMO_PASSWORD in out


@pytest.mark.parametrize(
    "email, expected",
    [
        ("methodist@demo.local", "методист"),
        ("coordinator@demo.local", "координатор"),
        ("expert@demo.local", "эксперт"),
        ("editor@demo.local", "редактор"),
        ("office@demo.local", "отдел образования"),
    ],
)
def test_every_demo_login_reaches_its_home_page(client, demo_db, email, expected):
    response = client.post(reverse("login"), {"username": email, "password": demo.DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    body = response.content.decode()
    assert "Что мне предстоит" in body
    assert expected in body.lower()


def test_back_office_link_only_for_methodists(client, demo_db):
    client.force_login(User.objects.get(email="methodist@demo.local"))
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
    client.force_login(User.objects.get(email="coordinator@demo.local"))
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()


def test_anonymous_visitor_sees_the_public_front_page(client, db):
    body = client.get(reverse("home")).content.decode()
    assert reverse("login") in body
    assert "Что мне предстоит" not in body


def test_home_page_queries_are_bounded_by_the_providers(client, world, django_assert_max_num_queries):
    from innovation_portal import due

    # session, user, roles, the unread count, and at most two queries per app's due provider,
    # whatever the number of the user's roles and items.
    client.force_login(world.users.methodist)
    with django_assert_max_num_queries(4 + 2 * len(due._providers)):
        assert client.get(reverse("home")).status_code == 200


def test_a_deadline_on_the_home_page_shows_its_time():
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from innovation_portal.due import DueItem

    year = timezone.localdate().year
    moscow = ZoneInfo("Europe/Moscow")
    assert DueItem("Заявка", "/", datetime(year, 4, 28, 18, 0, tzinfo=moscow)).due_text == "28 апреля, 18:00"
    # Stored in UTC, shown in Moscow time.
    assert DueItem("Заявка", "/", datetime(year, 4, 28, 15, 0, tzinfo=ZoneInfo("UTC"))).due_text == "28 апреля, 18:00"
    assert DueItem("Карта", "/", date(year, 5, 20)).due_text == "20 мая"
    assert DueItem("Статья", "/", date(year + 1, 4, 15)).due_text == f"15 апреля {year + 1}"


def test_a_returned_application_is_due_on_the_coordinators_home_with_its_remarks(world, login):
    call = call_for(world, title="Конкурс инновационных программ")
    application = application_for(world, state=Application.State.RETURNED, call=call)
    Application.objects.filter(pk=application.pk).update(
        remarks="Добавьте дорожную карту", fix_by=datetime.date(2026, 12, 20)
    )
    page = login(world.users.coordinator).get(reverse("home")).content.decode()
    assert "Исправить возвращённую заявку: Конкурс инновационных программ" in page
    assert "Добавьте дорожную карту" in page
    assert reverse("applications:edit", args=[application.pk]) in page
