"""Every stateful model, every (from, to) pair of its states, through its app's `move()`.

The pairs come from the workflows declared next to the enums, so a move added to a map is
tested here without writing a test: an allowed move succeeds and writes one history row of
the shared shape; every other pair raises TransitionError and changes nothing.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from applications import services as applications
from applications.models import Application
from expertise import services as expertise
from expertise.models import Assignment, CouncilMeeting, Review
from innovation_portal.workflow import StateChange, TransitionError, workflow_of
from plans import services as plans
from plans.models import Plan, PlanItemOccurrence
from publications import services as publications
from publications.models import Article, BookBuild, Collection
from ratings import services as ratings
from ratings.models import RatingCampaign, RatingCard
from tests.applications.factories import application_for
from tests.expertise.factories import meeting, world_assignment
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import article_for, collection_for
from tests.ratings.factories import CampaignFactory, CardFactory


@dataclass
class Case:
    model: Any
    make: Any  # (world) -> a fresh object, in whatever state
    door: Any  # the app's move()
    history: Any  # (obj) -> queryset of its history rows
    extra: dict = field(default_factory=dict)
    prepare: Any = None  # (obj, to) -> None: what a move needs besides the map (a built book)


def _review(world):
    assignment = world_assignment(world)
    return Review.objects.create(assignment=assignment)


def _book(collection, to):
    if to == Collection.Status.PUBLISHED:
        BookBuild.objects.create(collection=collection, version=1, state=BookBuild.State.DONE)


CASES = {
    "application": Case(Application, lambda w: application_for(w), applications.move, lambda o: o.events.all()),
    "assignment": Case(Assignment, world_assignment, expertise.move, lambda o: o.events.filter(subject="assignment")),
    "review": Case(Review, _review, expertise.move, lambda o: o.assignment.events.filter(subject="review")),
    "meeting": Case(CouncilMeeting, meeting, expertise.move, lambda o: o.events.all()),
    "plan": Case(Plan, lambda w: make_plan(w.district), plans.move, lambda o: o.status_changes.all()),
    "plan_item_occurrence": Case(
        PlanItemOccurrence,
        lambda w: make_item(make_section(make_plan(w.district))).occurrences.get(),
        plans.move,
        lambda o: o.changes.all(),
        extra={"executed_on": timezone.localdate()},
    ),
    "article": Case(Article, lambda w: article_for(w), publications.move, lambda o: o.events.all()),
    "collection": Case(
        Collection, lambda w: collection_for(w), publications.move, lambda o: o.events.all(), prepare=_book
    ),
    "campaign": Case(
        RatingCampaign,
        lambda w: CampaignFactory(district=w.district),
        ratings.move,
        lambda o: o.history.filter(card=None),
    ),
    "card": Case(
        RatingCard,
        lambda w: CardFactory(campaign=CampaignFactory(district=w.district), institution=w.institution),
        ratings.move,
        lambda o: o.history.all(),
    ),
}


def _pairs():
    for name, case in CASES.items():
        workflow = case.model.workflow
        for a, b in workflow.pairs():
            allowed = workflow.can_move(a, b)
            yield pytest.param(name, a, b, allowed, id=f"{name}:{a}->{b}:{'ok' if allowed else 'refused'}")


def _put(obj, state):
    workflow = workflow_of(obj)
    type(obj).objects.filter(pk=obj.pk).update(**{workflow.field: state})
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize(("name", "from_state", "to", "allowed"), list(_pairs()))
def test_every_pair_of_states(world, name, from_state, to, allowed, django_capture_on_commit_callbacks):
    case = CASES[name]
    obj = _put(case.make(world), from_state)
    field_name = workflow_of(obj).field
    before = case.history(obj).count()
    if case.prepare:
        case.prepare(obj, to)
    by = world.users.methodist

    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            case.door(obj, to, by=by, reason="по карте переходов", **case.extra)
        obj.refresh_from_db()
        assert getattr(obj, field_name) == to
        rows = list(case.history(obj).order_by("-pk"))
        assert len(rows) == before + 1
        row = rows[0]
        assert isinstance(row, StateChange)
        assert (row.from_state, row.to_state, row.by, row.reason) == (from_state, to, by, "по карте переходов")
        assert row.at is not None
        assert row.get_to_state_display() == str(type(obj).workflow.states(to).label)
    else:
        with pytest.raises(TransitionError):
            case.door(obj, to, by=by, reason="по карте переходов", **case.extra)
        obj.refresh_from_db()
        assert getattr(obj, field_name) == from_state
        assert case.history(obj).count() == before


def test_every_stateful_model_is_in_the_map_test():
    from django.apps import apps

    stateful = {m for m in apps.get_models() if hasattr(m, "WORKFLOW")}
    assert stateful == {case.model for case in CASES.values()}


def test_groups_and_maps_live_on_the_enum():
    State = Application.State
    assert State.EDITABLE == frozenset({State.DRAFT, State.RETURNED}) == Application.EDITABLE
    assert State.DRAFT in State.MOVES[State.SUBMITTED]
    assert State.BADGES[State.AWARDED] == "success"
    assert Application.workflow.in_group(State.RETURNED, "EDITABLE")
    assert not Application.workflow.in_group(State.SUBMITTED, "EDITABLE")
