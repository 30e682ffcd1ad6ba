"""Reads of plans shared by the pages, the exports, the feeds and the home page."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import F, Prefetch, Q

from accounts.models import RoleAssignment
from innovation_portal import boundary

from .models import Execution, Plan, PlanItem, PlanItemExecutionChange, PlanItemOccurrence, PlanSection

Role = RoleAssignment.Role
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text, default=None):
    """«2023-10» → date(2023, 10, 1); anything else → ``default``."""
    match = _MONTH.match(text or "")
    if match and 1 <= int(match.group(2)) <= 12 and 1900 < int(match.group(1)) < 2200:
        return date(int(match.group(1)), int(match.group(2)), 1)
    return default


def shift_month(month, delta):
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def visible_plans(user):
    """Plans a user may open: published ones, and every plan of a methodist's districts."""
    plans = Plan.objects.select_related("district")
    if user.is_superuser:
        return plans
    condition = Q(status=Plan.Status.PUBLISHED)
    if user.is_authenticated:
        condition |= boundary.q(Plan, user.district_ids(Role.METHODIST))
    return plans.filter(condition)


def managed_plans(user):
    """Plans whose execution a user marks: a methodist's districts (every plan for a superuser)."""
    plans = Plan.objects.select_related("district")
    if user.is_superuser:
        return plans
    return boundary.within(plans, user.district_ids(Role.METHODIST))


def report_plans(user):
    """Plans whose execution report a user may read: methodists' and the district office's."""
    plans = Plan.objects.select_related("district")
    if user.is_superuser:
        return plans
    return boundary.within(plans, user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE))


def item_queryset():
    return PlanItem.objects.select_related("section", "host_institution").prefetch_related("organizers")


def occurrences_prefetch(to_attr="all_occurrences"):
    """An item's occurrences in order, as ``item.all_occurrences`` (with who marked them)."""
    occurrences = PlanItemOccurrence.objects.select_related("marked_by").order_by("first_day", "key")
    return Prefetch("occurrences", to_attr=to_attr, queryset=occurrences)


def with_month_occurrences(items, month):
    """Give each item ``month_occurrences``: its occurrences shown in ``month`` (a moved one at its new date)."""
    for item in items:
        item.month_occurrences = [o for o in item.all_occurrences if month in o.feed_months()]
    return items


def _search(items, query):
    query = " ".join((query or "").split())
    if not query:
        return items
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(
            "number", "title", "audience", "organizers_text", "responsible", "expected_result", config="russian"
        )
        return items.annotate(search=vector).filter(
            search=SearchQuery(query, config="russian", search_type="websearch")
        )
    condition = Q()
    for word in query.split():
        condition &= (
            Q(title__icontains=word)
            | Q(audience__icontains=word)
            | Q(organizers_text__icontains=word)
            | Q(responsible__icontains=word)
            | Q(expected_result__icontains=word)
            | Q(number__startswith=word)
        )
    return items.filter(condition)


def plan_items(plan, *, month=None, audience="", organizer="", institution=None, query=""):
    """A plan's items, in document order, narrowed by the page's filters."""
    items = item_queryset().prefetch_related(occurrences_prefetch()).filter(plan=plan)
    if month is not None:
        items = items.filter(month_rows__month=month)
    if audience:
        items = items.filter(audience=audience)
    if organizer:
        items = items.filter(organizers__abbr=organizer)
    if institution:
        items = items.filter(host_institution_id=institution)
    return _search(items, query).order_by("order", "pk").distinct()


def sections_with_items(plan, items):
    """The plan's sections, each with ``shown_items`` from ``items`` (empty sections dropped when filtered)."""
    by_section = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    sections = list(PlanSection.objects.filter(plan=plan).order_by("order", "pk"))
    for section in sections:
        section.shown_items = by_section.get(section.pk, [])
    return sections


def filter_choices(plan):
    """The values the plan page offers in its filters (three queries whatever the plan's size)."""
    audiences = sorted(set(PlanItem.objects.filter(plan=plan).exclude(audience="").values_list("audience", flat=True)))
    organizers = list(plan.abbreviations.filter(items__isnull=False).distinct().values_list("abbr", flat=True))
    hosts = list(
        PlanItem.objects.filter(plan=plan, host_institution__isnull=False)
        .values_list("host_institution_id", "host_institution__short_name")
        .distinct()
        .order_by("host_institution__short_name")
    )
    return {"audiences": audiences, "organizers": organizers, "hosts": hosts}


def month_items(user, month, district=None):
    """Items of the plans a user may see that touch ``month``, by plan and document order."""
    plans = visible_plans(user)
    if district is not None:
        plans = plans.filter(district=district)
    items = list(
        item_queryset()
        .select_related("plan__district")
        .prefetch_related(occurrences_prefetch())
        .filter(month_rows__month=month, plan__in=plans.values("pk"))
        .order_by("plan__district__name", "plan_id", "order")
    )
    return with_month_occurrences(items, month)


