"""Events of a plan hosted by an institution remind its coordinators (kind «plan_item»).

Only occurrences with exact dates remind (an open seminar «10.10.2023» at «ГБОУ № 624»);
one known only to the month has no day to count from. Each occurrence reminds on its own;
a moved one reminds of its new date only. Default offsets: 7 and 1 days before (no
«overdue» for an event), changeable per district in the back office.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import reminders

from .models import Execution, Plan, PlanItemOccurrence

# The hour an all-day event is counted from, Moscow time.
EVENT_HOUR = datetime.time(9, 0)


def event_moment(day):
    return timezone.make_aware(datetime.datetime.combine(day, EVENT_HOUR))


@reminders.source
def hosted_events(now):
    earliest, latest = reminders.window("plan_item", now)
    first, last = timezone.localdate(earliest), timezone.localdate(latest)
    occurrences = list(
        PlanItemOccurrence.objects.filter(
            item__host_institution__isnull=False,
            item__host_institution__is_active=True,
            item__plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
        )
        # A dated occurrence still planned by its first day; a moved one by the day it moved to.
        .filter(
            Q(execution=Execution.PLANNED, exact=True, first_day__gte=first, first_day__lte=last)
            | Q(execution=Execution.MOVED, executed_on__gte=first, executed_on__lte=last)
        )
        .select_related("item__plan", "item__host_institution")
        .order_by("pk")
    )
    coordinators = reminders.coordinators_by_institution({o.item.host_institution_id for o in occurrences})
    for occurrence in occurrences:
        item = occurrence.item
        recipients = coordinators.get(item.host_institution_id)
        if not recipients:
            continue
        day = occurrence.executed_on if occurrence.execution == Execution.MOVED else occurrence.first_day
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
