"""What every signed-in page costs before its own work: the session, the user, their roles, the bell."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment
from notifications.notify import notify
from tests.factories import UserFactory, with_role


def _bell(response):
    page = response.content.decode()
    start = page.find('id="unread-count"')
    return None if start < 0 else page[page.index(">", start) + 1 : page.index("<", start)]


def test_a_signed_in_page_reads_the_user_and_their_roles_and_nothing_else_of_the_layout(world, login):
    client = login(world.users.coordinator)
    url = reverse("accounts:profile")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    # The bell's count comes from the cache once counted; the menu from memory.
    assert "notifications_notification" not in tables
    roles = next(q["sql"] for q in queries.captured_queries if "accounts_roleassignment" in q["sql"])
    # Only what the menu names of the district and the institution, not their whole rows.
    assert '"accounts_institution"."short_name"' in roles
    assert '"accounts_institution"."full_name"' not in roles
    assert '"accounts_district"."centre_name"' not in roles
    assert "ГБОУ лицей № 590" in response.content.decode()


def test_the_bell_counts_a_new_notification_and_forgets_it_once_read(world, login, django_capture_on_commit_callbacks):
    user = world.users.coordinator
    client = login(user)
    assert _bell(client.get(reverse("accounts:profile"))) is None
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind="application_returned", title="Заявка возвращена", mail=False)
    assert _bell(client.get(reverse("accounts:profile"))) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        notify([user], kind="application_returned", title="Заявка снова возвращена", key="again", mail=False)
    assert _bell(client.get(reverse("accounts:profile"))) == "2"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("notifications:list"))  # opening the list marks them read
    assert _bell(client.get(reverse("accounts:profile"))) is None
    # Another user's notification does not ring this user's bell.
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.users.methodist], kind="application_returned", title="Другому", mail=False)
    assert _bell(client.get(reverse("accounts:profile"))) is None


def test_the_menu_follows_a_role_given_between_two_pages(world, login):
    user = UserFactory()
    client = login(user)
    assert "Мои статьи" not in client.get(reverse("accounts:profile")).content.decode()
    with_role(user, RoleAssignment.Role.COORDINATOR, world.district, world.institution)
    assert "Мои статьи" in client.get(reverse("accounts:profile")).content.decode()
    # Another user with no role still gets the menu of no role (menus are kept per set of roles).
    assert "Мои статьи" not in login(UserFactory()).get(reverse("accounts:profile")).content.decode()
