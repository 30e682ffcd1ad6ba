"""Who may see and manage plans.

Published plans are public. Drafts and approved-but-unpublished plans are seen by the
district's methodists (and superusers). Execution is marked by methodists; its report is
also read by the district office.
"""

import rules

from accounts.rules import (
    back_office,
    grant_model_perms,
    is_district_office_of,
    is_methodist,
    is_methodist_of,
    is_superuser,
)


def _plan_of(obj):
    return getattr(obj, "plan", obj)


@rules.predicate
def is_published(user, obj):
    plan = _plan_of(obj)
    return plan is not None and plan.is_published


@rules.predicate
def manages_plan(user, obj):
    return is_methodist_of(user, _plan_of(obj))


@rules.predicate
def office_of_plan(user, obj):
    return is_district_office_of(user, _plan_of(obj))


manages_plans = is_superuser | manages_plan

rules.add_perm("plans.view_plan_page", is_published | manages_plans)
rules.add_perm("plans.manage_plan", manages_plans)
rules.add_perm("plans.mark_execution", manages_plans)
rules.add_perm("plans.view_execution_report", manages_plans | office_of_plan)
rules.add_perm("plans.import_plan", is_superuser | is_methodist)

rules.set_perm("plans", back_office)
grant_model_perms("plans", "plan", view=back_office)
grant_model_perms("plans", "plansection", view=back_office)
grant_model_perms("plans", "planitem", view=back_office)
grant_model_perms("plans", "planabbreviation", view=back_office)
