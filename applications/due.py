"""What is due on the home page: open calls not yet answered, returned applications, checks to do."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from innovation_portal import due

from .models import Application, Call
from .selectors import awaited, calls_for_coordinator

Role = RoleAssignment.Role


@due.provider
def items(user):
    if not user.is_authenticated:
        return []
    found = []
    institution_ids = user.coordinated_institution_ids
    if institution_ids:
        found += _coordinator_items(user, institution_ids)
    methodist_districts = user.district_ids(Role.METHODIST)
    if methodist_districts:
        found += _methodist_items(methodist_districts)
    return found


def _coordinator_items(user, institution_ids):
    found = []
    applications = list(
        Application.objects.filter(institution_id__in=institution_ids)
        .exclude(state=Application.State.WITHDRAWN)
        .select_related("call")
        # The few columns the items name, not the applications' texts (kilobytes a row).
        .only("state", "call_id", "institution_id", "remarks", "fix_by", "call__title")
    )
    drafts = {a.call_id: a for a in applications if a.state == Application.State.DRAFT}
    now = timezone.now()
    # A call waits while one of the user's eligible institutions has handed nothing in and its
    # own deadline (the call's or an extension's) is ahead; the item shows the nearest of them.
    waiting = {}
    for w in awaited(calls_for_coordinator(user, now), institution_ids):
        if w.deadline >= now and (w.call.pk not in waiting or w.deadline < waiting[w.call.pk][1]):
            waiting[w.call.pk] = (w.call, w.deadline)
    for call, deadline in waiting.values():
        draft = drafts.get(call.pk)
        found.append(
            due.DueItem(
                title=_("Application: %s") % call.title,
                url=reverse("applications:edit", args=[draft.pk])
                if draft
                else reverse("applications:call", args=[call.pk]),
                due=deadline,
                note=_("A draft is started.") if draft else _("Not started yet."),
                category=_("Competitions"),
            )
        )
    for application in applications:
        if application.state == Application.State.RETURNED:
            found.append(
                due.DueItem(
                    title=_("Fix the returned application: %s") % application.call.title,
                    url=reverse("applications:edit", args=[application.pk]),
                    due=application.fix_by,
                    note=application.remarks[:200],
                    category=_("Competitions"),
                )
            )
    return found


def _methodist_items(district_ids):
    waiting = Q(applications__state__in=Application.WAITING_CHECK)
    calls = (
        Call.objects.filter(district_id__in=district_ids)
        .annotate(waiting=Count("applications", filter=waiting))
        .filter(waiting__gt=0)
    )
    today = timezone.localdate()
    return [
        due.DueItem(
            title=_("Technical check: %(count)d applications to «%(call)s»")
            % {"count": call.waiting, "call": call.title},
            url=reverse("applications:manage_call", args=[call.pk]),
            due=call.technical_check_date or today,
            category=_("Competitions"),
        )
        for call in calls
    ]
