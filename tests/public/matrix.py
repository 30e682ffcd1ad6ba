from django.urls import reverse

from tests.applications.factories import AwardFactory
from tests.matrix import PUBLIC, Case, statuses
from tests.ratings.factories import CampaignFactory

CASES = [
    Case("public:institution", lambda w: reverse("public:institution", args=[w.institution.pk]), PUBLIC),
    Case(
        "public:widget_statuses",
        lambda w: reverse("public:widget_statuses", args=[AwardFactory(institution=w.institution).institution_id]),
        PUBLIC,
    ),
    Case(
        "public:widget_registry", lambda w: reverse("public:widget_registry") + f"?district={w.district.slug}", PUBLIC
    ),
    Case("public:widget_events", lambda w: reverse("public:widget_events"), PUBLIC),
    Case(
        "public:widget_rating",
        lambda w: reverse("public:widget_rating", args=[CampaignFactory(district=w.district, status="published").pk]),
        PUBLIC,
    ),
    # A rating being verified is nobody's widget, whoever asks.
    Case(
        "public:widget_rating",
        lambda w: reverse("public:widget_rating", args=[CampaignFactory(district=w.district).pk]),
        statuses(404),
        label="unpublished",
    ),
]