def calendar_weeks(month, items):
    """Weeks of ``month`` (Monday first) as lists of (day, [items on that day]); items without days apart."""
    import calendar as _calendar

    on_day, whole_month = {}, []
    for item in items:
        days = set()
        for occurrence in item.month_occurrences:
            first, last, exact = occurrence.feed_window()
            if not exact:
                if item not in whole_month:
                    whole_month.append(item)
                continue
            day = first
            while day <= last:
                if (day.year, day.month) == (month.year, month.month):
                    days.add(day)
                day = date.fromordinal(day.toordinal() + 1)
        for day in sorted(days):
            on_day.setdefault(day, []).append(item)
    weeks = [
        [(day, on_day.get(day, []), day.month == month.month) for day in week]
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    return weeks, whole_month


def institution_items(institution):
    """Items of published plans hosted by an institution (its ICS feed), with their occurrences."""
    return list(
        item_queryset()
        .select_related("plan__district")
        .prefetch_related(occurrences_prefetch())
        .filter(host_institution=institution, plan__status=Plan.Status.PUBLISHED)
        .order_by("starts_on", "plan_id", "order")
    )


def plan_for_export(plan):
    """Sections with all their items (nested ones in document order) and the legend, for PDF/XLSX/JSON."""
    items = list(item_queryset().prefetch_related(occurrences_prefetch()).filter(plan=plan).order_by("order", "pk"))
    sections = sections_with_items(plan, items)
    legend = [a for a in plan.abbreviations.all() if a.meaning]
    return sections, items, legend


@dataclass
class Tally:
    """Occurrences counted by month and by execution: every row and every column sums to the totals.

    Each occurrence counts once (PlanItemOccurrence.report_month): held in the month it was held
    (never a month to come), moved in the month of its new date, planned and cancelled in the
    first month of its window; an undated one (a timeframe not understood) in the row ``None``.
    """

    rows: dict = field(default_factory=dict)  # {first day of month or None: Counter({execution: n})}

    def add(self, month, execution):
        self.rows.setdefault(month, Counter())[execution] += 1

    @property
    def months(self):
        """[(month or None, {execution: count})]: months in order, the undated row last."""
        ordered = sorted(month for month in self.rows if month is not None)
        if None in self.rows:
            ordered.append(None)
        return [(month, dict(self.rows[month])) for month in ordered]

    @property
    def totals(self):
        total = Counter()
        for counts in self.rows.values():
            total.update(counts)
        return {status: total.get(status, 0) for status in Execution.values}

    @property
    def total(self):
        return sum(self.totals.values())

    @property
    def held(self):
        return self.totals[Execution.HELD]

    def table(self):
        """[(month or None, [count per execution in Execution's order], row total)] and the totals row."""
        rows = [
            (month, [counts.get(s, 0) for s in Execution.values], sum(counts.values())) for month, counts in self.months
        ]
        return rows, [self.totals[s] for s in Execution.values], self.total


def tally(occurrences, today=None):
    """Count occurrences the way every report does (see Tally)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    result = Tally()
    for occurrence in occurrences:
        result.add(*occurrence.report_month(today))
    return result


def plan_occurrences(plans):
    """The occurrences of ``plans`` (a queryset or a list), in one query: what the reports count."""
    return (
        PlanItemOccurrence.objects.filter(item__plan__in=plans)
        .only("pk", "item_id", "first_day", "execution", "executed_on")
        .annotate(plan_pk=F("item__plan_id"))
    )


def execution_items(plan, *, month=None, only_open=False):
    """A plan's items with their occurrences and who marked what (the execution page)."""
    items = PlanItem.objects.filter(plan=plan).select_related("section", "host_institution", "responsible_user")
    if month is not None:
        items = items.filter(month_rows__month=month)
    if only_open:
        items = items.filter(occurrences__execution=Execution.PLANNED)
    occurrences = PlanItemOccurrence.objects.select_related("marked_by").order_by("first_day", "key")
    items = list(
        items.distinct()
        .prefetch_related(
            Prefetch("occurrences", to_attr="all_occurrences", queryset=occurrences),
            Prefetch("execution_changes", to_attr="history", queryset=_history_queryset()),
        )
        .order_by("order", "pk")
    )
    for item in items:
        shown = item.all_occurrences
        if month is not None:
            shown = [o for o in shown if month in o.feed_months() or not o.is_dated]
        if only_open:
            shown = [o for o in shown if o.execution == Execution.PLANNED]
        item.shown_occurrences = shown
    return items


def _history_queryset():
    return PlanItemExecutionChange.objects.select_related("by", "occurrence").order_by("at", "pk")


def markable_occurrences(user):
    """Occurrences a user may mark: their districts' (methodists), their institutions' hosted items
    (coordinators) and items they are responsible for, of approved and published plans."""
    occurrences = PlanItemOccurrence.objects.select_related("item__plan__district", "item__host_institution")
    if user.is_superuser:
        return occurrences
    if not user.is_authenticated:
        return occurrences.none()
    in_force = Q(item__plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED])
    own = Q(item__host_institution_id__in=user.coordinated_institution_ids) | Q(item__responsible_user=user)
    return occurrences.filter((own & in_force) | Q(item__plan__in=managed_plans(user).values("pk")))


def materials_occurrences(user):
    """Occurrences whose materials a user may download: those they may mark, and the district office's."""
    if user.is_superuser:
        return markable_occurrences(user)
    reports = Q(item__plan__in=report_plans(user).values("pk")) if user.is_authenticated else Q(pk__in=[])
    return PlanItemOccurrence.objects.select_related("item__plan").filter(
        Q(pk__in=markable_occurrences(user).values("pk")) | reports
    )


def own_items(user):
    """Items of approved and published plans a user marks as host coordinator or responsible person."""
    if not user.is_authenticated:
        return []
    condition = Q(host_institution_id__in=user.coordinated_institution_ids) | Q(responsible_user=user)
    occurrences = PlanItemOccurrence.objects.select_related("marked_by").order_by("first_day", "key")
    return list(
        PlanItem.objects.filter(condition, plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED])
        .select_related("plan__district", "host_institution")
        .prefetch_related(Prefetch("occurrences", to_attr="all_occurrences", queryset=occurrences))
        .order_by("-plan__period_start", "plan_id", "order", "pk")
    )
