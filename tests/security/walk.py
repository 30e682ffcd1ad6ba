"""Walking every URL of the portal with the objects its matrix case builds (tests/*/matrix.py).

Each case of the permission matrix builds its own objects in the `world`; here every case is
built in a savepoint of its own, requested, and rolled back, so that one world serves them all
(a case's objects, memoised on the world as they are, never meet another case's).
"""

import time
from contextlib import contextmanager
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.test import Client

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


class Walk:
    """One logged-in client per role (logged in once, outside the cases' savepoints) and the 500s met."""

    def __init__(self, users):
        self.clients = {}
        self.cookies = {}
        for role, user in users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            self.clients[role] = client
            self.cookies[role] = client.cookies.get(settings.SESSION_COOKIE_NAME)
        self.failures = []
        self.count = 0
        self.spent = {}
        self.started = time.process_time()

    def next_case(self):
        """Every client back on its own session (a case may have logged out, or rotated the session)."""
        for role, client in self.clients.items():
            client.cookies.clear()
            if self.cookies[role] is not None:
                client.cookies[settings.SESSION_COOKIE_NAME] = self.cookies[role].value

    def request(self, role, method, path, data=None, step="?"):
        """The answer to one request as `role`; a 500 is noted with the request. Counted (and timed) by `step`."""
        started = time.perf_counter()
        try:
            return self._request(role, method, path, data)
        finally:
            spent = self.spent.setdefault(step, [0, 0.0])
            spent[0] += 1
            spent[1] += time.perf_counter() - started

    def report(self):
        steps = ", ".join(f"{step}: {n} in {seconds:.1f} s" for step, (n, seconds) in self.spent.items())
        cpu = time.process_time() - self.started
        return f"{self.count} requests, {cpu:.1f} s of processor time ({steps})"

    def _request(self, role, method, path, data=None):
        self.count += 1
        response = getattr(self.clients[role], method)(path, data or {})
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            reason = f"{error[0].__name__}: {str(error[1])[:160]}" if error else ""
            shown = {k: (v[:20] + "…" if len(str(v)) > 20 else v) for k, v in (data or {}).items()}
            self.failures.append(f"{method.upper()} {path[:160]!r} {shown} as {role}: {response.status_code} {reason}")
        return response

    def check(self):
        assert not self.failures, f"{len(self.failures)} answers of 500:\n" + "\n".join(self.failures[:60])
