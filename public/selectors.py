"""What the public pages show: only published data, each block a few rows with a link to the full page.

Every read here is of public data only (published calls, plans, collections and ratings; the
registry); the pages are cached for anonymous visitors (innovation_portal.caching), keyed by
the tables below (`HOME_MODELS`, …), so each read can stay simple.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import District, Institution
from applications import selectors as application_selectors
from applications.models import Application, Call, StatusAward
from expertise.models import Presentation
from plans import selectors as plan_selectors
from plans.models import Plan
from publications import selectors as publication_selectors
from ratings import selectors as rating_selectors
from ratings.models import RatingCampaign

# How many rows a block of the home page shows before «all …».
BLOCK_ROWS = 6
EVENT_ROWS = 8
RATING_ROWS = 5
# «Newly awarded»: statuses that started within this many days.
NEW_AWARD_DAYS = 365

PLAN_MODELS = (
    "plans.Plan",
    "plans.PlanSection",
    "plans.PlanItem",
    "plans.PlanItemMonth",
    "plans.PlanItemOccurrence",
)
REGISTRY_MODELS = ("applications.StatusAward", "applications.StatusKind")
RATING_MODELS = ("ratings.RatingCampaign", "ratings.RatingResult")
# The tables the home page reads: a write to any of them renders it again. Applications and
# articles are left out on purpose: drafts of both are autosaved all day long, and all the page
# takes from them (a withdrawn applicant's slot, a published collection's article count) can wait
# for the page's timeout (innovation_portal.caching.PAGE_TIMEOUT, 10 minutes).
HOME_MODELS = (
    "accounts.District",
    "accounts.Institution",
    "applications.Call",
    "expertise.Presentation",
    *REGISTRY_MODELS,
    *PLAN_MODELS,
    "publications.Collection",
    "publications.Series",
    *RATING_MODELS,
)


def districts():
    return list(District.objects.order_by("name"))


def district_by_slug(slug, choices=None):
    """The district of ``?district=<slug>``, or None for every district (an unknown slug too)."""
    if not slug:
        return None
    for district in choices if choices is not None else District.objects.filter(slug=slug):
        if district.slug == slug:
            return district
    return None


def open_calls(district=None, now=None, limit=BLOCK_ROWS):
    """Published calls accepting applications now, the nearest deadline first."""
    now = now or timezone.now()
    calls = Call.objects.filter(is_published=True, opens_at__lte=now, closes_at__gte=now)
    if district is not None:
        calls = calls.filter(district=district)
    calls = calls.select_related("district", "status_kind").order_by("closes_at", "pk")
    return list(calls[:limit]) if limit else calls


def upcoming_presentations(district=None, now=None, limit=BLOCK_ROWS):
    """Public presentations to come of published calls; a blind call's applicants are not named anywhere."""
    now = now or timezone.now()
    presentations = Presentation.objects.filter(starts_at__gte=now, call__is_published=True, call__blind=False).exclude(
        application__state=Application.State.WITHDRAWN
    )
    if district is not None:
        presentations = presentations.filter(call__district=district)
    presentations = presentations.select_related("call", "call__district", "application__institution")
    return list(presentations.order_by("starts_at", "pk")[:limit])


def new_awards(district=None, today=None, limit=BLOCK_ROWS):
    """Current statuses that began lately, the newest first."""
    today = today or timezone.localdate()
    awards = StatusAward.objects.current(today).filter(valid_from__gte=today - timedelta(days=NEW_AWARD_DAYS))
    if district is not None:
        awards = awards.filter(institution__district=district)
    awards = awards.select_related("institution", "institution__district", "status_kind")
    return list(awards.order_by("-valid_from", "-decision_date", "institution__short_name", "pk")[:limit])


def month_events(district=None, month=None):
    """Items of the published plans that touch ``month`` (this month by default)."""
    month = month or timezone.localdate().replace(day=1)
    return plan_selectors.month_items(AnonymousUser(), month, district)


def latest_collection(district=None):
    collections = publication_selectors.published_collections()
    if district is not None:
        collections = collections.filter(district=district)
    return collections.first()


def latest_rating(district=None):
    """The newest published rating (of a district, or of any), with its first places."""
    campaigns = RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED).select_related("district")
    if district is not None:
        campaigns = campaigns.filter(district=district)
    campaign = campaigns.order_by("-academic_year", "-pk").first()
    if campaign is None:
        return None, []
    return campaign, list(rating_selectors.results(campaign)[:RATING_ROWS])


@dataclass
class FrontPage:
    district: District | None
    districts: list
    month: object
    calls: list = field(default_factory=list)
    events: list = field(default_factory=list)
    event_count: int = 0
    presentations: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    collection: object = None
    rating: object = None
    rating_results: list = field(default_factory=list)


def front_page(district_slug=""):
    """Every block of the visitors' home page, for one district or (no or unknown slug) for all of them."""
    choices = districts()
    district = district_by_slug(district_slug, choices)
    month = timezone.localdate().replace(day=1)
    events = month_events(district, month)
    rating, rating_results = latest_rating(district)
    return FrontPage(
        district=district,
        districts=choices,
        month=month,
        calls=open_calls(district),
        events=events[:EVENT_ROWS],
        event_count=len(events),
        presentations=upcoming_presentations(district),
        awards=new_awards(district),
        collection=latest_collection(district),
        rating=rating,
        rating_results=rating_results,
    )


# --- widgets and institutions' pages --------------------------------------------------------


def public_institution(pk):
    return get_object_or_404(Institution.objects.select_related("district"), pk=pk, is_active=True)


def institution_statuses(institution, today=None):
    """The institution's current statuses (the registry's rows for it)."""
    return list(
        StatusAward.objects.current(today)
        .filter(institution=institution)
        .select_related("status_kind")
        .order_by("status_kind__order", "status_kind__name", "-valid_from")
    )


def district_registry(district, today=None):
    """The district's current registry of innovation sites, as the public registry lists it."""
    return list(application_selectors.registry(district=district, day=today))


def published_rating(pk):
    return get_object_or_404(
        RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED).select_related("district"), pk=pk
    )


def rating_results(campaign, limit=None):
    results = rating_selectors.results(campaign)
    return list(results[:limit] if limit else results)


def institution_events(institution):
    """Items of the published plans this institution hosts, of this month and later."""
    month = timezone.localdate().replace(day=1)
    return list(
        plan_selectors.item_queryset()
        .filter(host_institution=institution, plan__status=Plan.Status.PUBLISHED, month_rows__month__gte=month)
        .select_related("plan")
        .distinct()
        .order_by("plan__period_start", "order")[:20]
    )
