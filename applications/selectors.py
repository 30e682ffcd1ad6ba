"""Reads reused by views, exports and due items."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.models import RoleAssignment
from innovation_portal import boundary

from .models import (
    Application,
    Call,
    CallQuestion,
    Extension,
    StatusAward,
)

Role = RoleAssignment.Role


def visible_applications(user):
    """Applications the user may open: their institution's, or their districts' (methodist, office)."""
    queryset = Application.objects.select_related("call", "call__district", "call__status_kind", "institution")
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    districts = user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE)
    # Methodists and the district office see what was handed in, not a school's private drafts.
    return queryset.filter(
        Q(institution_id__in=user.coordinated_institution_ids)
        | (boundary.q(Application, districts) & ~Q(state=Application.State.DRAFT))
    )


def with_contents(queryset):
    """Everything the application's page, PDF and completeness read, in a fixed number of queries."""
    return queryset.select_related("district_programme").prefetch_related(
        "experience",
        "staff",
        "sources",
        "roadmap",
        "attachments",
        "answers__question",
        Prefetch("call__questions", queryset=CallQuestion.objects.order_by("order", "pk")),
        "events__by",
    )


def managed_calls(user):
    """Calls in the districts the user works with, with counts per state."""
    queryset = Call.objects.select_related("district", "status_kind").annotate(
        handed_in=Count("applications", filter=Q(applications__state__in=Application.HANDED_IN)),
        waiting=Count("applications", filter=Q(applications__state__in=Application.WAITING_CHECK)),
    )
    if user.is_superuser:
        return queryset
    return boundary.within(queryset, user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE))


def call_applications(call, state=None):
    queryset = call.applications.exclude(state=Application.State.DRAFT).select_related("institution")
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("institution__short_name")


def calls_for_coordinator(user, now=None):
    """Published calls of the coordinator's districts that are open now, or open for them by an extension."""
    now = now or timezone.now()
    institution_ids = user.coordinated_institution_ids
    extended = Extension.objects.filter(institution_id__in=institution_ids, until__gte=now).values("call_id")
    districts = user.district_ids(Role.COORDINATOR)
    return (
        boundary.within(Call.objects.filter(is_published=True, opens_at__lte=now), districts)
        .filter(Q(closes_at__gte=now) | Q(pk__in=extended))
        .select_related("status_kind", "district")
        .order_by("closes_at")
    )


def applications_of(user):
    return (
        Application.objects.filter(institution_id__in=user.coordinated_institution_ids)
        .select_related("call", "call__status_kind", "institution")
        .order_by("-created_at", "-pk")
    )


def registry(*, district=None, status_kind=None, level=None, year=None, current=True, day=None):
    """The registry of innovation sites: current ones by default, filtered as on the public page."""
    queryset = StatusAward.objects.select_related("institution", "institution__district", "status_kind")
    if current:
        queryset = queryset.current(day)
    if district:
        queryset = queryset.filter(institution__district=district)
    if status_kind:
        queryset = queryset.filter(status_kind=status_kind)
    if level:
        queryset = queryset.filter(status_kind__level=level)
    if year:
        queryset = queryset.in_period(year.start, year.end)
    return queryset.order_by(
        "institution__district__name", "status_kind__order", "status_kind__name", "institution__short_name"
    )
