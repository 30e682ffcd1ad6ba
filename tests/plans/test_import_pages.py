"""The back-office imports: a Word plan (upload → reading in the background → preview → confirm) and items from Excel/CSV."""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from plans.models import Plan, PlanImport, PlanItem
from plans.tasks import read_plan_import, resume_stale_imports
from tests.factories import Role, UserFactory, with_role

from .factories import ADMIRALTEYSKY_DOCX, PETROGRADSKY_DOCX, make_plan
from .uploads import confirm_plan, upload_plan


def _file(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def _upload(client, world, path=PETROGRADSKY_DOCX, period="2019/2020", kind="plan", district=None):
    return upload_plan(client, district or world.district, path.name, path.read_bytes(), period=period, kind=kind)


def test_word_import_preview_then_confirm(login, world):
    client = login(world.users.methodist)
    page = _upload(client, world)
    body = page.content.decode()
    assert "Пунктов: 28" in body and "по графику ОУ" in body
    assert not Plan.objects.exists()
    job = page.context["job"]
    assert (job.state, job.attempts, job.progress) == (PlanImport.State.DONE, 1, 100)
    response = confirm_plan(client, page)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.items.count() == 28 and plan.created_by == world.users.methodist
    assert plan.source_name == PETROGRADSKY_DOCX.name
    job.refresh_from_db()
    assert job.plan == plan and not job.file  # the kept upload is gone once the plan is made
    # Confirming twice (a double click, a reload) does not import twice.
    response = confirm_plan(client, page)
    assert Plan.objects.count() == 1 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert client.get(reverse("plans:import_job", args=[job.pk]))["Location"] == response["Location"]


def test_the_upload_only_keeps_the_file_and_queues_its_reading(login, world, django_capture_on_commit_callbacks):
    client = login(world.users.methodist)
    with (
        mock.patch("plans.services.run_limited") as child,
        mock.patch("plans.services.check_office_file") as check,
        django_capture_on_commit_callbacks() as queued,
    ):
        response = client.post(
            reverse("plans:import"),
            {"file": _file(PETROGRADSKY_DOCX), "district": world.district.pk, "period": "2019/2020", "kind": "plan"},
        )
        # The request answered without opening the file: nothing checked, nothing read, one task queued.
        assert not child.called and not check.called
    job = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:import_job", args=[job.pk])
    assert (job.state, job.attempts, job.district, job.period_label) == ("queued", 0, world.district, "2019/2020")
    assert job.file and job.requested_by == world.users.methodist
    page = client.get(response["Location"]).content.decode()
    assert "Ждёт очереди" in page and 'hx-trigger="every 1s"' in page
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page)  # no inline script (the Content-Security-Policy)
    assert client.get(response["Location"], HTTP_HX_REQUEST="true").status_code == 200

    for callback in queued:  # the worker's turn
        callback()
    job.refresh_from_db()
    assert job.state == PlanImport.State.DONE and job.parsed["title"]
    # The polling page now asks the browser to load the preview in its place.
    polled = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
    assert "Пунктов: 28" in client.get(response["Location"]).content.decode()


def test_the_reading_routes_to_the_heavy_queue():
    from innovation_portal.celery import app

    assert app.amqp.router.route({}, "plans.read_plan_import")["queue"].name == "heavy"


def test_running_the_reading_twice_does_no_harm(login, world):
    client = login(world.users.methodist)
    page = _upload(client, world)
    job = PlanImport.objects.get(pk=page.context["job"].pk)
    with mock.patch("plans.services.run_limited") as child:
        assert read_plan_import(import_id=job.pk) is None  # a redelivered message finds the job done
        assert read_plan_import(import_id=job.pk + 1000) is None  # a job deleted meanwhile
    assert not child.called
    again = PlanImport.objects.get(pk=job.pk)
    assert (again.state, again.attempts, again.parsed) == (job.state, 1, job.parsed)


def test_a_job_that_never_started_or_lost_its_worker_is_retried_once_then_failed(login, world):
    client = login(world.users.methodist)
    long_ago = timezone.now() - timedelta(hours=1)
    common = {"requested_by": world.users.methodist, "district": world.district, "period_label": "2023/2024"}
    lost = PlanImport.objects.create(file_name="a.docx", created_at=long_ago, **common)
    dead = PlanImport.objects.create(file_name="b.docx", state="running", started_at=long_ago, attempts=2, **common)
    orphan = PlanImport(file_name="c.docx", state="running", started_at=long_ago, attempts=1, **common)
    orphan.file.save("c.docx", ContentFile(PETROGRADSKY_DOCX.read_bytes()))
    with mock.patch.object(read_plan_import, "delay") as again:
        assert resume_stale_imports() == 3
    again.assert_called_once_with(import_id=orphan.pk)
    for job, words in ((lost, "сервер занят"), (dead, "прерывалось дважды")):
        page = client.get(reverse("plans:import_job", args=[job.pk])).content.decode()
        assert "Файл не прочитан." in page and words in page and 'name="file"' in page
        assert "hx-trigger" not in page
    # The orphan's worker died: a second run may take it over (its second and last attempt).
    with mock.patch("plans.services.run_limited", return_value={"error": "нет плана"}):
        read_plan_import(import_id=orphan.pk)
    orphan.refresh_from_db()
    assert (orphan.state, orphan.attempts, orphan.message) == ("failed", 2, "нет плана")


