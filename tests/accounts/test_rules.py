from accounts import rules as r
from tests.factories import InstitutionFactory


def test_coordinator_is_coordinator_of_their_own_institution_only(world):
    coordinator = world.users.coordinator
    assert r.is_coordinator_of(coordinator, world.institution)
    assert not r.is_coordinator_of(coordinator, world.other_institution)


def test_methodist_is_methodist_of_their_district_only(world):
    methodist = world.users.methodist
    assert r.is_methodist_of(methodist, world.district)
    assert r.is_methodist_of(methodist, world.institution)
    assert not r.is_methodist_of(methodist, world.other_district)
    assert not r.is_methodist_of(methodist, InstitutionFactory(district=world.other_district))


def test_expert_is_affiliated_with_their_workplace(world):
    assert r.is_affiliated_with(world.users.expert, world.other_institution)
    assert not r.is_affiliated_with(world.users.expert, world.institution)


def test_reports_are_for_methodists_and_the_district_office(world):
    users = world.users
    assert r.can_read_reports(users.methodist)
    assert r.can_read_reports(users.district_office)
    assert not r.can_read_reports(users.coordinator)
    assert not r.can_read_reports(users.expert)


def test_back_office_model_permissions(world):
    assert world.users.methodist.has_perm("accounts.change_institution", world.institution)
    assert not world.users.other_methodist.has_perm("accounts.change_institution", world.institution)
    assert not world.users.coordinator.has_perm("accounts.view_institution")
    assert not world.users.methodist.has_perm("accounts.add_district")
