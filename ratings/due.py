"""The rating on the home page: the data deadline, the appeal window, cards to verify."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from innovation_portal import due

from .models import RatingCampaign, RatingCard

Status = RatingCampaign.Status
State = RatingCard.State


@due.provider
def items(user):
    if not user.is_authenticated:
        return []
    found = []
    now = timezone.now()
    institution_ids = user.coordinated_institution_ids
    if institution_ids:
        # One query for both reminders: open drafts and verified cards still in their appeal window.
        cards = RatingCard.objects.filter(
            Q(campaign__status=Status.COLLECTING, state=State.DRAFT, campaign__data_deadline__gte=now)
            | Q(state=State.VERIFIED, appealed_at__isnull=True, campaign__appeal_until__gte=now),
            institution_id__in=institution_ids,
        ).select_related("campaign", "institution")
        for card in cards:
            if card.state == State.DRAFT:
                found.append(
                    due.DueItem(
                        title=_("Fill and submit the rating card: %(institution)s") % {"institution": card.institution},
                        url=reverse("ratings:card", args=[card.pk]),
                        due=card.campaign.data_deadline,
                        category=_("Rating"),
                    )
                )
            else:
                found.append(
                    due.DueItem(
                        title=_("Your rating card is verified: you may appeal until the date shown"),
                        url=reverse("ratings:card", args=[card.pk]),
                        due=card.campaign.appeal_until,
                        note=str(card.institution),
                        category=_("Rating"),
                    )
                )
    district_ids = user.district_ids("methodist")
    if district_ids:
        waiting = (
            RatingCard.objects.filter(
                campaign__district_id__in=district_ids,
                campaign__status__in=RatingCampaign.VERIFIABLE,
                state__in=RatingCard.UNDER_VERIFICATION,
            )
            .values("campaign_id", "campaign__academic_year", "campaign__verification_ends")
            .annotate(count=Count("pk"))
            .order_by("campaign_id")
        )
        for row in waiting:
            found.append(
                due.DueItem(
                    title=_("Rating cards waiting for verification (%(year)s): %(count)d")
                    % {"year": row["campaign__academic_year"], "count": row["count"]},
                    url=reverse("ratings:progress", args=[row["campaign_id"]]),
                    due=row["campaign__verification_ends"],
                    category=_("Rating"),
                )
            )
    return found
