"""Heavy parsing never runs in a web request, and a file built to stall its reader is refused with a reason.

Each hostile file (tests/security/hostile_files.py: a zip bomb, a Word file of 20,000 parts, an
Excel bomb, a table that takes many seconds of CPU to read) goes to the plan upload page and to
a back-office import:

* the plan upload only keeps the file and queues the task: neither the archive check nor the
  limited reader ran in the request; the task (the worker's turn, eager here) refuses the file,
  the job is «failed», the page shows the Russian reason, and the same worker reads a good file
  next;
* the back-office import checks the archive in the request (its directory only) and reads the
  sheet in a limited child: openpyxl never opens the file in the web process, and the form says
  why the file was refused.

The CPU limits are lowered here so a slow file is stopped in two seconds instead of thirty.
"""

import dataclasses
import io
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from import_export.tmp_storages import TempFolderStorage
from openpyxl import Workbook

from accounts.models import Institution
from innovation_portal import importing
from innovation_portal.safe_office import check_office_file, run_limited
from plans import services
from plans.models import Plan, PlanImport, PlanItem
from tests.plans.factories import make_plan

from . import hostile_files as hostile

# The reason each file is refused with (Russian), on the plan page and in the back office.
ATTACKS = {
    "zip_bomb_docx": ("plan.docx", hostile.zip_bomb_docx, "zip-бомбы"),
    "many_parts_docx": ("plan.docx", hostile.many_parts_docx, "В файле 20017 частей"),
    "zip_bomb_xlsx": ("plan.xlsx", hostile.zip_bomb_xlsx, "zip-бомбы"),
    "slow_docx": ("plan.docx", hostile.slow_docx, "секунд процессорного времени"),
}
SLOW_CPU_SECONDS = 2


@pytest.fixture
def short_cpu(monkeypatch):
    """The readers' CPU limit at two seconds (a slow file takes ten), everything else as in production."""
    limits = services.PLAN_LIMITS
    monkeypatch.setattr(services, "PLAN_LIMITS", dataclasses.replace(limits, cpu_seconds=SLOW_CPU_SECONDS))
    limits = importing.IMPORT_LIMITS
    monkeypatch.setattr(importing, "IMPORT_LIMITS", dataclasses.replace(limits, cpu_seconds=SLOW_CPU_SECONDS))


def _post_plan(client, world, name, data):
    return client.post(
        reverse("plans:import"),
        {"file": SimpleUploadedFile(name, data), "district": world.district.pk, "period": "2024/2025", "kind": "plan"},
    )


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_plan_file_is_queued_then_refused_with_a_russian_reason(attack, login, world, short_cpu):
    name, build, reason = ATTACKS[attack]
    client = login(world.users.methodist)
    with (
        mock.patch("plans.services.check_office_file", wraps=check_office_file) as check,
        mock.patch("plans.services.run_limited", wraps=run_limited) as child,
    ):
        with TestCase.captureOnCommitCallbacks() as queued:
            response = _post_plan(client, world, name, build())
        # The request kept the file and queued its reading: nothing of it was opened.
        assert response.status_code == 302
        assert not check.called and not child.called
        job = PlanImport.objects.get()
        assert job.state == PlanImport.State.QUEUED and response["Location"] == reverse(
            "plans:import_job", args=[job.pk]
        )

        started = time.monotonic()
        for callback in queued:  # the worker's turn (eager here, as in `make run`)
            callback()
        refused_after = time.monotonic() - started
    job.refresh_from_db()
    assert job.state == PlanImport.State.FAILED and reason in job.message, job.message
    assert check.called  # the archive was checked in the worker...
    assert child.called == attack.startswith("slow")  # ...and only a file that passed it was read, in the child
    assert job.attempts == 1 and job.finished_at and not job.parsed
    page = client.get(response["Location"]).content.decode()
    assert "Файл не прочитан." in page and reason in page and 'name="file"' in page
    assert not Plan.objects.exists()
    # Refused in seconds, whatever the file would have cost (the slow one: 10 s of CPU, 400 MB).
    assert refused_after < 30, refused_after

    # The worker lives on: the next upload is read as usual.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _post_plan(client, world, "good.docx", hostile.plan_docx())
    good = PlanImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert good.state == PlanImport.State.DONE, good.message
    assert "Семинар для заместителей директоров" in client.get(response["Location"]).content.decode()


def test_a_plan_with_more_items_than_any_plan_has_is_refused(login, world, monkeypatch):
    monkeypatch.setattr(services, "PLAN_MAX_ITEMS", 100)
    client = login(world.users.methodist)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _post_plan(client, world, "plan.docx", hostile.slow_docx(rows=150))
    job = PlanImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.state == PlanImport.State.FAILED and "В файле 151 пункт" in job.message, job.message


