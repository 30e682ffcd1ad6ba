"""The back office's permission matrix: every admin model × every operation × every role.

For each model registered in the admin there is one record in the methodist's district
("ours") and one in another district ("theirs"), built from the model's ``district_path``
(tests/backoffice/objects.py). Each role opens the list, the add page, both records' change
and delete pages, runs every action on both records, and opens the import and export pages.
What a methodist of the record's district gets is written below per model; the rest follows
from the boundary: the other district's methodist gets Django's «not found» redirect (302)
for the record, or 403 where nobody may do it; people without back-office access are sent to
log in. The test fails when a model or an action is missing from the table.
"""

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from innovation_portal import boundary
from tests.backoffice.objects import make_in
from tests.factories import UserFactory

ROLES = ("methodist", "other_methodist", "superuser", "coordinator", "expert", "district_office")


@dataclass(frozen=True)
class Expect:
    """What a methodist of the record's district gets (GET statuses), and what the admin offers."""

    add: int = 200
    change: int = 200  # 200 is also a read-only view
    delete: int = 200
    actions: tuple = ()  # besides delete_selected, which comes with delete
    imports: bool = False
    exports: bool = False
    superuser_add: int = 200
    superuser_delete: int = 200


# Audit records: nobody adds or deletes them through the back office, not even a superuser.
READ_ONLY = Expect(add=403, delete=403, superuser_add=403, superuser_delete=403)
# Made by the portal's own services (a coordinator's card, a computed result): methodists read and correct them.
MADE_BY_SERVICES = Expect(add=403, delete=403)
# Made only by their pages (assigning experts, an expert's review), never added by hand.
MADE_BY_PAGES = Expect(add=403, delete=403, superuser_add=403)

MODELS = {
    "accounts.district": Expect(add=403, delete=403),
    "accounts.institution": Expect(imports=True, exports=True),
    "notifications.mailtemplate": Expect(actions=("copy_for_my_district",)),
    "notifications.notification": Expect(add=403, delete=403, superuser_add=403),
    "notifications.remindersetting": Expect(),
    "accounts.user": Expect(delete=403),
    "applications.application": Expect(add=403, delete=403),
    "applications.applicationevent": READ_ONLY,
    "applications.call": Expect(),
    "applications.districtprogramme": Expect(),
    # Made by coordinators on the call's page (services.request_extension), answered by methodists there.
    "applications.extensionrequest": Expect(add=403, superuser_add=403),
    "applications.statusaward": Expect(),
    "applications.statuskind": Expect(),
    "applications.technicalcheck": READ_ONLY,
    "expertise.assignment": Expect(add=403, superuser_add=403),
    "expertise.conflictdeclaration": Expect(),
    "expertise.councilmeeting": Expect(),
    "expertise.expertprofile": Expect(),
    "expertise.presentation": Expect(),
    "expertise.review": MADE_BY_PAGES,
    "plans.plan": Expect(actions=("approve", "publish", "withdraw")),
    "plans.planitem": Expect(imports=True, exports=True),
    "publications.article": Expect(),
    "publications.bookbuild": Expect(),
    "publications.collection": Expect(),
    "publications.reopening": Expect(),
    "publications.series": Expect(),
    "ratings.interviewslot": Expect(),
    "ratings.ratingcampaign": Expect(actions=("copy_from_previous", "copy_from_district")),
    "ratings.ratingcard": MADE_BY_SERVICES,
    "ratings.ratingentry": MADE_BY_SERVICES,
    "ratings.ratinghistory": READ_ONLY,
    "ratings.ratingresult": MADE_BY_SERVICES,
    "ratings.sharedevent": Expect(),
}

# Other packages' models in the back office: the installation's matter, a superuser's only.
SUPERUSER_ONLY = {
    "auth.group",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.periodictask",
    "django_celery_beat.solarschedule",
}

# Records that random values cannot make valid.
RECIPES = {
    "publications.reopening": lambda model, district: make_in(
        model, district, article=make_in("publications.article", district)
    ),
}


def label(model):
    return model._meta.label_lower


def registered():
    return {label(model): (model, model_admin) for model, model_admin in admin.site._registry.items()}


def test_every_back_office_model_is_in_the_matrix():
    assert set(registered()) == set(MODELS) | SUPERUSER_ONLY


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_matrix_lists_every_action_import_and_export(name, world):
    model, model_admin = registered()[name]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    expected = MODELS[name]
    offered = set(model_admin.get_actions(request)) - {"delete_selected"}
    assert offered == set(expected.actions)
    assert isinstance(model_admin, ImportMixin) == expected.imports
    assert isinstance(model_admin, ExportMixin) == expected.exports


