"""Factories and helpers for the expertise tests."""

import datetime

from django.utils import timezone

from applications.models import Application, Criterion
from expertise.models import Assignment, CouncilMeeting, CouncilMember
from tests.applications.factories import ApplicationFactory, application_for, call_for, fill_complete
from tests.factories import InstitutionFactory, Role, UserFactory, with_role

LABELS = {"0": "не проявляется", "1": "частично", "2": "в основном", "3": "в полной мере"}
CRITERIA = ["Актуальность", "Технологичность", "Потребительские характеристики"]


def add_criteria(call, weights=(1, 1, 1)):
    return [
        Criterion.objects.create(
            call=call, order=index, name=name, scale_min=0, scale_max=3, labels=LABELS, weight=weight
        )
        for index, (name, weight) in enumerate(zip(CRITERIA, weights, strict=False), start=1)
    ]


def expertise_call(world, **kwargs):
    kwargs.setdefault("expertise_ends", timezone.localdate() + datetime.timedelta(days=20))
    call = call_for(world, **kwargs)
    add_criteria(call)
    return call


def application_in_expertise(world, call=None, institution=None, state=Application.State.UNDER_EXPERTISE):
    """A complete application (of the coordinator's institution unless told) already in expertise."""
    call = call or expertise_call(world)
    if institution is None:
        return application_for(world, state=state, call=call)
    application = fill_complete(ApplicationFactory(call=call, institution=institution))
    Application.objects.filter(pk=application.pk).update(state=state, submitted_at=timezone.now())
    application.refresh_from_db()
    return application


def expert(world, institution=None, email=None):
    user = UserFactory(**({"email": email} if email else {}))
    return with_role(user, Role.EXPERT, world.district, institution or InstitutionFactory(district=world.district))


def assign(application, user, days=7, state=Assignment.State.ASSIGNED):
    return Assignment.objects.create(
        application=application,
        expert=user,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        state=state,
    )


def world_assignment(world, **kwargs):
    """The world's expert (of other_institution) assigned to an application of the coordinator's institution."""
    return assign(application_in_expertise(world, **kwargs), world.users.expert)


def meeting(world, *, chair=None, secretary=None, members=(), present=(), **kwargs):
    """A meeting of the world's district; `members` (users, or names for people without an account)."""
    kwargs.setdefault("number", "1")
    kwargs.setdefault("date", timezone.localdate())
    created = CouncilMeeting.objects.create(district=world.district, **kwargs)
    people = list(dict.fromkeys([p for p in (chair, secretary) if p is not None] + list(members)))
    seat(created, people, present=present, chair=chair, secretary=secretary)
    return created


def seat(meeting_obj, people, *, present=(), chair=None, secretary=None):
    """Council members: a User (linked, named after them) or a plain name; chair and secretary among them."""
    Role = CouncilMember.Role
    rows = []
    for order, person in enumerate(people, start=1):
        is_user = not isinstance(person, str)
        role = Role.CHAIR if person == chair else Role.SECRETARY if person == secretary else Role.MEMBER
        rows.append(
            CouncilMember(
                meeting=meeting_obj,
                order=order,
                user=person if is_user else None,
                full_name=(person.full_name or person.email) if is_user else person,
                role=role,
                present=person in present,
            )
        )
    return CouncilMember.objects.bulk_create(rows)


def scores_of(application, values, comment=""):
    criteria = list(application.call.criteria.all())
    return {c.pk: (v, comment) for c, v in zip(criteria, values, strict=True)}
