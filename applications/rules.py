"""Who may do what with calls and applications (django-rules, autodiscovered)."""

import rules

from accounts.rules import (
    back_office,
    grant_model_perms,
    is_coordinator,
    is_coordinator_of,
    is_district_office,
    is_district_office_of,
    is_methodist,
    is_methodist_of,
    is_superuser,
    reads_back_office,
)


@rules.predicate
def is_editable(user, application):
    return application is not None and application.is_editable


@rules.predicate
def is_withdrawable(user, application):
    return application is not None and application.workflow.can_move(application.state, application.State.WITHDRAWN)


@rules.predicate
def is_waiting_check(user, application):
    return application is not None and application.state in application.WAITING_CHECK


reads_district = is_superuser | is_methodist_of | is_district_office_of

rules.add_perm("applications.open_application", reads_district | is_coordinator_of)
rules.add_perm("applications.edit_application", is_coordinator_of & is_editable)
rules.add_perm("applications.submit_application", is_coordinator_of & is_editable)
rules.add_perm("applications.withdraw_application", is_coordinator_of & is_withdrawable)
# Before the deadline and the first technical check (services.take_back_refusal says when not).
rules.add_perm("applications.take_back_application", is_coordinator_of & is_waiting_check)
rules.add_perm("applications.check_application", is_superuser | is_methodist_of)
rules.add_perm("applications.apply", is_coordinator)
# Lists of calls and their applications: methodists work with them, the district office reads them.
rules.add_perm("applications.view_call_lists", is_superuser | is_methodist | is_district_office)
rules.add_perm("applications.view_call_applications", reads_district)
rules.add_perm("applications.grant_extension", is_superuser | is_methodist_of)

# The back office. Status kinds: the installation's shared ones (a superuser's) and a district's own.
rules.set_perm("applications", is_superuser | is_methodist)
grant_model_perms(
    "applications", "statuskind", view=reads_back_office, change=back_office, add=is_superuser | is_methodist
)
for model in (
    *("districtprogramme", "call", "callfile", "criterion", "checklistitem", "callquestion"),
    *("extension", "extensionrequest"),
):
    grant_model_perms("applications", model, view=back_office)
grant_model_perms("applications", "statusaward", view=back_office)
grant_model_perms("applications", "application", view=back_office, add=is_superuser, delete=is_superuser)
for model in ("applicationevent", "technicalcheck"):
    grant_model_perms("applications", model, view=back_office, change=is_superuser)
