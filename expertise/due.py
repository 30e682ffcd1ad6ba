"""What is due on the home page: the expert's reviews, the methodist's overdue reviews, a coordinator's slot."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from applications.models import Application, Call
from innovation_portal import due

from .models import Assignment, Presentation

Role = RoleAssignment.Role


@due.provider
def items(user):
    if not user.is_authenticated:
        return []
    found = []
    if user.has_role(Role.EXPERT):
        found += _expert_items(user)
    districts = user.district_ids(Role.METHODIST)
    if districts:
        found += _methodist_items(districts)
    if user.coordinated_institution_ids:
        found += _coordinator_items(user)
    return found


def _expert_items(user):
    open_assignments = (
        Assignment.objects.filter(
            expert=user, state__in=Assignment.OPEN, application__state__in=Application.IN_EXPERTISE
        )
        .exclude(application__institution_id__in=user.affiliation_ids)
        .select_related("application__call", "application__institution")
    )
    return [
        due.DueItem(
            title=_("Review: %(application)s")
            % {
                "application": _("application No. %d") % a.application.pk
                if a.application.call.blind
                else a.application.institution
            },
            url=reverse("expertise:review", args=[a.pk]),
            due=a.due_date,
            note=a.application.call.title,
            category=_("Expertise"),
        )
        for a in open_assignments
    ]


def _methodist_items(district_ids):
    today = timezone.localdate()
    late = Q(
        applications__assignments__state__in=Assignment.OPEN,
        applications__assignments__due_date__lt=today,
        applications__state__in=Application.IN_EXPERTISE,
    )
    calls = (
        Call.objects.filter(district_id__in=district_ids)
        .annotate(
            overdue=Count("applications__assignments", filter=late),
            since=Min("applications__assignments__due_date", filter=late),
        )
        .filter(overdue__gt=0)
    )
    return [
        due.DueItem(
            title=_("Overdue reviews: %(count)d in «%(call)s»") % {"count": call.overdue, "call": call.title},
            url=reverse("expertise:results", args=[call.pk]),
            due=call.since,
            category=_("Expertise"),
        )
        for call in calls
    ]


def _coordinator_items(user):
    now = timezone.now()
    slots = Presentation.objects.filter(
        application__institution_id__in=user.coordinated_institution_ids, starts_at__gte=now
    ).select_related("call")
    return [
        due.DueItem(
            title=_("Public presentation: %s") % slot.call.title,
            url=reverse("expertise:my_presentations"),
            due=slot.starts_at,
            note=slot.place,
            category=_("Expertise"),
        )
        for slot in slots
    ]
