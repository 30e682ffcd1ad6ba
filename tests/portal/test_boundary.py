"""The district boundary: one declaration per model, and what derives from it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps

from accounts.models import Institution, User
from applications.models import Application, StatusKind
from expertise.models import Review
from innovation_portal import boundary
from notifications.models import Notification
from plans.models import Plan
from tests.backoffice.objects import make_in, person_in
from tests.factories import Role, with_role


def test_a_path_through_several_relations_finds_the_district(world):
    review = make_in(Review, world.district)
    assert boundary.district_ids_of(review) == {world.district.pk}
    assert boundary.district_id_of(review) == world.district.pk
    assert list(boundary.within(Review.objects.all(), [world.other_district.pk])) == []


def test_a_person_belongs_to_every_district_of_their_roles(world):
    person = person_in(world.district)
    with_role(person, Role.EXPERT, world.other_district)
    assert boundary.district_ids_of(person) == {world.district.pk, world.other_district.pk}
    assert boundary.district_id_of(person) is None  # several: no single district
    # Listed once even though two roles lead to the districts.
    assert list(boundary.within(User.objects.filter(pk=person.pk), boundary.district_ids_of(person))) == [person]
    notification = make_in(Notification, world.district)
    assert boundary.district_ids_of(notification) == {world.district.pk}


def test_records_without_a_district_on_a_nullable_path_are_shared(world):
    shared = StatusKind.objects.create(name="Экспериментальная площадка")
    own = StatusKind.objects.create(name="Районная опорная площадка", district=world.district)
    theirs = StatusKind.objects.create(name="Лаборатория", district=world.other_district)
    ids = [world.district.pk]
    assert set(boundary.within(StatusKind.objects.all(), ids)) == {own}
    assert set(boundary.within(StatusKind.objects.all(), ids, shared=True)) == {own, shared}
    assert theirs not in boundary.within(StatusKind.objects.all(), ids, shared=True)
    assert boundary.district_ids_of(shared) == frozenset()


def test_an_unsaved_record_without_its_parents_belongs_nowhere():
    assert boundary.district_ids_of(Application()) == frozenset()
    assert boundary.district_ids_of(Institution()) == frozenset()


def test_q_composes_with_other_conditions(world):
    institution_q = boundary.q(Institution, [world.district.pk]) & models.Q(number="590")
    assert list(Institution.objects.filter(institution_q)) == [world.institution]


def _model(name, **attrs):
    meta = type("Meta", (), {"app_label": "plans"})
    return type(name, (models.Model,), {"__module__": "plans.models", "Meta": meta, **attrs})


@isolate_apps("plans")
def test_a_model_without_a_declaration_is_refused():
    undeclared = _model("UndeclaredThing", plan=models.ForeignKey(Plan, models.CASCADE))
    with pytest.raises(ImproperlyConfigured):
        boundary.path_of(undeclared)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nowhere__district", "no field"),
        ("title", "not a relation"),
        ("plan__created_by", "does not end at a district"),
    ],
)
@isolate_apps("plans")
def test_a_wrong_declaration_is_refused(path, message):
    wrong = _model(
        f"Wrong{abs(hash(path))}",
        district_path=path,
        plan=models.ForeignKey(Plan, models.CASCADE, related_name="+"),
        title=models.CharField(max_length=10),
    )
    with pytest.raises(ImproperlyConfigured, match=message):
        boundary._steps(wrong)


def test_the_start_up_checks_pass_for_the_portal():
    assert boundary.check_declarations() == []
    from innovation_portal.admin import check_admins

    assert check_admins() == []
