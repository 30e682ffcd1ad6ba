"""Bad query parameters and path segments never answer 500.

Every URL pattern of the portal is requested, as every role, with hostile values in every
parameter it reads and in every segment of its path: a NUL, 10^30, a negative number, 5,000
characters, a word where a number is expected, a choice that does not exist, a date at the end
of the calendar, `../../etc/passwd`. The answer must be below 500: a 4xx, or a page that says
what is wrong. The back office is walked the same way: every registered model's list (with
every filter it offers, search, ordering and the date hierarchy), its add, change, delete and
history pages, the import, its confirmation and the export.

Parameters are gathered by construction: every `request.GET` read in the portal's code and
every form bound to `request.GET` (read from the source), what each view actually reads while
it is requested (recorded), the back office's filters, and common names (page, q, ordering…).
Not the full product of patterns × roles × values: every pattern is requested as every role
with one value each (the values rotating), and as the role that reaches the page's work with
every value; each posted form field is sent a NUL on its own. In the back office the methodist
and a superuser ask every page, and the people it turns away at the door take the pages in
turn. A URL pattern that the walk cannot fill (no matrix case, a path converter it does not
know, a back-office page it does not recognise) fails the test.

Each case of the matrix builds its objects in a savepoint that is rolled back after its
requests (tests/security/walk.py), so one world serves the whole walk; PDFs are not typeset.
"""

import ast
import itertools
import re
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from innovation_portal import boundary
from tests.backoffice.objects import make_in
from tests.backoffice.test_matrix import RECIPES
from tests.factories import UserFactory
from tests.security.walk import WALK_ROLES, Walk, built_cases, reaching_roles, rolled_back, users_of
from tests.test_permission_matrix import CASES, EXCLUDED_NAMESPACES

HOSTILE = {
    "nul": "x\x00y",
    "huge": "1" + "0" * 30,
    "negative": "-1",
    "long": "x" * 5000,
    "wrong type": "abc",
    "unknown choice": "no-such-choice",
    "end of the calendar": "9999-12-31",
    "year 9999": "9999",
    "file name": "../../etc/passwd",
}
KINDS = list(HOSTILE)

pytestmark = pytest.mark.filterwarnings(
    # «9999-12-31» in a date lookup of a package's list (axes, celery beat), and import-export's own notice
    # when an export is posted with `export_items`: what hostile values make the libraries say, not failures.
    "ignore:DateTimeField .* received a naive datetime:RuntimeWarning",
    "ignore:The 'get_valid_export_item_pks\\(\\)' method:DeprecationWarning",
)

# Names many views read, whatever the code shows today.
COMMON_PARAMETERS = (
    "page",
    "p",
    "q",
    "o",
    "ordering",
    "sort",
    "state",
    "status",
    "year",
    "month",
    "day",
    "date",
    "next",
    "format",
    "district",
    "institution",
    "call",
    "plan",
    "campaign",
    "group",
    "kind",
    "level",
    "open",
    "offset",
    "name",
    "token",
    "e",
    "all",
    "_popup",
    "_to_field",
    "created_at__gte",
    "created_at__lt",
    "date__gte",
)

# Values a path segment is given, per converter: an `int` segment matches digits only (the rest
# is the resolver's 404, checked once per pattern with a word).
PATH_VALUES = {
    "int": ("huge",),
    "str": tuple(KINDS),
    "path": tuple(KINDS),
}
NOT_DIGITS = ("wrong type", "negative", "nul")

PORTAL_ROOT = Path(settings.BASE_DIR)
SOURCE_PACKAGES = sorted(boundary.PORTAL_APPS | {"innovation_portal", "exports", "reports"})


# --- the parameters the code reads --------------------------------------------------------------


def _is_request_get(node):
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "GET"
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    )


