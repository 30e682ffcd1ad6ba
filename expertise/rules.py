"""Who may do what in the expertise (django-rules, autodiscovered)."""

import rules

from accounts.rules import (
    back_office,
    grant_model_perms,
    is_coordinator,
    is_district_office,
    is_district_office_of,
    is_expert,
    is_methodist,
    is_methodist_of,
    is_superuser,
)

manages_district = is_superuser | is_methodist_of
reads_district = manages_district | is_district_office_of

# Experts review what they are assigned (the queryset narrows it to their own assignments).
rules.add_perm("expertise.review", is_expert)
# Lists of calls, results and councils: methodists work with them, the district office reads.
rules.add_perm("expertise.view_lists", is_superuser | is_methodist | is_district_office)
rules.add_perm("expertise.enter", is_expert | is_superuser | is_methodist | is_district_office)
rules.add_perm("expertise.manage_call", manages_district)
rules.add_perm("expertise.read_results", reads_district)
rules.add_perm("expertise.manage_councils", is_superuser | is_methodist)
rules.add_perm("expertise.manage_meeting", manages_district)
rules.add_perm("expertise.read_meeting", reads_district)
rules.add_perm("expertise.see_presentations", is_coordinator)

rules.set_perm("expertise", is_superuser | is_methodist)
for model in ("expertprofile", "assignment", "conflictdeclaration", "presentation", "councilmeeting", "agendaitem"):
    grant_model_perms("expertise", model, view=back_office)
for model in ("review", "score", "reviewevent"):
    # Reviews are the experts' own words: the back office reads them, only a superuser edits.
    grant_model_perms("expertise", model, view=back_office, change=is_superuser)
