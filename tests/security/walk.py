"""Walking every URL of the portal with the objects its matrix case builds (tests/*/matrix.py).

Each case of the permission matrix builds its own objects in the `world`; here every case is
built in a savepoint of its own, requested, and rolled back, so that one world serves them all
(a case's objects, memoised on the world as they are, never meet another case's).
"""

from contextlib import contextmanager
from types import SimpleNamespace

from django.db import transaction

from tests.matrix import ROLES
from tests.test_permission_matrix import CASES

# The matrix's roles, and a superuser, who passes every permission check and so reaches the
# deepest code of each page.
WALK_ROLES = (*ROLES, "superuser")


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Everything written inside is undone at the end (a savepoint rolled back)."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def users_of(world):
    from tests.factories import UserFactory

    users = {role: getattr(world.users, role) for role in ROLES if role != "anonymous"}
    users["anonymous"] = None
    users["superuser"] = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    return users


def built_cases(world):
    """(case, world as the case built it, path) for every matrix case, each in a rolled-back savepoint."""
    base = dict(vars(world))
    for case in CASES:
        with rolled_back():
            own = SimpleNamespace(**base)
            yield case, own, case.build(own)


def reaching_roles(case):
    """The roles the matrix lets through to the view's work (a page, or a POST that succeeds)."""
    wanted = (200,) if case.method == "get" else (200, 302)
    return [role for role in ROLES if case.expect[role] in wanted and not (role == "anonymous" and 302 in wanted)]


def log_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client
