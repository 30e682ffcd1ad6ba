"""Review due dates remind the experts who have not submitted yet (kind «review_due»)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from notifications import reminders

from .models import Assignment

# Reminders look this far ahead and this far back (the «overdue» offsets).
AHEAD = datetime.timedelta(days=30)
BEHIND = datetime.timedelta(days=7)


def due_moment(day):
    """A review is due by the end of its day, Moscow time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


@reminders.source
def review_deadlines(now):
    today = timezone.localdate(now)
    assignments = Assignment.objects.filter(
        state__in=Assignment.OPEN,
        application__state__in=Application.IN_EXPERTISE,
        due_date__gte=today - BEHIND,
        due_date__lte=today + AHEAD,
        expert__is_active=True,
    ).select_related("expert", "application__call", "application__institution")
    for assignment in assignments:
        call = assignment.application.call
        yield reminders.Deadline(
            kind="review_due",
            key=f"assignment:{assignment.pk}",
            due=due_moment(assignment.due_date),
            recipients=[assignment.expert],
            title=_("Expert review: %(call)s") % {"call": call.title},
            url=reverse("expertise:review", args=[assignment.pk]),
            district_id=call.district_id,
            context={"call": call.title},
        )
