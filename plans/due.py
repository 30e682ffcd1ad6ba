"""Plan items on the home page: a host institution's coming events, a methodist's marks to make."""

import calendar
from datetime import date

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from innovation_portal import due

from .models import Plan, PlanItem
from .selectors import shift_month


def _month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@due.provider
def hosted_events(user):
    """A coordinator's institution hosts these events this month or next."""
    institution_ids = user.coordinated_institution_ids if user.is_authenticated else set()
    if not institution_ids:
        return []
    month = timezone.localdate().replace(day=1)
    items = (
        PlanItem.objects.filter(
            host_institution__in=institution_ids,
            plan__status=Plan.Status.PUBLISHED,
            month_rows__month__in=[month, shift_month(month, 1)],
        )
        .exclude(execution=PlanItem.Execution.CANCELLED)
        .select_related("host_institution")
        .distinct()
        .order_by("starts_on", "pk")
    )
    result = []
    for item in items:
        days = [date.fromisoformat(d) for d in item.dates if date.fromisoformat(d) >= month]
        when = min(days) if days else _month_end(date.fromisoformat(item.months[-1] + "-01"))
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
def execution_to_mark(user):
    """A methodist marks the execution of this month's items (one line per plan)."""
    district_ids = user.district_ids(RoleAssignment.Role.METHODIST) if user.is_authenticated else set()
    if not district_ids:
        return []
    month = timezone.localdate().replace(day=1)
    rows = (
        PlanItem.objects.filter(
            plan__district__in=district_ids,
            plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
            month_rows__month=month,
            execution=PlanItem.Execution.PLANNED,
        )
        .values("plan_id", "plan__period_label", "plan__district__short_name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("plan__district__short_name", "plan_id")
    )
    return [
        due.DueItem(
            title=_("Mark the execution of %(count)d events of this month: %(district)s, %(period)s")
            % {
                "count": row["count"],
                "district": row["plan__district__short_name"],
                "period": row["plan__period_label"],
            },
            url=reverse("plans:execution", args=[row["plan_id"]]) + f"?month={month:%Y-%m}&open=1",
            due=_month_end(month),
            category=_("plan of events"),
        )
        for row in rows
    ]
