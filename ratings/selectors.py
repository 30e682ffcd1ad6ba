"""Reads of the rating, reused by views, exports, the home page and the dashboard."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from accounts.models import Institution
from innovation_portal import boundary

from .models import InterviewSlot, RatingCampaign, RatingCard, RatingEntry, RatingResult

Status = RatingCampaign.Status


def campaigns_visible_to(user):
    """Published campaigns for everyone; every campaign of their districts for staff and coordinators."""
    queryset = RatingCampaign.objects.select_related("district")
    if user.is_superuser:
        return queryset
    visible = Q(status=Status.PUBLISHED)
    if user.is_authenticated:
        visible |= boundary.q(RatingCampaign, user.district_ids()) & ~Q(status=Status.DRAFT)
        visible |= boundary.q(RatingCampaign, user.district_ids("methodist"))
    return queryset.filter(visible)


def campaigns_managed_by(user):
    queryset = RatingCampaign.objects.select_related("district")
    if user.is_superuser:
        return queryset
    return boundary.within(queryset, user.district_ids("methodist"))


def results_readable_by(user):
    """Campaigns whose results the user may read: published ones, and any of their district for staff."""
    queryset = RatingCampaign.objects.select_related("district")
    if user.is_superuser:
        return queryset
    visible = Q(status=Status.PUBLISHED)
    if user.is_authenticated:
        visible |= boundary.q(RatingCampaign, user.district_ids("methodist", "district_office"))
    return queryset.filter(visible)


def cards_visible_to(user):
    """Cards of the user's own institutions (coordinator) or of their districts (methodist, office)."""
    queryset = RatingCard.objects.select_related("campaign__district", "institution", "submitted_by")
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(
        Q(institution_id__in=user.coordinated_institution_ids)
        | boundary.q(RatingCard, user.district_ids("methodist", "district_office"))
    )


def cards_verifiable_by(user):
    queryset = RatingCard.objects.select_related("campaign__district", "institution", "submitted_by")
    if user.is_superuser:
        return queryset
    return boundary.within(queryset, user.district_ids("methodist"))


def entries_by_indicator(card):
    """[(indicator, [entries])] for a card, in the campaign's order, in two queries."""
    indicators = list(card.campaign.indicators.all())
    entries = defaultdict(list)
    for entry in card.entries.select_related("indicator").order_by("indicator__order", "date", "pk"):
        entries[entry.indicator_id].append(entry)
    return [(indicator, entries[indicator.pk]) for indicator in indicators]


def card_progress(campaign):
    """The campaign's cards with their entry counts, and the number of cards in each state."""
    cards = list(
        campaign.cards.select_related("institution")
        # What the progress table shows of 300 cards (a row each): the institution's name, not its whole row.
        .only("campaign", "institution", "state", "submitted_at", "institution__short_name")
        .annotate(
            entry_count=Count("entries"),
            pending_count=Count("entries", filter=Q(entries__verification=RatingEntry.Verification.PENDING)),
        )
        .order_by("institution__short_name")
    )
    counts = Counter(card.state for card in cards)
    return cards, {state: counts.get(state, 0) for state in RatingCard.State.values}


def results(campaign, group=None):
    queryset = RatingResult.objects.filter(campaign=campaign).select_related("institution")
    if group:
        return queryset.filter(group=group).order_by("group_rank", "institution__short_name")
    return queryset.order_by("rank", "institution__short_name")


def groups_present(campaign):
    present = set(RatingResult.objects.filter(campaign=campaign).values_list("group", flat=True).distinct())
    return [(value, label) for value, label in Institution.Group.choices if value in present]


def indicator_averages(campaign, indicators, results_list):
    """The district average of each indicator over the rated institutions (a dict by code)."""
    if not results_list:
        return {indicator.code: 0.0 for indicator in indicators}
    count = len(results_list)
    return {
        indicator.code: round(sum(r.points.get(indicator.code, 0) for r in results_list) / count, 2)
        for indicator in indicators
    }


def distribution(results_list, buckets=8):
    """Totals grouped in equal ranges for a histogram: (labels, counts). Used by the dashboard too."""
    totals = [float(r.total) for r in results_list]
    if not totals:
        return [], []
    top = max(totals) or 1.0
    width = top / buckets
    counts = [0] * buckets
    for total in totals:
        counts[min(int(total / width), buckets - 1)] += 1
    labels = [f"{width * i:.0f}–{width * (i + 1):.0f}" for i in range(buckets)]
    return labels, counts


def published_rating(district, academic_year=None):
    """The latest (or the given year's) published campaign of a district, for other apps' reports."""
    queryset = RatingCampaign.objects.filter(district=district, status=Status.PUBLISHED)
    if academic_year:
        queryset = queryset.filter(academic_year=academic_year)
    return queryset.order_by("-academic_year").first()


def slots_of(campaign):
    return InterviewSlot.objects.filter(campaign=campaign).select_related("booked_by").order_by("starts_at")
