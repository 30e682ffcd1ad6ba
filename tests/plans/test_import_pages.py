"""The back-office imports: a Word plan (upload → preview → confirm) and items from Excel/CSV."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plans.models import Plan, PlanItem

from .factories import ADMIRALTEYSKY_DOCX, PETROGRADSKY_DOCX, make_plan


def _docx(path=PETROGRADSKY_DOCX):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_word_import_preview_then_confirm(login, world):
    client = login(world.users.methodist)
    response = client.post(
        reverse("plans:import"), {"file": _docx(), "district": world.district.pk, "period": "2019/2020", "kind": "plan"}
    )
    body = response.content.decode()
    assert "Пунктов: 28" in body and "по графику ОУ" in body
    assert not Plan.objects.exists()
    confirm = response.context["confirm"]
    data = {name: confirm[name].value() for name in ("token", "district", "period", "kind")}
    response = client.post(reverse("plans:import_confirm"), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.items.count() == 28 and plan.created_by == world.users.methodist
    assert plan.source_name == PETROGRADSKY_DOCX.name
    # The kept upload is gone: confirming twice does not import twice.
    client.post(reverse("plans:import_confirm"), data)
    assert Plan.objects.count() == 1


def test_word_import_refuses_a_document_without_a_plan_and_keeps_the_choices(login, world):
    client = login(world.users.methodist)
    response = client.post(
        reverse("plans:import"),
        {
            "file": _docx(ADMIRALTEYSKY_DOCX.parent / "plan-no-plan-table.docx"),
            "district": world.district.pk,
            "period": "2023/2024",
            "kind": "roadmap",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"]
    assert form["period"].value() == "2023/2024" and form["kind"].value() == "roadmap"


def test_word_import_refuses_a_bad_period(login, world):
    response = login(world.users.methodist).post(
        reverse("plans:import"), {"file": _docx(), "district": world.district.pk, "period": "2019/2021", "kind": "plan"}
    )
    assert "два соседних года" in response.content.decode()


def test_methodist_cannot_import_into_another_district(login, world):
    response = login(world.users.methodist).post(
        reverse("plans:import"),
        {"file": _docx(), "district": world.other_district.pk, "period": "2019/2020", "kind": "plan"},
    )
    assert response.context["form"].errors["district"]


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