def _users(world):
    return {
        "methodist": world.users.methodist,
        "other_methodist": world.users.other_methodist,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "coordinator": world.users.coordinator,
        "expert": world.users.expert,
        "district_office": world.users.district_office,
    }


def _make(model, district):
    recipe = RECIPES.get(label(model))
    return recipe(model, district) if recipe else make_in(model, district)


def _expected(expect, role, whose, shared):
    """Statuses for `role` on a record of the methodist's district (whose="ours") or the other's.

    A `shared` (installation-wide) record is nobody's district's: everyone gets what its owner would.
    """
    if role in ("coordinator", "expert", "district_office"):
        return dict.fromkeys(("list", "add", "change", "delete", "import", "export"), 302)
    if role == "superuser":
        return {
            "list": 200,
            "add": expect.superuser_add,
            "change": 200,
            "delete": expect.superuser_delete,
            "import": 200,
            "export": 200,
        }
    if shared or (role == "methodist") == (whose == "ours"):
        change, delete = expect.change, expect.delete
    else:
        # Outside the methodist's list: Django's admin answers «does not exist» with a redirect,
        # unless nobody of their rank may delete such records at all.
        change, delete = 302, 403 if expect.delete == 403 else 302
    return {"list": 200, "add": expect.add, "change": change, "delete": delete, "import": 200, "export": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_back_office_statuses(name, role, client, world):
    model, model_admin = registered()[name]
    expect = MODELS[name]
    records = {"ours": _make(model, world.district), "theirs": _make(model, world.other_district)}
    user = _users(world)[role]
    client.force_login(user)
    app, model_name = model._meta.app_label, model._meta.model_name
    shared = boundary.is_installation_wide(model)
    got, want = {}, {}
    for whose, record in records.items():
        expected = _expected(expect, role, whose, shared)
        urls = {
            "list": reverse(f"admin:{app}_{model_name}_changelist"),
            "add": reverse(f"admin:{app}_{model_name}_add"),
            "change": reverse(f"admin:{app}_{model_name}_change", args=[record.pk]),
            "delete": reverse(f"admin:{app}_{model_name}_delete", args=[record.pk]),
        }
        if expect.imports:
            urls["import"] = reverse(f"admin:{app}_{model_name}_import")
        if expect.exports:
            urls["export"] = reverse(f"admin:{app}_{model_name}_export")
        for operation, url in urls.items():
            response = client.get(url)
            got[f"{whose} {operation}"] = response.status_code
            want[f"{whose} {operation}"] = expected[operation]
            if operation == "list" and response.status_code == 200:
                listed = str(record.pk) in _listed_pks(response)
                visible = shared or role == "superuser" or (role == "methodist") == (whose == "ours")
                got[f"{whose} listed"], want[f"{whose} listed"] = listed, visible
    assert got == want


def _listed_pks(response):
    changelist = response.context["cl"]
    return {str(obj.pk) for obj in changelist.result_list}


ACTION_CASES = [
    (name, action)
    for name, expect in sorted(MODELS.items())
    for action in (*expect.actions, *(("delete_selected",) if expect.delete == 200 else ()))
    if not boundary.is_installation_wide(registered()[name][0])
]


@pytest.mark.parametrize(("name", "action"), ACTION_CASES)
def test_an_action_never_reaches_another_districts_record(name, action, client, world):
    """Run on the other district's record, an action changes nothing there; on ours it runs."""
    model, _model_admin = registered()[name]
    ours, theirs = _make(model, world.district), _make(model, world.other_district)
    before = model_to_dict(theirs)
    client.force_login(world.users.methodist)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    # «post» is delete_selected's confirmation; other actions ignore it.
    response = client.post(url, {"action": action, "_selected_action": [theirs.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert model._default_manager.filter(pk=theirs.pk).exists()
    assert model_to_dict(model._default_manager.get(pk=theirs.pk)) == before
    response = client.post(url, {"action": action, "_selected_action": [ours.pk], "post": "yes"})
    assert response.status_code == 302
    if action == "delete_selected":
        assert not model._default_manager.filter(pk=ours.pk).exists()


@pytest.mark.parametrize("name", sorted(SUPERUSER_ONLY))
def test_other_packages_models_are_the_superusers(name, client, world):
    model, _model_admin = registered()[name]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(world.users.methodist)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url).status_code == 200


def test_every_portal_model_declares_its_district():
    for model in boundary.portal_models():
        assert boundary.path_of(model), model
        boundary.district_ids_of(model())  # walks the path without failing
