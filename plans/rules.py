"""Who may see and manage plans.

Published plans are public. Drafts and approved-but-unpublished plans are seen by the
district's methodists (and superusers). Each occurrence of an event is marked by the
district's methodists, by the coordinators of the institution hosting the item, and by a
roadmap item's responsible person who has an account (once the plan is approved). The
execution report is also read by the district office.
"""

import rules

from accounts.rules import (
    back_office,
    grant_model_perms,
    is_coordinator,
    is_district_office_of,
    is_methodist,
    is_methodist_of,
    is_superuser,
)


def _item_of(obj):
    return getattr(obj, "item", obj)


def _plan_of(obj):
    obj = _item_of(obj)
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


@rules.predicate
def plan_in_force(user, obj):
    plan = _plan_of(obj)
    return plan is not None and plan.status in (plan.Status.APPROVED, plan.Status.PUBLISHED)


@rules.predicate
def hosts_item(user, obj):
    """A coordinator of the institution that hosts the item (its open seminar, its master class)."""
    host_id = getattr(_item_of(obj), "host_institution_id", None)
    return user.is_authenticated and host_id is not None and host_id in user.coordinated_institution_ids


@rules.predicate
def responsible_for_item(user, obj):
    """The responsible person of a (roadmap) item, when the methodist linked their account."""
    return user.is_authenticated and getattr(_item_of(obj), "responsible_user_id", None) == user.pk


manages_plans = is_superuser | manages_plan
marks_occurrence = manages_plans | ((hosts_item | responsible_for_item) & plan_in_force)

rules.add_perm("plans.view_plan_page", is_published | manages_plans)
rules.add_perm("plans.manage_plan", manages_plans)
rules.add_perm("plans.mark_execution", manages_plans)
rules.add_perm("plans.mark_occurrence", marks_occurrence)
rules.add_perm("plans.view_own_events", is_coordinator)  # the menu entry; the page itself is any signed-in user's
rules.add_perm("plans.view_occurrence_materials", marks_occurrence | office_of_plan)
rules.add_perm("plans.view_execution_report", manages_plans | office_of_plan)
rules.add_perm("plans.import_plan", is_superuser | is_methodist)

rules.set_perm("plans", back_office)
grant_model_perms("plans", "plan", view=back_office)
grant_model_perms("plans", "plansection", view=back_office)
grant_model_perms("plans", "planitem", view=back_office)
grant_model_perms("plans", "planabbreviation", view=back_office)
