"""Automatic indicators: what the portal already knows, so nobody types it twice.

A *source* is a function ``(campaign, institutions) -> {institution_id: [AutoEntry, …]}``
registered under a key; an indicator whose ``source`` names that key is filled from it.
Every source answers for all institutions at once in a constant number of queries.

Sources that read another app (the registry of sites, conference talks, collections) import
its models inside the function, so the rating loads before those apps do.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment
from innovation_portal.years import parse_period


@dataclass(frozen=True)
class AutoEntry:
    ref: str  # identifies the record in its source, e.g. "expert:12": kept across refreshes
    title: str
    date: datetime.date | None = None
    level: str = ""
    url: str = ""
    points: Decimal | None = None  # None: the indicator's own points


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    compute: object  # (campaign, institutions) -> {institution_id: [AutoEntry]}


_sources: dict[str, Source] = {}


def register(key, label):
    def decorator(func):
        _sources[key] = Source(key, label, func)
        return func

    return decorator


def get(key):
    return _sources.get(key)


def choices():
    return [(source.key, source.label) for source in _sources.values()]


def period_of(campaign):
    return parse_period(campaign.academic_year)


@register("experts", gettext_lazy("Members of the expert community (expert roles in the portal)"))
def experts(campaign, institutions):
    ids = [i.pk for i in institutions]
    result = defaultdict(list)
    assignments = (
        RoleAssignment.objects.filter(
            role=RoleAssignment.Role.EXPERT,
            district_id=campaign.district_id,
            institution_id__in=ids,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name")
    )
    for assignment in assignments:
        result[assignment.institution_id].append(
            AutoEntry(
                ref=f"expert:{assignment.user_id}",
                title=_("Member of the expert council: %(name)s") % {"name": assignment.user.full_name},
                level="district",
                url=reverse("admin:accounts_user_change", args=[assignment.user_id]),
            )
        )
    return result


# Levels of the registry's status kinds, as levels of an entry.
STATUS_LEVELS = {"district": "district", "city": "city", "regional": "city", "federal": "national"}


def _awards(campaign, institutions):
    from applications.models import StatusAward

    period = period_of(campaign)
    return (
        StatusAward.objects.in_period(period.start, period.end)
        .filter(institution_id__in=[i.pk for i in institutions])
        .select_related("status_kind")
        .order_by("institution_id", "status_kind__order", "valid_from", "pk")
    )


def _award_entries(awards):
    result = defaultdict(list)
    registry_url = reverse("applications:registry")
    for award in awards:
        result[award.institution_id].append(
            AutoEntry(
                ref=f"award:{award.pk}",
                title=f"{award.status_kind.name}: {award.theme}",
                date=award.valid_from,
                level=STATUS_LEVELS.get(award.status_kind.level, ""),
                url=registry_url,
            )
        )
    return result


@register("statuses", gettext_lazy("Innovation statuses (registry of innovation sites)"))
def statuses(campaign, institutions):
    """Every status the institution held during the academic year, from the public registry."""
    return _award_entries(_awards(campaign, institutions))


@register("training_site", gettext_lazy("Training site (registry of innovation sites)"))
def training_site(campaign, institutions):
    """Statuses whose kind has the training-site role (the name is the methodists' to edit)."""
    from applications.models import StatusKind

    return _award_entries(_awards(campaign, institutions).filter(status_kind__role=StatusKind.Role.TRAINING_SITE))


@register("conference_talks", gettext_lazy("Talks at district conferences (accepted conference applications)"))
def conference_talks(campaign, institutions):
    """Talks accepted (decided in favour) in the district's conference calls of the academic year."""
    from applications.models import Application, Call

    result = defaultdict(list)
    talks = (
        Application.objects.filter(
            call__district_id=campaign.district_id,
            call__purpose=Call.Purpose.CONFERENCE_TALK,
            call__academic_year=campaign.academic_year,
            state=Application.State.AWARDED,
            institution_id__in=[i.pk for i in institutions],
        )
        .select_related("call")
        .order_by("institution_id", "call__presentation_date", "pk")
    )
    for talk in talks:
        result[talk.institution_id].append(
            AutoEntry(
                ref=f"talk:{talk.pk}",
                title=f"{talk.call.title}: {talk.theme}" if talk.theme else talk.call.title,
                date=talk.call.presentation_date or talk.call.decision_date,
                level="district",
                url=reverse("applications:detail", args=[talk.pk]),
            )
        )
    return result


@register("publications", gettext_lazy("Articles accepted into the methodology centre's collections"))
def publications(campaign, institutions):
    """Articles accepted during the academic year into the district's collections."""
    from publications.selectors import accepted_articles

    period = period_of(campaign)
    result = defaultdict(list)
    articles = accepted_articles(campaign.district, date_from=period.start, date_to=period.end).filter(
        institution_id__in=[i.pk for i in institutions]
    )
    for article in articles:
        accepted = article.accepted_at
        result[article.institution_id].append(
            AutoEntry(
                ref=f"article:{article.pk}",
                title=f"«{article.title}» — {article.collection}",
                date=timezone.localtime(accepted).date() if accepted else None,
                level="district",
                url=reverse("publications:article_detail", args=[article.pk]),
            )
        )
    return result
