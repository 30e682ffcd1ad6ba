"""Every URL of the portal, for every role, with the status that role must get.

Objects in URLs belong to the `world` fixture's `institution` (coordinator's own) unless a
case says otherwise; another institution's coordinator must get 404, never 403, so that
object ids cannot be probed.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.matrix import ROLES

# Django's own admin is tested in tests/accounts/test_admin.py; it is not ours to enumerate.
EXCLUDED_NAMESPACES = {"admin"}


def _all_cases():
    cases = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.matrix")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{module_info.name}.matrix":
                raise
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _named_patterns(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_patterns(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"


def test_every_url_is_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = sorted(set(_named_patterns()) - covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


def test_the_matrix_names_only_real_urls():
    stale = sorted({case.url_name for case in CASES} - set(_named_patterns()))
    assert not stale, f"Matrix rows for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_status_per_role(case, role, world, client):
    path = case.build(world)
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(path, data) if data is not None else getattr(client, case.method)(path)
    expected = case.expect[role]
    assert response.status_code == expected, f"{case.id} as {role}: expected {expected}, got {response.status_code}"
    if role == "anonymous" and expected == 302 and case.method == "get":
        assert "/accounts/login/" in response["Location"], "anonymous users are sent to the login page"