def test_only_the_methodist_who_uploaded_sees_the_job(login, world):
    page = _upload(login(world.users.methodist), world)
    job = page.context["job"]
    other = with_role(UserFactory(), Role.METHODIST, world.district)
    client = login(other)
    assert client.get(reverse("plans:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("plans:import_confirm", args=[job.pk])).status_code == 404
    assert not Plan.objects.exists()


def test_word_import_refuses_a_document_without_a_plan_and_keeps_the_choices(login, world):
    client = login(world.users.methodist)
    page = _upload(client, world, ADMIRALTEYSKY_DOCX.parent / "plan-no-plan-table.docx", "2023/2024", "roadmap")
    assert page.status_code == 200
    job = page.context["job"]
    assert job.state == PlanImport.State.FAILED and "таблиц" in job.message
    assert "Файл не прочитан." in page.content.decode()
    form = page.context["form"]  # the form to upload another file, with the same choices
    assert form["period"].value() == "2023/2024" and form["kind"].value() == "roadmap"


def test_word_import_refuses_a_bad_period(login, world):
    response = _upload(login(world.users.methodist), world, period="2019/2021")
    assert "два соседних года" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_methodist_cannot_import_into_another_district(login, world):
    response = _upload(login(world.users.methodist), world, district=world.other_district)
    assert response.context["form"].errors["district"]
    assert not PlanImport.objects.exists()


def _sheet(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Раздел", "Номер", "Мероприятие", "Сроки", "Целевая аудитория", "Организаторы", "Место проведения"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("plan.xlsx", buffer.getvalue())


@pytest.fixture
def empty_plan(world):
    return make_plan(world.district, status=Plan.Status.DRAFT)


def _import(client, plan, upload):
    url = reverse("admin:plans_planitem_import")
    response = client.post(url, {"plan": plan.pk, "format": "0", "resource": "0", "import_file": upload})
    return response


def test_excel_import_previews_then_creates_items(login, world, empty_plan):
    client = login(world.users.methodist)
    response = _import(
        client,
        empty_plan,
        _sheet(
            [
                ["1. Повышение квалификации", "1.1.", "Курсы", "октябрь - апрель", "педагоги", "ИМЦ", ""],
                ["1. Повышение квалификации", "1.2.", "Семинар", "10.10.2023", "педагоги", "", "ГБОУ лицей № 590"],
                ["2. Информационная поддержка", "2.1.", "Сайт", "по графику ОУ", "", "", ""],
            ]
        ),
    )
    assert response.status_code == 200
    assert not PlanItem.objects.exists()  # the preview writes nothing
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = client.post(reverse("admin:plans_planitem_process_import"), data)
    assert response.status_code == 302
    items = {i.number: i for i in PlanItem.objects.filter(plan=empty_plan)}
    assert set(items) == {"1.1.", "1.2.", "2.1."}
    assert items["1.2."].dates == ["2023-10-10"] and items["1.2."].host_institution == world.institution
    assert items["1.1."].month_rows.count() == 7  # October to April
    assert items["2.1."].needs_review
    assert list(empty_plan.sections.values_list("title", flat=True)) == [
        "Повышение квалификации",
        "Информационная поддержка",
    ]


def test_excel_import_with_a_bad_row_imports_nothing_and_names_the_row(login, world, empty_plan):
    client = login(world.users.methodist)
    response = _import(
        client,
        empty_plan,
        _sheet(
            [
                ["1. Раздел", "1.1.", "Курсы", "октябрь", "", "", ""],
                ["1. Раздел", "1.2.", "Семинар", "ноябрь", "", "", "Школа, которой нет"],
            ]
        ),
    )
    body = response.content.decode()
    # The error table names row 2 and says what is wrong with it.
    assert re.search(r"<td>\s*2\s*</td>", body)
    assert "В районе плана нет учреждения «Школа, которой нет»" in body
    assert "NULL" not in body
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not PlanItem.objects.exists()
