"""Object ids in URLs cannot be probed: another institution or district gets 404 on them.

The permission matrix (tests/test_permission_matrix.py) checks every case for every role.
This file makes sure the matrix keeps asking the right question as URLs are added: every URL
that takes an object id and that the coordinator can reach must expect 404 for the other
institution's coordinator, unless the object is shared by the whole district (listed below,
with the reason). It also runs the matrix cases as the methodist of *another* district.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from tests.test_permission_matrix import CASES, EXCLUDED_NAMESPACES

# URLs whose object belongs to the whole district, not to one institution: every coordinator of
# the district legitimately opens them with the same id.
SHARED_BY_THE_DISTRICT = {
    "applications:call": "a call is open to every institution of the district",
    "applications:call_file": "the rules of a call are published to every institution",
    "applications:ask_extension": "the id is the call's, open to every institution; the form offers only the user's own",
    "publications:article_create": "a call for articles is open to every institution",
    "ratings:my_card": "the campaign is the district's; the view opens the user's own card",
    "ratings:interviews": "the interview schedule of a campaign is shown to every institution",
    "ratings:slot_book": "any institution may book a free interview slot of its district",
}

REACHES = {200, 302}


def _id_patterns(patterns=None, namespace="", converters=()):
    """{url name: names of its integer parameters} for every URL that takes an object id."""
    found = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(
                _id_patterns(pattern.url_patterns, prefix, converters + tuple(pattern.pattern.converters.items()))
            )
        elif isinstance(pattern, URLPattern):
            params = converters + tuple(pattern.pattern.converters.items())
            ints = [name for name, converter in params if isinstance(converter, IntConverter)]
            if ints:
                found[f"{namespace}{pattern.name}"] = ints
    return found


ID_URLS = _id_patterns()


def _is_public(case):
    return case.expect["anonymous"] == 200


def test_urls_with_object_ids_exist():
    # The walk must find the object pages; if it found none the checks below would pass vacuously.
    assert {"applications:detail", "ratings:entry_evidence", "publications:article_detail"} <= set(ID_URLS)


def test_every_object_url_expects_404_for_the_other_institution():
    missing = []
    for name in sorted(ID_URLS):
        if name in SHARED_BY_THE_DISTRICT:
            continue
        for case in (c for c in CASES if c.url_name == name):
            if _is_public(case) or case.expect["coordinator"] not in REACHES:
                continue
            if case.expect["other_coordinator"] != 404:
                missing.append(f"{case.id}: other_coordinator expects {case.expect['other_coordinator']}")
    assert not missing, (
        "URLs with an object id that the coordinator reaches must answer 404 to another institution's "
        f"coordinator (or be listed in SHARED_BY_THE_DISTRICT with the reason): {missing}"
    )


def test_the_shared_list_names_only_real_object_urls():
    assert set(SHARED_BY_THE_DISTRICT) <= set(ID_URLS)


def test_no_object_url_answers_403_where_the_owner_gets_in():
    # 403 would tell a prober that the object exists.
    leaks = [
        case.id
        for case in CASES
        if case.url_name in ID_URLS
        and case.expect["coordinator"] in REACHES
        and not _is_public(case)
        and case.expect["other_coordinator"] == 403
    ]
    assert not leaks, leaks


# The district's staff pages for objects of the world's district, as a methodist of another district.
OTHER_DISTRICT_CASES = [
    case
    for case in CASES
    if case.url_name in ID_URLS
    and not _is_public(case)
    and case.expect["methodist"] in REACHES
    and case.url_name not in {"ratings:slot_book"}  # see SHARED_BY_THE_DISTRICT; a methodist books for nobody
]


@pytest.mark.parametrize("case", OTHER_DISTRICT_CASES, ids=lambda case: case.id)
def test_another_districts_methodist_gets_404(case, world, client):
    path = case.build(world)
    client.force_login(world.users.other_methodist)
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(path, data) if data is not None else getattr(client, case.method)(path)
    assert response.status_code == 404, f"{case.id}: {response.status_code}"