def test_a_csv_plan_with_too_many_lines_is_refused_before_it_is_read(login, world):
    client = login(world.users.methodist)
    lines = "№;Мероприятие;Сроки\n" + "1.;Семинар;октябрь\n" * (services.PLAN_MAX_CSV_LINES + 5)
    with (
        mock.patch("plans.services.run_limited") as child,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = _post_plan(client, world, "plan.csv", lines.encode())
    job = PlanImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.state == PlanImport.State.FAILED and "20006 строк" in job.message, job.message
    assert not child.called


# --- The back office's XLSX/CSV imports (django-import-export) -------------------------------------

ADMIN_IMPORTS = {"plan items": "admin:plans_planitem_import", "institutions": "admin:accounts_institution_import"}


def _never(*args, **kwargs):
    raise AssertionError("openpyxl opened an uploaded file in the web process")


def _admin_import(client, url_name, name, data, plan=None):
    fields = {"format": "0", "resource": "0", "import_file": SimpleUploadedFile(name, data)}
    if plan is not None:
        fields["plan"] = plan.pk
    with (
        mock.patch("openpyxl.load_workbook", _never),
        mock.patch("openpyxl.reader.excel.load_workbook", _never),
        mock.patch("innovation_portal.importing.run_limited", wraps=run_limited) as child,
    ):
        response = client.post(reverse(url_name), fields)
    return response, child


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_sheet_is_refused_by_the_item_import_with_a_russian_reason(attack, login, world, short_cpu):
    name, build, reason = ATTACKS[attack]
    reason = reason.replace("20017 частей", "20017 частей, допускается не больше 200")
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    client = login(world.users.methodist)
    data = hostile.slow_xlsx() if attack == "slow_docx" else build()
    response, child = _admin_import(client, ADMIN_IMPORTS["plan items"], name.replace(".docx", ".xlsx"), data, plan)
    assert response.status_code == 200
    errors = response.context["form"].errors["import_file"]
    assert any(reason in error for error in errors), errors
    # Refused from the archive's directory, or (the slow sheet) read only in the limited child.
    assert child.called == attack.startswith("slow")
    assert not PlanItem.objects.exists() and response.context.get("confirm_form") is None

    # The web process lives on: a good sheet is read (in the child) and previewed.
    response, child = _admin_import(client, ADMIN_IMPORTS["plan items"], "items.xlsx", _item_sheet(), plan)
    assert child.called and response.context["confirm_form"] is not None, response.context["form"].errors


def _item_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Раздел", "Номер", "Мероприятие", "Сроки"])
    sheet.append(["1. Повышение квалификации", "1.1.", "Курсы", "октябрь"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_the_institution_import(login, world):
    response, child = _admin_import(
        login(world.users.methodist), ADMIN_IMPORTS["institutions"], "schools.xlsx", hostile.zip_bomb_xlsx()
    )
    assert response.status_code == 200 and not child.called
    assert "zip-бомбы" in " ".join(response.context["form"].errors["import_file"])


def test_a_csv_with_too_many_rows_is_refused_before_it_is_read(login, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    rows = "Раздел;Номер;Мероприятие;Сроки\n" + "1. Раздел;1.1.;Курсы;октябрь\n" * (importing.IMPORT_MAX_ROWS + 1)
    fields = {
        "format": "1",
        "resource": "0",
        "plan": plan.pk,
        "import_file": SimpleUploadedFile("items.csv", rows.encode()),
    }
    with mock.patch("innovation_portal.importing.run_limited") as child:
        response = login(world.users.methodist).post(reverse(ADMIN_IMPORTS["plan items"]), fields)
    errors = " ".join(response.context["form"].errors["import_file"])
    assert "10001 строка" in errors and "Разделите файл" in errors, errors
    assert not child.called and not PlanItem.objects.exists()


def test_a_word_file_given_to_the_item_import_is_refused_in_russian(login, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    response, child = _admin_import(
        login(world.users.methodist), ADMIN_IMPORTS["plan items"], "items.xlsx", hostile.plan_docx(), plan
    )
    assert child.called  # it passed the archive's checks: the child found it is no workbook
    assert "не удалось прочитать как книгу Excel" in " ".join(response.context["form"].errors["import_file"])


def test_a_file_swapped_before_the_confirm_step_is_refused_there_too(login, world):
    """The confirm step reads the kept file again, bounded the same way: a bomb there is a message, not a 500.

    The file is previewed for real (only a file this person previewed can be confirmed), then the
    kept copy is replaced by a zip bomb before the confirmation.
    """
    from tests.accounts.test_admin import _row, _xlsx

    client = login(world.users.methodist)
    preview = client.post(
        reverse("admin:accounts_institution_import"),
        {"resource": "0", "format": "0", "import_file": _xlsx([_row("731")])},
    )
    fields = dict(preview.context["confirm_form"].initial)
    kept = TempFolderStorage(name=fields["import_file_name"], read_mode="rb")
    with open(kept.get_full_path(), "wb") as swapped:
        swapped.write(hostile.zip_bomb_xlsx())
    response = client.post(reverse("admin:accounts_institution_process_import"), fields, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:accounts_institution_import")
    assert "zip-бомбы" in response.content.decode()
    assert not Institution.objects.filter(short_name="ГБОУ школа № 731").exists()
