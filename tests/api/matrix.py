from django.urls import reverse

from tests.applications.factories import CallFactory
from tests.matrix import PUBLIC, Case, statuses
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import CollectionFactory
from tests.ratings.factories import CampaignFactory


def _item(world, status="published"):
    plan = make_plan(world.district, status=status)
    return make_item(make_section(plan))


# The API needs no login and answers everyone alike: published data only, a draft is 404 for all.
CASES = [
    Case("api:schema", lambda w: reverse("api:schema"), PUBLIC),
    Case("api:docs", lambda w: reverse("api:docs"), PUBLIC),
    Case("api:district-list", lambda w: reverse("api:district-list"), PUBLIC),
    Case("api:district-detail", lambda w: reverse("api:district-detail", args=[w.district.slug]), PUBLIC),
    Case("api:plan-list", lambda w: reverse("api:plan-list"), PUBLIC),
    Case("api:plan-detail", lambda w: reverse("api:plan-detail", args=[make_plan(w.district).pk]), PUBLIC),
    Case(
        "api:plan-detail",
        lambda w: reverse("api:plan-detail", args=[make_plan(w.district, status="draft").pk]),
        statuses(404),
        label="draft",
    ),
    Case("api:plan-item-list", lambda w: reverse("api:plan-item-list"), PUBLIC),
    Case("api:plan-item-detail", lambda w: reverse("api:plan-item-detail", args=[_item(w).pk]), PUBLIC),
    Case(
        "api:plan-item-detail",
        lambda w: reverse("api:plan-item-detail", args=[_item(w, "approved").pk]),
        statuses(404),
        label="unpublished plan",
    ),
    Case("api:award-list", lambda w: reverse("api:award-list"), PUBLIC),
    Case("api:award-detail", lambda w: reverse("api:award-detail", args=[0]), statuses(404), label="none"),
    Case("api:rating-list", lambda w: reverse("api:rating-list"), PUBLIC),
    Case(
        "api:rating-detail",
        lambda w: reverse("api:rating-detail", args=[CampaignFactory(district=w.district, status="published").pk]),
        PUBLIC,
    ),
    Case(
        "api:rating-results",
        lambda w: reverse("api:rating-results", args=[CampaignFactory(district=w.district, status="published").pk]),
        PUBLIC,
    ),
    Case(
        "api:rating-results",
        lambda w: reverse("api:rating-results", args=[CampaignFactory(district=w.district).pk]),
        statuses(404),
        label="verifying",
    ),
    Case("api:collection-list", lambda w: reverse("api:collection-list"), PUBLIC),
    Case(
        "api:collection-detail",
        lambda w: reverse("api:collection-detail", args=[CollectionFactory(district=w.district).pk]),
        statuses(404),
        label="call open",
    ),
    Case("api:article-list", lambda w: reverse("api:article-list"), PUBLIC),
    Case("api:article-detail", lambda w: reverse("api:article-detail", args=[0]), statuses(404), label="none"),
    Case("api:call-list", lambda w: reverse("api:call-list"), PUBLIC),
    Case("api:call-detail", lambda w: reverse("api:call-detail", args=[CallFactory(district=w.district).pk]), PUBLIC),
    Case(
        "api:call-detail",
        lambda w: reverse("api:call-detail", args=[CallFactory(district=w.district, is_published=False).pk]),
        statuses(404),
        label="unpublished",
    ),
]
