"""No export carries a live formula from what people typed.

Every text a person can type is set to something a spreadsheet would evaluate
(`=HYPERLINK("http://evil","x")`, `+1+1`, `-2`, `@SUM(A1)`, a tab or a carriage return before
`=1`), in every text field of every portal model, and then every export of the portal is made:

- every export of the background registry (exports.registry), with parameters given below for
  each (a newly registered export fails the test until it is given some);
- every back-office model with import-export's export, in every format it offers;
- every page that answers a spreadsheet, found by requesting every URL of the permission
  matrix (tests/*/matrix.py) and looking at what comes back.

Each file is opened: in an XLSX no cell is a formula and no text starting with = + - @ tab CR
lacks Excel's quote prefix; in a CSV no cell starts with one of them (they carry the apostrophe).
Each file must also carry some of the typed text, so that it proves something.
"""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from exports import registry
from innovation_portal import boundary
from innovation_portal.spreadsheets import FORMULA_STARTS, XLSX_TYPE
from reports.exports import DIRECT
from tests.security.walk import built_cases, log_in, reaching_roles, rolled_back, users_of

TYPED = ['=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]

SPREADSHEET_TYPES = {
    XLSX_TYPE: "xlsx",
    "text/csv": "csv",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/tab-separated-values": "tsv",
}

# Pages of the permission matrix that answer a spreadsheet (the walk must find each, and no other).
# With the addresses that show the data of `_data` below (the matrix's own objects carry little text).
SPREADSHEET_PAGES = {
    "applications:manage_call_export": lambda w, d: [reverse("applications:manage_call_export", args=[d.call.pk])],
    "applications:registry_xlsx": lambda w, d: [reverse("applications:registry_xlsx")],
    "expertise:results_xlsx": lambda w, d: [reverse("expertise:results_xlsx", args=[d.call.pk])],
    "plans:plan_xlsx": lambda w, d: [reverse("plans:plan_xlsx", args=[d.plan.pk])],
    "plans:report_xlsx": lambda w, d: [reverse("plans:report_xlsx", args=[d.plan.pk])],
    "ratings:export_xlsx": lambda w, d: [reverse("ratings:export_xlsx", args=[d.campaign.pk])],
    "reports:download": lambda w, d: [
        reverse("reports:download", args=[name]) + f"?district={w.district.pk}&year={d.year}"
        for name in sorted(DIRECT)
        if name.endswith(".xlsx")
    ],
}

# Text fields that hold codes the portal itself writes and reads back, not anything typed.
CODES = {
    "password",
    "calendar_token",
    "from_state",
    "to_state",
    "kind",
    "key",
    "offsets",
    "timeframe_kind",
    "recurrence",
    "period_label",
    "academic_year",
    "reminder_offsets",
    "source",
    "source_ref",
    "stage",
    "filename",
    "subject",
}
# Models the portal writes for itself (jobs, builds, letters): nobody types into them.
INTERNAL = {"exports.ExportJob", "publications.WordImport", "publications.BookBuild", "notifications.Notification"}


def _typed_fields(model):
    for field in model._meta.concrete_fields:
        if type(field) not in (models.CharField, models.TextField) or field.choices or field.name in CODES:
            continue
        if any(
            type(v).__name__ not in ("MaxLengthValidator", "ProhibitNullCharactersValidator") for v in field.validators
        ):
            continue
        yield field


def type_formulas_everywhere(shift=0):
    """Every typed text of every portal record becomes one of TYPED (made unique by the record's id).

    Which one goes where turns with `shift`: over len(TYPED) rounds every field gets each.
    """
    for model in boundary.portal_models():
        if model._meta.label in INTERNAL or model._meta.proxy:
            continue
        fields = list(_typed_fields(model))
        if not fields:
            continue
        for row, pk in enumerate(model._base_manager.values_list("pk", flat=True)):
            values = {}
            for number, field in enumerate(fields):
                text, suffix = TYPED[(row + number + shift) % len(TYPED)], f" {pk}"
                limit = field.max_length or 10_000
                values[field.attname] = text[: max(limit - len(suffix), 1)] + suffix
            model._base_manager.filter(pk=pk).update(**values)


# --- reading the files back ---------------------------------------------------------------------


def live_formulas(content, kind):
    """(cells that would be evaluated, described; texts of the typed kind that came out inert) of a file."""
    live, inert = [], []
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    where = f"{sheet.title}!{cell.coordinate}"
                    if cell.data_type == "f":
                        live.append(f"{where}: formula {cell.value!r}")
                    elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                        if cell.quotePrefix:
                            inert.append(cell.value)
                        else:
                            live.append(f"{where}: {cell.value!r}")
    elif kind == "csv":
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            for cell in row:
                if cell.startswith(FORMULA_STARTS):
                    live.append(f"row {number}: {cell!r}")
                elif cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                    inert.append(cell[1:])
    else:
        live.append(f"a {kind} file, which this test cannot read: teach it, or do not offer the format")
    return live, inert


class Findings:
    def __init__(self):
        self.live = []
        self.empty = []
        self.typed_seen = set()

    def scan(self, label, content, kind):
        live, inert = live_formulas(content, kind)
        self.live += [f"{label}: {cell}" for cell in live]
        if not inert:
            self.empty.append(label)
        self.typed_seen.update(t for t in TYPED for text in inert if text.startswith(t[:2]))

    def check(self):
        assert not self.live, "live formulas:\n" + "\n".join(self.live[:40])
        assert not self.empty, f"exports that carried none of the typed text (nothing was proved): {self.empty}"


# --- the data every export is made from -----------------------------------------------------------


def _data(world):
    from applications.models import Application
    from expertise import services as expertise_services
    from ratings import services as rating_services
    from ratings.models import RatingCampaign
    from tests.applications.factories import AwardFactory
    from tests.expertise.factories import application_in_expertise, assign, expertise_call, meeting, scores_of
    from tests.plans.factories import make_item, make_plan, make_section
    from tests.ratings.factories import CampaignFactory, CardFactory, IndicatorFactory, accepted

    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    assignment = assign(application, world.users.expert)
    expertise_services.save_review(
        assignment, by=world.users.expert, scores=scores_of(application, [3, 2, 1], comment="Хорошо")
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now())
    AwardFactory(institution=world.institution, valid_to=timezone.localdate() + datetime.timedelta(days=365))
    plan = make_plan(world.district, period=call.academic_year)
    make_item(make_section(plan), "Семинар", "октябрь", audience="учителя", organizers="ИМЦ")
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    indicator = IndicatorFactory(campaign=campaign)
    accepted(CardFactory(campaign=campaign, institution=world.institution), indicator)
    rating_services.compute(campaign)
    council = meeting(world, members=["Иванова Анна Петровна"])
    return SimpleNamespace(call=call, plan=plan, campaign=campaign, meeting=council, year=call.academic_year)


# The parameters of every background export, from the data above.
EXPORT_PARAMETERS = {
    "applications.call_xlsx": lambda w, d: {"call": d.call.pk},
    "applications.registry_xlsx": lambda w, d: {},
    "applications.registry_pdf": lambda w, d: {},
    "expertise.results_xlsx": lambda w, d: {"call": d.call.pk},
    "expertise.protocol_pdf": lambda w, d: {"meeting": d.meeting.pk},
    "plans.plan_pdf": lambda w, d: {"plan": d.plan.pk},
    "plans.plan_xlsx": lambda w, d: {"plan": d.plan.pk},
    "plans.report_pdf": lambda w, d: {"plan": d.plan.pk},
    "ratings.rating_xlsx": lambda w, d: {"campaign": d.campaign.pk},
    "ratings.rating_pdf": lambda w, d: {"campaign": d.campaign.pk},
    "reports.annual_pdf": lambda w, d: {"district": w.district.pk, "year": d.year},
    "reports.annual_xlsx": lambda w, d: {"district": w.district.pk, "year": d.year},
    "reports.results_xlsx": lambda w, d: {"district": w.district.pk, "year": d.year},
    "reports.plans_xlsx": lambda w, d: {"district": w.district.pk, "year": d.year},
}


def _portal_exports():
    # Exports registered by tests (a slow one for the queue tests, …) are theirs, not the portal's.
    return {name: cls for name, cls in registry._registry.items() if cls.__module__.split(".")[0] != "tests"}


def test_every_background_export_has_parameters_here():
    assert set(_portal_exports()) == set(EXPORT_PARAMETERS)


def test_background_exports_write_typed_text_as_text(world, quick_pdfs):
    data = _data(world)
    findings = Findings()
    for shift in range(len(TYPED)):
        with rolled_back():
            type_formulas_everywhere(shift)
            for name, export in sorted(_portal_exports().items()):
                params = EXPORT_PARAMETERS[name](world, data)
                assert export.allowed(world.users.methodist, params), f"{name}: not the methodist's with {params}"
                filename, content = export.build(params, lambda percent: None)
                kind = filename.rsplit(".", 1)[-1].lower()
                if kind == "pdf":
                    assert content.startswith(b"%PDF")
                    continue
                findings.scan(f"{name} ({filename}), round {shift}", content, kind)
    findings.check()
    assert findings.typed_seen == set(TYPED)


def _export_form_data(model_admin, request, index):
    form_class = model_admin.get_export_form_class()
    form = form_class(model_admin.get_export_formats(), model_admin.get_export_resource_classes(request))
    data = {name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)}
    return {**data, "format": str(index), "resource": "0"}


