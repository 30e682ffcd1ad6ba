"""No back-office page offers a choice list that grows with the district: more than ~200 records go to an autocomplete.

At region scale a district has ~300 institutions and the region 5,000; people, applications,
articles and rating cards number in the thousands. A `<select>` of them is megabytes of HTML
and seconds of rendering. Here every model a back-office form can point to gets more than 200
records in the methodist's district, and every admin add and change page is opened: none may
list more than 200 options. A new foreign key without autocomplete fails here.
"""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from model_bakery import baker

from accounts.models import Institution
from innovation_portal import boundary
from tests.backoffice.objects import person_in
from tests.backoffice.test_matrix import MODELS, _make, registered
from tests.factories import InstitutionFactory, UserFactory

MANY = 201
# Made afresh for each record (they are what unique constraints pair with the shared parent).
PEOPLE_AND_PLACES = {"accounts.User", "accounts.Institution"}
LIMIT = 200

# Choice lists that grow with the code (permissions of the installed apps), not with the data.
NOT_DATA = {"auth.permission", "auth.group", "contenttypes.contenttype"}
# Lists a district keeps short whatever its size: its kinds of status and book series, a plan's
# sections, a campaign's indicators (a dozen each); they stay plain choice lists.
SHORT = {
    "applications.districtprogramme",
    "applications.statuskind",
    "publications.series",
    "plans.plansection",
    "ratings.indicator",
}

SELECT = re.compile(r"<select\b[^>]*\sname=\"([^\"]*)\"[^>]*>(.*?)</select>", re.S)
# The fields of those lists (a user's and a group's permissions).
NOT_DATA_FIELDS = {"user_permissions", "permissions"}


def biggest_selects(html):
    """[(field name, options)] of the page's choice lists, the biggest first."""
    found = [(name, body.count("<option")) for name, body in SELECT.findall(html) if name not in NOT_DATA_FIELDS]
    return sorted(found, key=lambda pair: -pair[1])


def _targets():
    """Every portal model that a back-office form's foreign key or many-to-many field points to."""
    targets = set()
    for model, model_admin in admin.site._registry.items():
        for owner in [model, *(inline.model for inline in model_admin.inlines)]:
            for field in owner._meta.get_fields():
                if (field.many_to_one or field.many_to_many) and field.concrete and field.editable:
                    related = field.related_model
                    if related._meta.label_lower not in NOT_DATA and related._meta.app_label in boundary.PORTAL_APPS:
                        targets.add(related)
    return targets


def _many_of_everything(district):
    for model in _targets():
        if model._meta.label == "accounts.District" or model._meta.label_lower in SHORT:
            continue  # the methodist sees their own district only; SHORT lists stay short
        if model._meta.label == "accounts.User":
            for _ in range(MANY):
                person_in(district)
            continue
        path = boundary.path_of(model)
        if path == boundary.INSTALLATION:
            baker.make(model, _quantity=MANY)
        else:
            record = _make(model, district)
            # The others share the first one's parents (one plan's sections, one campaign's indicators).
            parents = {
                f.name: getattr(record, f.name)
                for f in model._meta.concrete_fields
                if f.many_to_one and not f.null and f.related_model._meta.label not in PEOPLE_AND_PLACES
            }
            places = [
                f.name
                for f in model._meta.concrete_fields
                if f.many_to_one and not f.null and f.related_model is Institution
            ]
            for _ in range(MANY - 1):
                # Institutions of the district (random ones would bring a district each).
                baker.make(model, **parents, **{name: InstitutionFactory(district=district) for name in places})


@pytest.fixture
def crowded(world):
    _many_of_everything(world.district)
    return world


@pytest.mark.parametrize("role", ["methodist", "superuser"])
def test_no_admin_page_lists_more_than_200_choices(role, client, crowded):
    # A region has 18 districts; here each random record brought its own, so the superuser's
    # district lists (which are the region's) are not counted.
    user = crowded.users.methodist if role == "methodist" else UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    too_big = {}
    for name in sorted(MODELS):
        model, _model_admin = registered()[name]
        record = _make(model, crowded.district)
        app, model_name = model._meta.app_label, model._meta.model_name
        for url in (
            reverse(f"admin:{app}_{model_name}_add"),
            reverse(f"admin:{app}_{model_name}_change", args=[record.pk]),
        ):
            response = client.get(url)
            if response.status_code != 200:
                continue
            big = [
                (field, n)
                for field, n in biggest_selects(response.content.decode())
                if n > LIMIT and not (role == "superuser" and field.split("-")[-1] == "district")
            ]
            if big:
                too_big[url] = big
    assert not too_big, "\n".join(f"{url}: {big}" for url, big in too_big.items())


AUTOCOMPLETES = [
    # (app, model, field): a field of each kind of record that gets an autocomplete here
    ("ratings", "sharedevent", "institutions", "institutions"),
    ("applications", "extensionrequest", "institution", "institutions"),
    ("plans", "planitem", "responsible_user", "users"),
    ("publications", "collection", "editors", "users"),
    ("ratings", "ratingcard", "campaign", "campaigns"),
]


@pytest.mark.parametrize(("app", "model", "field", "kind"), AUTOCOMPLETES)
def test_an_autocomplete_offers_only_the_methodists_district(app, model, field, kind, client, world):
    ours = {
        "institutions": InstitutionFactory(district=world.district, short_name="Школа Общая 1"),
        "users": person_in(world.district, full_name="Общий Наш Человек"),
    }
    theirs = {
        "institutions": InstitutionFactory(district=world.other_district, short_name="Школа Общая 2"),
        "users": person_in(world.other_district, full_name="Общий Чужой Человек"),
    }
    ours["campaigns"] = baker.make("ratings.RatingCampaign", district=world.district, title="Общий рейтинг 1")
    theirs["campaigns"] = baker.make("ratings.RatingCampaign", district=world.other_district, title="Общий рейтинг 2")
    client.force_login(world.users.methodist)
    response = client.get(
        reverse("admin:autocomplete"), {"app_label": app, "model_name": model, "field_name": field, "term": "Общ"}
    )
    assert response.status_code == 200
    found = {int(row["id"]) for row in response.json()["results"]}
    assert ours[kind].pk in found
    assert theirs[kind].pk not in found