def _source_files():
    for package in SOURCE_PACKAGES:
        for path in (PORTAL_ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield package, path


def _module_name(path):
    return ".".join(path.relative_to(PORTAL_ROOT).with_suffix("").parts)


def parameters_in_the_code():
    """Every name read from `request.GET` in the portal's code, and the fields of forms (filtersets) bound to it."""
    import importlib

    names = set()
    for _package, path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forms = set()
        for node in ast.walk(tree):
            # request.GET.get("x"), request.GET.getlist("x")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and _is_request_get(node.func.value)
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
            # request.GET["x"]
            if isinstance(node, ast.Subscript) and _is_request_get(node.value) and isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
            # "x" in request.GET
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Constant)
                and any(_is_request_get(c) for c in node.comparators)
            ):
                names.add(node.left.value)
            # SomeForm(request.GET or None, …)
            if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Name):
                first = node.args[0]
                if _is_request_get(first) or (isinstance(first, ast.BoolOp) and _is_request_get(first.values[0])):
                    forms.add(node.func.id)
        if forms:
            module = importlib.import_module(_module_name(path))
            for form in forms:
                form_class = getattr(module, form)
                # A form's fields, or a django-filter FilterSet's filters.
                names.update(getattr(form_class, "base_fields", None) or getattr(form_class, "base_filters", {}))
    return {name for name in names if isinstance(name, str)}


def rotating(start):
    """The hostile kinds in turn, starting at `start`: every pattern meets every kind across its roles."""
    return itertools.islice(itertools.cycle(KINDS), start % len(KINDS), None)


def hostile_params(names, kind):
    return dict.fromkeys(sorted(names), HOSTILE[kind])


# --- the portal's own pages -------------------------------------------------------------------------