def test_back_office_exports_write_typed_text_as_text(client, world, rf):
    from tests.backoffice.objects import make_in
    from tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    log_in(client, superuser)
    exporting = {model: ma for model, ma in admin.site._registry.items() if isinstance(ma, ExportMixin)}
    assert exporting, "the back office exports something"
    for model in exporting:
        make_in(model, world.district)
    findings = Findings()
    request = rf.get("/")
    request.user = superuser
    for shift in range(len(TYPED)):
        with rolled_back():
            type_formulas_everywhere(shift)
            for model, model_admin in exporting.items():
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/export/"
                for index, export_format in enumerate(model_admin.get_export_formats()):
                    response = client.post(url, _export_form_data(model_admin, request, index))
                    assert response.status_code == 200, f"{url} as {export_format.__name__}: {response.status_code}"
                    kind = export_format().get_extension()
                    findings.scan(f"{model._meta.label} as {kind}, round {shift}", response.content, kind)
    findings.check()
    assert findings.typed_seen == set(TYPED)


def test_pages_that_answer_a_spreadsheet_write_typed_text_as_text(world, quick_pdfs):
    from django.test import Client

    users = users_of(world)
    client = Client()
    found = set()
    # Which pages answer a spreadsheet: every URL of the matrix, as a role it lets in.
    for case, _own, path in built_cases(world):
        if case.method != "get":
            continue
        log_in(client, users[(reaching_roles(case) or ["superuser"])[0]])
        kind = SPREADSHEET_TYPES.get(client.get(path).get("Content-Type", "").split(";")[0].strip())
        if kind is not None:
            found.add(case.url_name)
    assert found == set(SPREADSHEET_PAGES), f"pages answering a spreadsheet: {sorted(found)}"

    # Each of them, with the data of every export and typed formulas everywhere.
    data = _data(world)
    log_in(client, world.users.methodist)
    findings = Findings()
    for shift in range(len(TYPED)):
        with rolled_back():
            type_formulas_everywhere(shift)
            for name, paths in sorted(SPREADSHEET_PAGES.items()):
                for path in paths(world, data):
                    response = client.get(path)
                    assert response.status_code == 200, f"{path}: {response.status_code}"
                    kind = SPREADSHEET_TYPES[response["Content-Type"].split(";")[0].strip()]
                    findings.scan(f"{name} {path}, round {shift}", response.content, kind)
    findings.check()
    assert findings.typed_seen == set(TYPED)


@pytest.mark.parametrize("index", [0, 1], ids=["xlsx", "csv"])
def test_an_exported_file_imports_back_as_it_was_typed(client, world, rf, index):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Institution

    Institution.objects.filter(pk=world.institution.pk).update(head_name="=1+1", head_position="-2", phone="+7 812")
    model_admin = admin.site._registry[Institution]
    request = rf.get("/")
    request.user = world.users.methodist
    log_in(client, world.users.methodist)
    exported = client.post(reverse("admin:accounts_institution_export"), _export_form_data(model_admin, request, index))
    extension = ("xlsx", "csv")[index]
    Institution.objects.filter(pk=world.institution.pk).update(head_name="", head_position="", phone="")
    upload = SimpleUploadedFile(f"institutions.{extension}", exported.content)
    preview = client.post(
        reverse("admin:accounts_institution_import"), {"resource": "0", "format": str(index), "import_file": upload}
    )
    client.post(reverse("admin:accounts_institution_process_import"), preview.context["confirm_form"].initial)
    institution = Institution.objects.get(pk=world.institution.pk)
    assert (institution.head_name, institution.head_position, institution.phone) == ("=1+1", "-2", "+7 812")
