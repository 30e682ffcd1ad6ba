"""Plan items on the home page: a host institution's coming events and marks to make, a methodist's marks."""

import calendar

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import RoleAssignment
from innovation_portal import due

from .models import Execution, Plan, PlanItem, PlanItemOccurrence
from .selectors import occurrences_prefetch, shift_month


def _month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@due.provider
def hosted_events(user):
    """A coordinator's institution hosts these events this month or next (a moved one at its new date)."""
    institution_ids = user.coordinated_institution_ids if user.is_authenticated else set()
    if not institution_ids:
        return []
    month = timezone.localdate().replace(day=1)
    months = {month, shift_month(month, 1)}
    items = (
        PlanItem.objects.filter(
            host_institution__in=institution_ids,
            plan__status=Plan.Status.PUBLISHED,
            month_rows__month__in=list(months),
        )
        .select_related("host_institution")
        .prefetch_related(occurrences_prefetch())
        .distinct()
        .order_by("starts_on", "pk")
    )
    result = []
    for item in items:
        coming = [
            o
            for o in item.all_occurrences
            if o.execution in (Execution.PLANNED, Execution.MOVED) and months & set(o.feed_months())
        ]
        if not coming:
            continue
        days = [o.shown_day for o in coming if o.shown_day and o.shown_day >= month]
        when = min(days) if days else _month_end(max(m for o in coming for m in o.feed_months() if m in months))
        result.append(
            due.DueItem(
                title=f"{item.number} {item.title}".strip()[:200],
                url=reverse("plans:detail", args=[item.plan_id]) + f"#item-{item.pk}",
                due=when,
                note=_("Hosted by %(institution)s; timeframe: %(text)s")
                % {"institution": item.host_institution.short_name, "text": item.timeframe_text},
                category=_("plan of events"),
            )
        )
    return result


@due.provider
def hosted_to_mark(user):
    """A coordinator (or a responsible person) marks what their institution has held: one line."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    condition = Q(item__responsible_user=user)
    if user.coordinated_institution_ids:
        condition |= Q(item__host_institution__in=user.coordinated_institution_ids)
    count = PlanItemOccurrence.objects.filter(
        condition,
        item__plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
        execution=Execution.PLANNED,
        first_day__lte=today,
    ).count()
    if not count:
        return []
    return [
        due.DueItem(
            title=ngettext(
                "Mark %(count)d event that has begun: held, moved or cancelled",
                "Mark %(count)d events that have begun: held, moved or cancelled",
                count,
            )
            % {"count": count},
            url=reverse("plans:own_events"),
            due=None,
            category=_("plan of events"),
        )
    ]


@due.provider
def execution_to_mark(user):
    """A methodist marks the execution of this month's occurrences (one line per plan)."""
    district_ids = user.district_ids(RoleAssignment.Role.METHODIST) if user.is_authenticated else set()
    if not district_ids:
        return []
    month = timezone.localdate().replace(day=1)
    rows = (
        PlanItemOccurrence.objects.filter(
            item__plan__district__in=district_ids,
            item__plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
            first_day__lte=_month_end(month),
            last_day__gte=month,
            execution=Execution.PLANNED,
        )
        .values("item__plan_id", "item__plan__period_label", "item__plan__district__short_name")
        .annotate(count=Count("pk"))
        .order_by("item__plan__district__short_name", "item__plan_id")
    )
    return [
        due.DueItem(
            title=_("Mark the execution of %(count)d events of this month: %(district)s, %(period)s")
            % {
                "count": row["count"],
                "district": row["item__plan__district__short_name"],
                "period": row["item__plan__period_label"],
            },
            url=reverse("plans:execution", args=[row["item__plan_id"]]) + f"?month={month:%Y-%m}&open=1",
            due=_month_end(month),
            category=_("plan of events"),
        )
        for row in rows
    ]
