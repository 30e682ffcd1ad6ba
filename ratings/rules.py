"""Who may do what in the rating.

Pages fetch objects through querysets already narrowed to what the user may see (see
selectors), so another institution's card answers 404; these permissions decide the rest.
"""

import rules

from accounts.rules import (
    back_office,
    grant_model_perms,
    is_coordinator,
    is_coordinator_of,
    is_district_office_of,
    is_methodist,
    is_methodist_of,
    is_superuser,
)


@rules.predicate
def is_published(user, campaign):
    return campaign is not None and campaign.is_published


staff_of = is_superuser | is_methodist_of

# A campaign: results, progress and management.
rules.add_perm("ratings.view_results", is_published | staff_of | is_district_office_of)
rules.add_perm("ratings.manage_campaign", staff_of)
# A card: its coordinator fills it, the district's methodists verify it, the district office reads it.
rules.add_perm("ratings.view_card", is_coordinator_of | staff_of | is_district_office_of)
rules.add_perm("ratings.fill_card", is_coordinator_of)
rules.add_perm("ratings.verify_card", staff_of)
# Interviews: coordinators book for their institution; methodists publish slots.
rules.add_perm("ratings.book_interview", is_coordinator)
rules.add_perm("ratings.view_interviews", is_coordinator | is_methodist | is_superuser)
rules.add_perm("ratings.view_slot", is_coordinator_of | staff_of)
rules.add_perm("ratings.manage_interviews", is_methodist | is_superuser)

# The back office: methodists edit campaigns and indicators of their own districts.
rules.set_perm("ratings", back_office)
for model in ("ratingcampaign", "indicator", "interviewslot", "sharedevent"):
    grant_model_perms("ratings", model, view=back_office)
for model in ("ratingcard", "ratingentry", "ratingresult", "ratinghistory"):
    # Cards change through their pages and services only; the admin shows them.
    grant_model_perms("ratings", model, view=back_office, change=is_superuser)
