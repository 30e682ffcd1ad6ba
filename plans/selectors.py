"""Reads of plans shared by the pages, the exports, the feeds and the home page."""

import re
from collections import Counter
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q

from accounts.models import RoleAssignment
from innovation_portal import boundary

from .models import Plan, PlanItem, PlanSection

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
    items = item_queryset().filter(plan=plan)
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
    return list(
        item_queryset()
        .select_related("plan__district")
        .filter(month_rows__month=month, plan__in=plans.values("pk"))
        .order_by("plan__district__name", "plan_id", "order")
    )


def calendar_weeks(month, items):
    """Weeks of ``month`` (Monday first) as lists of (day, [items on that day]); items without days apart."""
    import calendar as _calendar

    on_day, whole_month = {}, []
    prefix = f"{month:%Y-%m}"
    for item in items:
        days = [d for d in item.dates if d.startswith(prefix)]
        if not days:
            whole_month.append(item)
        for day in days:
            on_day.setdefault(date.fromisoformat(day), []).append(item)
    weeks = [
        [(day, on_day.get(day, []), day.month == month.month) for day in week]
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    return weeks, whole_month


def institution_items(institution):
    """Items of published plans hosted by an institution (its ICS feed)."""
    return list(
        item_queryset()
        .select_related("plan__district")
        .filter(host_institution=institution, plan__status=Plan.Status.PUBLISHED)
        .order_by("starts_on", "plan_id", "order")
    )


def plan_for_export(plan):
    """Sections with all their items (nested ones in document order) and the legend, for PDF/XLSX/JSON."""
    items = list(item_queryset().filter(plan=plan).order_by("order", "pk"))
    sections = sections_with_items(plan, items)
    legend = [a for a in plan.abbreviations.all() if a.meaning]
    return sections, items, legend


def execution_summary(items):
    """How many items are planned, held, moved and cancelled."""
    counts = Counter(item.execution for item in items)
    return [(status, label, counts.get(status, 0)) for status, label in PlanItem.Execution.choices]


def execution_items(plan, *, month=None, only_open=False):
    items = PlanItem.objects.filter(plan=plan).select_related("section", "host_institution")
    if month is not None:
        items = items.filter(month_rows__month=month)
    if only_open:
        items = items.exclude(execution__in=PlanItem.MARKED)
    return list(
        items.prefetch_related(Prefetch("execution_changes", to_attr="history", queryset=_history_queryset())).order_by(
            "order", "pk"
        )
    )


def _history_queryset():
    from .models import PlanItemExecutionChange

    return PlanItemExecutionChange.objects.select_related("by").order_by("at", "pk")
