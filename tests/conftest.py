from types import SimpleNamespace

import pytest

from tests.factories import DistrictFactory, InstitutionFactory, Role, UserFactory, with_role


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def district(db):
    return DistrictFactory(name="Красносельский район", short_name="Красносельский", slug="krasnoselsky")


@pytest.fixture
def world(db, district):
    """One district with two institutions and a user for every role.

    The roles of the permission matrix: the coordinator of `institution`, the coordinator of
    `other_institution`, an expert who works at `other_institution`, a methodist, an editor
    and the district office; plus `other_methodist` of another district.
    """
    institution = InstitutionFactory(district=district, number="590", short_name="ГБОУ лицей № 590")
    other_institution = InstitutionFactory(district=district, number="271", short_name="ГБОУ гимназия № 271")
    other_district = DistrictFactory(name="Адмиралтейский район", short_name="Адмиралтейский", slug="admiralteysky")
    users = SimpleNamespace(
        coordinator=with_role(UserFactory(email="coordinator@example.org"), Role.COORDINATOR, district, institution),
        other_coordinator=with_role(
            UserFactory(email="coordinator2@example.org"), Role.COORDINATOR, district, other_institution
        ),
        expert=with_role(UserFactory(email="expert@example.org"), Role.EXPERT, district, other_institution),
        methodist=with_role(UserFactory(email="methodist@example.org"), Role.METHODIST, district),
        editor=with_role(UserFactory(email="editor@example.org"), Role.EDITOR, district),
        district_office=with_role(UserFactory(email="office@example.org"), Role.DISTRICT_OFFICE, district),
        other_methodist=with_role(UserFactory(email="methodist2@example.org"), Role.METHODIST, other_district),
    )
    return SimpleNamespace(
        district=district,
        other_district=other_district,
        institution=institution,
        other_institution=other_institution,
        users=users,
    )


@pytest.fixture
def login(client):
    """Log the test client in as a user (or out, for None) and return the client."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
