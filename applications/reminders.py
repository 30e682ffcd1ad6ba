"""Deadlines of calls that remind coordinators by themselves (see notifications.reminders).

* «call_closing» / «annual_report»: a call's closing, to the coordinators of every eligible
  institution that has not handed anything in yet (all active institutions of the district
  for a competition or conference talks; the current sites of the status kind for annual
  reports — the rule of `selectors.awaited`). An institution with a personal extension is
  reminded of its own date instead.
* «fix_by»: a returned application's fix-by date, to its institution's coordinators.

Each source reads in a fixed number of queries, whatever the number of calls and schools.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import reminders

from .models import Application, Call
from .selectors import awaited, end_of_day


def _in_window(field, kind, now, own_offsets=True):
    earliest, latest = reminders.window(kind, now)
    condition = Q(**{f"{field}__gt": earliest, f"{field}__lte": latest})
    if own_offsets:
        # Calls with their own offsets may remind further ahead (or later) than the defaults.
        wide_earliest, wide_latest = reminders.wide_window(now)
        condition |= ~Q(reminder_offsets="") & Q(**{f"{field}__gt": wide_earliest, f"{field}__lte": wide_latest})
    return condition


def _kind(call):
    return "annual_report" if call.purpose == Call.Purpose.ANNUAL_REPORT else "call_closing"


@reminders.source
def call_deadlines(now):
    calls = list(
        Call.objects.filter(is_published=True)
        .filter(
            (Q(purpose=Call.Purpose.ANNUAL_REPORT) & _in_window("closes_at", "annual_report", now))
            | (~Q(purpose=Call.Purpose.ANNUAL_REPORT) & _in_window("closes_at", "call_closing", now))
        )
        .select_related("status_kind")
    )
    waiting = awaited(calls, day=timezone.localdate(now))
    coordinators = reminders.coordinators_by_institution({w.institution.pk for w in waiting})
    for w in waiting:
        call, institution = w.call, w.institution
        if not coordinators.get(institution.pk):
            continue
        yield reminders.Deadline(
            kind=_kind(call),
            # Per institution: a coordinator of two schools is reminded for each of them,
            # and an extension (a new date) starts its own reminders.
            key=f"call:{call.pk}:institution:{institution.pk}"
            + (f":until:{timezone.localtime(w.deadline):%Y%m%d%H%M}" if w.extended else ""),
            due=w.deadline,
            recipients=coordinators[institution.pk],
            title=_("%(call)s — %(institution)s") % {"call": call.title, "institution": institution.short_name},
            url=reverse("applications:call", args=[call.pk]),
            district_id=call.district_id,
            offsets=reminders.object_offsets(call.reminder_offsets),
            context={"institution": institution.short_name, "call": call.title},
        )


@reminders.source
def fix_by_deadlines(now):
    earliest, latest = reminders.window("fix_by", now)
    applications = list(
        Application.objects.filter(
            state=Application.State.RETURNED,
            fix_by__gte=timezone.localdate(earliest),
            fix_by__lte=timezone.localdate(latest),
        ).select_related("call", "institution")
    )
    coordinators = reminders.coordinators_by_institution({a.institution_id for a in applications})
    for application in applications:
        yield reminders.Deadline(
            kind="fix_by",
            # The date is part of the key: a second return with a new date reminds again.
            key=f"application:{application.pk}:fix_by:{application.fix_by:%Y%m%d}",
            due=end_of_day(application.fix_by),
            recipients=coordinators.get(application.institution_id, []),
            title=_("Fix the returned application: %(call)s — %(institution)s")
            % {"call": application.call.title, "institution": application.institution.short_name},
            url=reverse("applications:edit", args=[application.pk]),
            district_id=application.call.district_id,
            context={"institution": application.institution.short_name, "call": application.call.title},
        )
