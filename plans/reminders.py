"""Events of a plan hosted by an institution remind its coordinators (kind «plan_item»).

Only items with exact dates remind (an open seminar «10.10.2023» at «ГБОУ № 624»); one
known only to the month has no day to count from. Each date of an item reminds on its
own; a moved item reminds of its new date. Default offsets: 7 and 1 days before (no
«overdue» for an event), changeable per district in the back office.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import reminders

from .models import Plan, PlanItem

# The hour an all-day event is counted from, Moscow time.
EVENT_HOUR = datetime.time(9, 0)


def event_moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, EVENT_HOUR))


def _months(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _event_days(item):
    if item.execution == PlanItem.Execution.MOVED:
        return [item.executed_on] if item.executed_on else []
    return [datetime.date.fromisoformat(day) for day in item.dates]


@reminders.source
def hosted_events(now):
    earliest, latest = reminders.window("plan_item", now)
    first, last = timezone.localdate(earliest), timezone.localdate(latest)
    items = list(
        PlanItem.objects.filter(
            host_institution__isnull=False,
            host_institution__is_active=True,
            plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
            execution__in=[PlanItem.Execution.PLANNED, PlanItem.Execution.MOVED],
        )
        # Items indexed under a month of the window; a moved one by the day it moved to.
        .filter(Q(month_rows__month__in=list(_months(first, last))) | Q(executed_on__gte=first, executed_on__lte=last))
        .select_related("plan", "host_institution")
        .distinct()
        .order_by("pk")
    )
    coordinators = reminders.coordinators_by_institution({item.host_institution_id for item in items})
    for item in items:
        recipients = coordinators.get(item.host_institution_id)
        if not recipients:
            continue
        for day in _event_days(item):
            due = event_moment(day)
            if not earliest < due <= latest:
                continue
            yield reminders.Deadline(
                kind="plan_item",
                key=f"plan_item:{item.pk}:{day:%Y%m%d}",
                due=due,
                recipients=recipients,
                title=_("%(event)s (%(date)s), hosted by %(institution)s")
                % {
                    "event": f"{item.number} {item.title}".strip()[:200],
                    "date": day.strftime("%d.%m.%Y"),
                    "institution": item.host_institution.short_name,
                },
                url=reverse("plans:detail", args=[item.plan_id]) + f"#item-{item.pk}",
                district_id=item.plan.district_id,
                context={"institution": item.host_institution.short_name, "event": item.title},
            )
