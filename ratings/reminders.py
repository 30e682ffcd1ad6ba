"""The rating data deadline reminds coordinators whose card is not submitted (kind «rating_data»).

Every active institution of the district takes part in the rating (as `services.ensure_cards`
has it), so an institution without a card yet is reminded too.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Institution
from notifications import reminders

from .models import RatingCampaign, RatingCard


@reminders.source
def data_deadlines(now):
    earliest, latest = reminders.window("rating_data", now)
    wide_earliest, wide_latest = reminders.wide_window(now)
    campaigns = list(
        RatingCampaign.objects.filter(status=RatingCampaign.Status.COLLECTING).filter(
            Q(data_deadline__gt=earliest, data_deadline__lte=latest)
            | (~Q(reminder_offsets="") & Q(data_deadline__gt=wide_earliest, data_deadline__lte=wide_latest))
        )
    )
    if not campaigns:
        return
    institutions = list(
        Institution.objects.filter(district_id__in={c.district_id for c in campaigns}, is_active=True).order_by("pk")
    )
    done = set(
        RatingCard.objects.filter(campaign__in=campaigns)
        .exclude(state=RatingCard.State.DRAFT)
        .values_list("campaign_id", "institution_id")
    )
    coordinators = reminders.coordinators_by_institution(i.pk for i in institutions)
    for campaign in campaigns:
        offsets = reminders.object_offsets(campaign.reminder_offsets)
        for institution in institutions:
            if institution.district_id != campaign.district_id or (campaign.pk, institution.pk) in done:
                continue
            if not coordinators.get(institution.pk):
                continue
            yield reminders.Deadline(
                kind="rating_data",
                key=f"rating:{campaign.pk}:institution:{institution.pk}",
                due=campaign.data_deadline,
                recipients=coordinators[institution.pk],
                title=_("%(title)s %(year)s — %(institution)s")
                % {"title": campaign.title, "year": campaign.academic_year, "institution": institution.short_name},
                url=reverse("ratings:my_card", args=[campaign.pk]),
                district_id=campaign.district_id,
                offsets=offsets,
                context={
                    "institution": institution.short_name,
                    "campaign": f"{campaign.title} {campaign.academic_year}",
                },
            )