def _portal_patterns(patterns=None, namespace="", route=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _portal_patterns(pattern.url_patterns, prefix, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", route + str(pattern.pattern)


CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def converters_of(route):
    return {m["name"]: m["converter"] or "str" for m in CONVERTER.finditer(route)}


def path_with(route, kwargs, name, raw):
    """The route filled with the real arguments, and `raw` (quoted) in place of argument `name`."""

    def fill(match):
        value = raw if match["name"] == name else str(kwargs[match["name"]])
        return quote(value, safe="") if match["name"] == name else quote(value, safe="/")

    return "/" + CONVERTER.sub(fill, route)


def test_the_walk_can_fill_every_portal_url():
    covered = {case.url_name for case in CASES}
    unfilled = []
    for name, route in _portal_patterns():
        if name not in covered:
            unfilled.append(f"{name}: no matrix case builds its URL")
        for argument, converter in converters_of(route).items():
            if converter not in PATH_VALUES:
                unfilled.append(f"{name}: no hostile values for <{converter}:{argument}>")
    assert not unfilled, unfilled


def test_the_code_is_read_for_parameters():
    # If the scan found nothing, the walk would test common names only.
    found = parameters_in_the_code()
    assert {"state", "month", "year", "district", "offset", "group"} <= found
    assert {"audience", "organizer"} & found  # the plan filter form's fields


def test_portal_pages_answer_hostile_parameters_without_500(world, recorded_reads, quick_pdfs):
    walk = Walk(users_of(world))
    names = parameters_in_the_code() | set(COMMON_PARAMETERS)
    for index, (case, _own, built) in enumerate(built_cases(world)):
        url = urlsplit(built)
        given = dict(parse_qsl(url.query, keep_blank_values=True))
        names_here = names | set(given)
        match = resolve(url.path)
        reaching = reaching_roles(case) or ["superuser"]
        lead = reaching[0]
        walk.next_case()

        # The lead role first, with no hostile value: what the view reads is recorded.
        recorded_reads.names = set()
        walk.request(lead, "get", url.path, {**given, "_probe": "1"}, step="probe")
        reads = {name for name in recorded_reads.names if isinstance(name, str)} - {"_probe"}

        # Every role, one hostile kind each, in every parameter at once.
        for role, kind in zip(WALK_ROLES, rotating(index), strict=False):
            walk.request(role, "get", url.path, hostile_params(names_here | reads, kind), step=f"roles {kind}")

        # The role that reaches the view, every kind, when the view reads its parameters.
        if reads or given:
            for kind in KINDS:
                walk.request(lead, "get", url.path, hostile_params(reads | set(given), kind), step="kinds")

        # Every path segment, with what its converter lets through (and a word where digits go).
        for argument, converter in converters_of(match.route).items():
            for kind in PATH_VALUES[converter]:
                walk.request(
                    lead, "get", path_with(match.route, match.kwargs, argument, HOSTILE[kind]), given, step="path"
                )
            if converter == "int":
                kind = NOT_DIGITS[index % len(NOT_DIGITS)]
                walk.request(
                    lead, "get", path_with(match.route, match.kwargs, argument, HOSTILE[kind]), given, step="path"
                )

        # A form that is posted: each of its fields with a NUL while the others stay as the case
        # sends them (a refusal of one would hide what the view does with the next), then all its
        # fields hostile at once, with a word and with one more kind in turn.
        if case.method == "post":
            data = case.data(_own) if case.data else {}
            recorded_reads.names = set()
            with rolled_back():
                walk.request(lead, "post", built, data, step="post probe")
            fields = set(data) | {name for name in recorded_reads.names if isinstance(name, str)}
            attempts = [{**data, field: HOSTILE["nul"]} for field in sorted(fields)]
            attempts += [hostile_params(fields, kind) for kind in ("wrong type", KINDS[index % len(KINDS)])]
            for attempt in attempts:
                with rolled_back():
                    walk.request(lead, "post", built, attempt, step="post")
    print(walk.report())
    walk.check()


# --- the back office ------------------------------------------------------------------------------

# Pages of the back office's site itself (not of a model), and what each is given.
SITE_PAGES = {
    "index": ((), ()),
    "login": ((), ("next", "username")),
    "logout": ((), ("next",)),
    "password_change": ((), ()),
    "password_change_done": ((), ()),
    "autocomplete": ((), ("app_label", "model_name", "field_name", "term", "page")),
    "jsi18n": ((), ()),
    "view_on_site": (("content_type_id", "object_id"), ()),
    "app_list": (("app_label",), ()),
}
# A model's own pages, by the end of their name, and the parameters each reads besides the common ones.
MODEL_PAGES = ("changelist", "add", "change", "delete", "history", "import", "process_import", "export")
OBJECT_ARGUMENTS = ("object_id", "pk")
ADMIN_PARAMETERS = ("_changelist_filters", "_popup", "_to_field", "_save", "q", "o", "p", "e", "all")
BACK_OFFICE = ("methodist", "superuser")
TURNED_AWAY = [role for role in WALK_ROLES if role not in BACK_OFFICE]
POSTED = {
    "import": ("format", "resource", "plan"),
    "process_import": ("import_file_name", "original_file_name", "format", "resource", "plan"),
    "export": ("format", "resource", "export_items"),
}


def _admin_patterns():
    """(model admin or None, url name or None, route below /admin/, pattern) for every back-office URL."""
    [site] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "admin"]
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    for pattern in site.url_patterns:
        if isinstance(pattern, URLResolver):
            model = by_prefix[str(pattern.pattern)]
            for inner in pattern.url_patterns:
                yield model, inner.name, str(pattern.pattern) + str(inner.pattern), inner
        else:
            yield None, pattern.name, str(pattern.pattern), pattern


def _model_page(model, name):
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    if name and name.startswith(prefix) and name.removeprefix(prefix) in MODEL_PAGES:
        return name.removeprefix(prefix)
    return None


def test_the_walk_can_fill_every_back_office_url():
    unfilled = []
    for model, name, route, pattern in _admin_patterns():
        if model is None:
            if name not in SITE_PAGES and not (name is None and str(pattern.pattern) == "(?P<url>.*)$"):
                unfilled.append(f"admin page {name or route!r}: not in SITE_PAGES")
            continue
        for argument, converter in converters_of(route).items():
            if converter not in PATH_VALUES:
                unfilled.append(f"{name or route}: no hostile values for <{converter}:{argument}>")
            if _model_page(model, name) is None and argument not in OBJECT_ARGUMENTS and converter != "str":
                unfilled.append(f"{name or route}: no value for <{converter}:{argument}>")
    assert not unfilled, unfilled


# Fields whose values the back office's forms check: random ones would make records the portal never holds.
VALID_VALUES = {"academic_year": "2024/2025", "period_label": "2024/2025", "reminder_offsets": "7"}


def _record(model, district):
    if model._meta.app_label in boundary.PORTAL_APPS:
        recipe = RECIPES.get(model._meta.label_lower)
        if recipe:
            return recipe(model, district)
        names = {field.name for field in model._meta.concrete_fields}
        return make_in(model, district, **{k: v for k, v in VALID_VALUES.items() if k in names})
    from model_bakery import baker

    if model._meta.label == "django_celery_beat.PeriodicTask":  # one schedule must be set
        return baker.make(model, interval=baker.make("django_celery_beat.IntervalSchedule", every=1, period="hours"))
    return baker.make(model)


def _changelist_parameters(walk, model):
    """What a model's list reads: its filters, the date hierarchy, and lookups on its dates."""
    from django.db import models

    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = walk.request("superuser", "get", url, step="admin probe")
    filters, hierarchy, lookups = set(), set(), set()
    changelist = response.context["cl"] if response.context and "cl" in response.context else None
    if changelist is not None:
        for spec in changelist.filter_specs:
            filters.update(spec.expected_parameters())
        if changelist.date_hierarchy:
            hierarchy = {f"{changelist.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField | models.IntegerField):
            lookups.update((f"{field.name}__gte", f"{field.name}__lt"))
    # Groups the list checks one after another (a refused group would hide what the next does),
    # each with whether it gets every kind (the date hierarchy: Python's dates end at 9999) or a few.
    groups = [(filters, False), (hierarchy, True), (lookups, False), (set(ADMIN_PARAMETERS), False)]
    return [(group, every) for group, every in groups if group]


def _fill(route, kwargs):
    return "/admin/" + CONVERTER.sub(lambda m: quote(str(kwargs[m["name"]]), safe=""), route.removeprefix("admin/"))


def test_back_office_answers_hostile_parameters_without_500(world, recorded_reads, quick_pdfs):
    users = users_of(world)
    walk = Walk(users)
    staff = {True: "methodist", False: "superuser"}  # who reaches a model's pages: portal models, others'
    patterns = list(_admin_patterns())
    for index, (model, name, route, pattern) in enumerate(patterns):
        walk.next_case()
        if model is None:
            _site_page(walk, index, name, route, pattern)
            continue
        lead = staff[model._meta.app_label in boundary.PORTAL_APPS]
        page = _model_page(model, name)
        with rolled_back():
            record = _record(model, world.district)
            arguments = converters_of(route)
            values = {a: record.pk if a in OBJECT_ARGUMENTS else HOSTILE[KINDS[index % len(KINDS)]] for a in arguments}
            path = _fill(route, values)
            names, groups = set(ADMIN_PARAMETERS), []
            if page in ("changelist", "export"):
                groups = _changelist_parameters(walk, model)
                names = set().union(*(group for group, _every in groups))
            if page == "add":
                names |= {field.name for field in model._meta.get_fields()}

            # The back office's people, one kind each, in every parameter; and one of those it turns
            # away (before any page's code runs, admin_view sends them to log in), in turn, so that
            # each of them meets every model.
            roles = (*BACK_OFFICE, TURNED_AWAY[index % len(TURNED_AWAY)])
            for role, kind in zip(roles, rotating(index), strict=False):
                walk.request(role, "get", path, hostile_params(names, kind), step=f"admin {page}")
            # The lists (and the export, which filters like them): every kind in each group of
            # parameters (its filters, its date hierarchy, lookups on its fields, the admin's own).
            for number, (group, every) in enumerate(groups):
                for kind in KINDS if every else itertools.islice(rotating(index + number), 3):
                    walk.request(lead, "get", path, hostile_params(group, kind), step=f"admin {page} groups")
            # The object in the path, hostile.
            for argument in arguments:
                for kind in itertools.islice(rotating(index), 2):
                    hostile_path = _fill(route, {**values, argument: HOSTILE[kind]})
                    walk.request(lead, "get", hostile_path, step="admin path")
            # Forms posted to the import, its confirmation, the export, and the model's own actions.
            if page in POSTED or page is None:
                fields = set(POSTED.get(page, ())) | {"_selected_action", "action", "post"}
                for kind in ("nul", "wrong type", "file name", KINDS[index % len(KINDS)]):
                    with rolled_back():
                        walk.request(lead, "post", path, hostile_params(fields, kind), step=f"admin post {page}")
    print(walk.report())
    walk.check()


def _site_page(walk, index, name, route, pattern):
    if name is None:  # the catch-all: any address under /admin/
        for kind in KINDS:
            walk.request("superuser", "get", "/admin/" + quote(HOSTILE[kind], safe="") + "/", step="admin site")
        return
    arguments, parameters = SITE_PAGES[name]
    if name == "app_list":
        path = reverse("admin:app_list", args=["accounts"])
    else:
        path = _fill(route, {a: HOSTILE[KINDS[index % len(KINDS)]] for a in arguments})
    for role, kind in zip(WALK_ROLES, rotating(index), strict=False):
        walk.request(role, "get", path, hostile_params({*parameters, *ADMIN_PARAMETERS}, kind), step="admin site")
    for kind in KINDS:
        walk.request(
            "superuser", "get", path, hostile_params({*parameters, *ADMIN_PARAMETERS}, kind), step="admin site"
        )


# --- the 500s the walk met, one by one, as a user would see them --------------------------------


def test_a_nul_in_the_query_string_is_refused_in_russian(client, world):
    from tests.applications.factories import call_for

    client.force_login(world.users.methodist)
    response = client.get(reverse("applications:manage_call", args=[call_for(world).pk]), {"state": "draft\x00"})
    assert response.status_code == 400
    assert "недопустимый символ" in response.content.decode()


def test_a_nul_in_the_path_is_refused(client):
    response = client.get("/plans/%00/")
    assert response.status_code == 400


def test_an_id_larger_than_any_is_not_found(client, world):
    client.force_login(world.users.coordinator)
    too_large = "9" * 30
    assert client.get(f"/competitions/applications/{too_large}/").status_code == 404
    assert client.get(f"/publications/1/articles/{too_large}.pdf").status_code == 404


@pytest.mark.parametrize("year", ["9999", "1" + "0" * 30])
def test_a_year_outside_the_calendar_in_a_date_hierarchy_is_an_invalid_filter(client, world, year):
    client.force_login(world.users.methodist)
    url = reverse("admin:applications_call_changelist")
    response = client.get(url, {"closes_at__year": year, "closes_at__month": "12"})
    assert response.status_code == 302 and response["Location"] == f"{url}?e=1"  # Django's «list again, without it»
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:axes_accessattempt_changelist")  # an installed package's list, bounded the same way
    assert client.get(url, {"attempt_time__year": year})["Location"] == f"{url}?e=1"


def test_an_export_with_a_filter_it_cannot_apply_says_so(client, world):
    client.force_login(world.users.methodist)
    url = reverse("admin:accounts_institution_export")
    response = client.get(url, {"district__id__exact": "abc"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "не распознаны" in response.content.decode()


def _previewed(client, number):
    from tests.accounts.test_admin import _row, _xlsx

    response = client.post(
        reverse("admin:accounts_institution_import"),
        {"resource": "0", "format": "0", "import_file": _xlsx([_row(number)])},
    )
    return dict(response.context["confirm_form"].initial)


@pytest.mark.parametrize(
    "change",
    [
        {"import_file_name": "made-up-name"},
        {"import_file_name": "../../etc/passwd"},
        {"format": "1"},  # the file was read as XLSX
        {"format": "abc"},
        {"resource": "7"},
    ],
    ids=["made-up name", "another folder", "another format", "a word", "no such resource"],
)
def test_an_import_confirmation_that_was_not_offered_imports_nothing(client, world, change):
    from accounts.models import Institution

    client.force_login(world.users.methodist)
    confirmation = {**_previewed(client, "777"), **change}
    response = client.post(reverse("admin:accounts_institution_process_import"), confirmation, follow=True)
    assert response.redirect_chain == [(reverse("admin:accounts_institution_import"), 302)]
    assert "загрузите" in response.content.decode()  # «…загрузите его (файл) снова»
    assert not Institution.objects.filter(short_name="ГБОУ школа № 777").exists()


def test_another_persons_upload_cannot_be_confirmed(client, world):
    from accounts.models import Institution

    client.force_login(world.users.methodist)
    theirs = _previewed(client, "778")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))  # another session: not its upload
    response = client.post(reverse("admin:accounts_institution_process_import"), theirs)
    assert response.status_code == 302
    assert not Institution.objects.filter(short_name="ГБОУ школа № 778").exists()


def test_the_offered_confirmation_still_imports(client, world):
    from accounts.models import Institution

    client.force_login(world.users.methodist)
    confirmation = _previewed(client, "779")
    response = client.post(reverse("admin:accounts_institution_process_import"), confirmation)
    assert response["Location"] == reverse("admin:accounts_institution_changelist")
    assert Institution.objects.get(short_name="ГБОУ школа № 779").district == world.district
