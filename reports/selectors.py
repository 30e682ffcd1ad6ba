"""What the district office reads, composed from the apps' own selectors.

Every function takes a district (already checked against the user with
`reports.read_district`) and an academic year «2025/2026», and reads in a fixed number of
queries whatever the number of sites, calls, plans or articles. The dashboard and the
annual report to the Committee of Education use the same functions, so they agree.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import District, RoleAssignment
from applications import selectors as applications_selectors
from applications.models import Application, Call, StatusKind
from innovation_portal.years import academic_year_of, parse_period
from plans import selectors as plans_selectors
from plans.models import Execution, Plan
from publications import selectors as publications_selectors
from publications.models import Article, Collection
from ratings import selectors as ratings_selectors
from ratings.models import RatingCampaign

Role = RoleAssignment.Role
State = Application.State
STAGES = applications_selectors.STAGES


def report_districts(user):
    """Districts whose reports the user reads: their methodists' and district office's."""
    districts = District.objects.order_by("name")
    if user.is_superuser:
        return districts
    return districts.filter(pk__in=user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE))


def academic_years(district):
    """Academic years the portal holds something for in this district, newest first, with the current one."""
    years = {academic_year_of().label}
    years.update(Call.objects.filter(district=district).values_list("academic_year", flat=True).distinct())
    years.update(RatingCampaign.objects.filter(district=district).values_list("academic_year", flat=True).distinct())
    years.update(Collection.objects.filter(district=district).values_list("academic_year", flat=True).distinct())
    return sorted(years, reverse=True)


# --- Registry --------------------------------------------------------------------------------


def sites(district, year):
    """Sites holding a status at any time of the academic year."""
    return list(applications_selectors.registry(district=district, year=parse_period(year), current=False))


def sites_by_status(site_list):
    """[(status kind, level label, number of institutions)] in the catalogue's order."""
    counts = Counter()
    kinds = {}
    for award in site_list:
        kinds[award.status_kind_id] = award.status_kind
        counts[award.status_kind_id] += 1
    ordered = sorted(kinds.values(), key=lambda k: (k.order, k.name))
    return [(kind, kind.get_level_display(), counts[kind.pk]) for kind in ordered]


def sites_by_level(site_list):
    counts = Counter(award.status_kind.level for award in site_list)
    return [(label, counts[level]) for level, label in StatusKind.Level.choices if counts[level]]


# --- Competitions ----------------------------------------------------------------------------


def competitions(district, year):
    """The year's calls, each with `counts`: its handed-in applications by stage.

    The stages and their sum come from applications.selectors.stage_counts (see STAGES there),
    so the dashboard, the annual report and the competition results count alike.
    """
    calls = list(
        Call.objects.filter(district=district, academic_year=year)
        .select_related("status_kind")
        .order_by("closes_at", "pk")
    )
    counts = applications_selectors.stage_counts(calls)
    for call in calls:
        call.counts = counts[call.pk]
    return calls


def competition_totals(calls):
    """The competitions' column sums (a StageCounts over all the year's calls)."""
    return applications_selectors.StageCounts(
        {stage.key: sum(call.counts.by_stage[stage.key] for call in calls) for stage in STAGES}
    )


def decisions(district, year):
    """Applications of the year's calls that were decided, with the status awarded."""
    return list(
        Application.objects.filter(call__district=district, call__academic_year=year, state__in=Application.DECIDED)
        .select_related("call", "call__status_kind", "institution", "award")
        .order_by("call__closes_at", "call_id", "-state", "institution__short_name")
    )


@dataclass
class ExpertiseLine:
    call: Call
    assignments: int = 0
    reviews: int = 0


def expertise_summary(calls):
    """Per call: experts assigned and reviews submitted; None while the expertise app is absent."""
    if not apps.is_installed("expertise"):
        return None
    from expertise.models import Assignment, Review

    assigned = dict(
        Assignment.objects.filter(application__call__in=calls, state__in=Assignment.ACTIVE)
        .values_list("application__call_id")
        .annotate(n=Count("pk"))
        .values_list("application__call_id", "n")
    )
    reviewed = dict(
        Review.objects.filter(assignment__application__call__in=calls, state__in=Review.COUNTED)
        .values_list("assignment__application__call_id")
        .annotate(n=Count("pk"))
        .values_list("assignment__application__call_id", "n")
    )
    return [
        ExpertiseLine(call, assigned.get(call.pk, 0), reviewed.get(call.pk, 0))
        for call in calls
        if call.counts.handed_in or assigned.get(call.pk)
    ]


