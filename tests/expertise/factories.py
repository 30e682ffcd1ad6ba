"""Factories and helpers for the expertise tests."""

import datetime

from django.utils import timezone

from applications.models import Application, Criterion
from expertise.models import Assignment, CouncilMeeting
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


def meeting(world, **kwargs):
    kwargs.setdefault("number", "1")
    kwargs.setdefault("date", timezone.localdate())
    return CouncilMeeting.objects.create(district=world.district, **kwargs)


def scores_of(application, values, comment=""):
    criteria = list(application.call.criteria.all())
    return {c.pk: (v, comment) for c, v in zip(criteria, values, strict=True)}