# --- Plans -----------------------------------------------------------------------------------


@dataclass
class PlanExecution:
    plans: list
    months: list = field(default_factory=list)  # [(first day of month or None: undated, {execution: count})]
    totals: dict = field(default_factory=dict)  # {execution: count} over all plans

    @property
    def total(self):
        return sum(self.totals.values())

    @property
    def held_percent(self):
        return round(100 * self.totals.get(Execution.HELD, 0) / self.total) if self.total else 0


def plan_execution(district, year):
    """The approved and published plans of the year, their occurrences held / planned / moved / cancelled by month.

    Counted as the plans' own reports count them (plans.selectors.tally): an event held each
    month is counted in each month it was held, never in a month to come.
    """
    period = parse_period(year)
    plans = list(
        Plan.objects.filter(
            district=district,
            status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED],
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .annotate(item_count=Count("items", distinct=True))
        .order_by("period_start", "pk")
    )
    occurrences = list(plans_selectors.plan_occurrences(plans))
    today = timezone.localdate()
    overall = plans_selectors.tally(occurrences, today)
    for plan in plans:
        own = plans_selectors.tally((o for o in occurrences if o.plan_pk == plan.pk), today)
        plan.occurrence_count, plan.held = own.total, own.held
    return PlanExecution(plans=plans, months=overall.months, totals=overall.totals)


# --- Rating ----------------------------------------------------------------------------------


@dataclass
class RatingSummary:
    campaign: RatingCampaign | None
    results: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    counts: list = field(default_factory=list)

    @property
    def top(self):
        return self.results[:10]


def rating(district, year):
    """The year's campaign with computed results (published or not: the office reads both)."""
    campaign = (
        RatingCampaign.objects.filter(district=district, academic_year=year, computed_at__isnull=False)
        .select_related("district")
        .first()
    )
    if campaign is None:
        return RatingSummary(None)
    results = list(ratings_selectors.results(campaign))
    labels, counts = ratings_selectors.distribution(results)
    return RatingSummary(campaign, results, labels, counts)


# --- Publications ----------------------------------------------------------------------------


def collections(district, year):
    """The year's collections with their articles counted: handed in and accepted."""
    handed_in = ~Q(articles__state__in=[Article.State.DRAFT, Article.State.WITHDRAWN])
    return list(
        Collection.objects.filter(district=district, academic_year=year)
        .select_related("series")
        .annotate(
            handed_in=Count("articles", filter=handed_in),
            accepted=Count("articles", filter=Q(articles__state=Article.State.ACCEPTED)),
        )
        .order_by("deadline", "pk")
    )


def accepted_articles(district, year):
    return list(publications_selectors.accepted_articles(district, year))


# --- The whole picture -----------------------------------------------------------------------


@dataclass
class DistrictReport:
    district: District
    year: str
    sites: list
    sites_by_status: list
    sites_by_level: list
    competitions: list
    decisions: list
    expertise: list | None
    plans: PlanExecution
    rating: RatingSummary
    collections: list
    articles: list
    made_at: object = None

    @property
    def awarded(self):
        return [a for a in self.decisions if a.state == State.AWARDED]

    @property
    def competition_totals(self):
        return competition_totals(self.competitions)


def district_report(district, year, *, with_details=True):
    """Everything the dashboard shows and the annual report prints, for one district and year."""
    site_list = sites(district, year)
    calls = competitions(district, year)
    return DistrictReport(
        district=district,
        year=year,
        sites=site_list,
        sites_by_status=sites_by_status(site_list),
        sites_by_level=sites_by_level(site_list),
        competitions=calls,
        decisions=decisions(district, year) if with_details else [],
        expertise=expertise_summary(calls) if with_details else None,
        plans=plan_execution(district, year),
        rating=rating(district, year),
        collections=collections(district, year),
        articles=accepted_articles(district, year) if with_details else [],
        made_at=timezone.localtime(),
    )
