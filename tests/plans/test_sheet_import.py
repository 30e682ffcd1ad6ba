"""Plans from a methodist's own Excel sheet or CSV, read with the Word reader's meaning-based
headers, through the same preview and all-or-nothing commit (/plans/import/)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font

from plans.importers import PlanReadError, read_plan
from plans.models import Plan, PlanItem

from .uploads import confirm_plan, import_table, upload_plan


def _workbook(rows, merges=(), bold_rows=(), extra_sheet=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "План"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    for index in bold_rows:
        for cell in sheet[index]:
            cell.font = Font(bold=True)
    if extra_sheet:
        other = workbook.create_sheet(extra_sheet[0])
        for row in extra_sheet[1]:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


METHODIST_SHEET = [
    [None, None, None, "УТВЕРЖДАЮ"],
    [None, None, None, "Директор ИМЦ ____ Иванова И.И."],
    ["План мероприятий по сопровождению инновационной деятельности"],
    ["на 2024/2025 учебный год"],
    [],
    ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Целевая аудитория", "Ответственные", "Примечание"],
    ["1", "2", "3", "4", "5", "6"],
    ["1. Повышение квалификации"],
    ["1.1.", "Курсы «Проектная деятельность в школе»", datetime(2024, 10, 17), "педагоги ОУ", "ИМЦ", ""],
    [1.2, "Семинар для заместителей директоров", "ноябрь", "заместители директоров", "ИМЦ, ОО", "онлайн"],
    ["2. Аналитическая деятельность"],
    ["2.1", "Мониторинг инновационной деятельности", "в течение года", "ОУ", "ИМЦ", ""],
    ["2.2", "Отчёт площадок", date(2025, 5, 20), "руководители площадок", "КС", ""],
    [],
    ["ИМЦ – информационно-методический центр"],
    ["КС – координационный совет"],
]


def test_a_methodists_own_sheet_is_read_field_by_field():
    plan = read_plan(
        _workbook(METHODIST_SHEET, merges=("A8:F8", "A11:F11"), bold_rows=(8, 11)),
        "План ИМЦ.xlsx",
    )
    assert plan.title == "План мероприятий по сопровождению инновационной деятельности на 2024/2025 учебный год"
    assert plan.columns == ["number", "title", "timeframe", "audience", "organizers"]
    assert [(s.number, s.title, s.row) for s in plan.sections] == [
        ("1", "Повышение квалификации", 8),
        ("2", "Аналитическая деятельность", 11),
    ]
    items = [
        (i.number, i.title, i.timeframe, i.audience, i.organizers, i.responsible, i.row) for i in plan.iter_items()
    ]
    assert items == [
        ("1.1.", "Курсы «Проектная деятельность в школе»", "17.10.2024", "педагоги ОУ", "ИМЦ", "", 9),
        ("1.2", "Семинар для заместителей директоров", "ноябрь", "заместители директоров", "ИМЦ, ОО", "", 10),
        ("2.1", "Мониторинг инновационной деятельности", "в течение года", "ОУ", "ИМЦ", "", 12),
        ("2.2", "Отчёт площадок", "20.05.2025", "руководители площадок", "КС", "", 13),
    ]
    assert plan.legend == [("ИМЦ", "информационно-методический центр"), ("КС", "координационный совет")]
    assert plan.warnings == ["Строка 6: колонка «Примечание» не распознана и пропущена."]


def test_the_portals_own_export_with_a_section_column_and_hosts():
    data = _workbook(
        [
            ["Раздел", "Номер", "Мероприятие", "Сроки", "Целевая аудитория", "Организаторы", "Место проведения"],
            ["1. Повышение квалификации", "1.1.", "Курсы", "октябрь - апрель", "педагоги", "ИМЦ", ""],
            ["1. Повышение квалификации", "1.2.", "Мастер-класс", "10.10.2024", "педагоги", "", "ГБОУ лицей № 590"],
            ["2. Информационная поддержка", "2.1.", "Сайт", "по графику ОУ", "", "", ""],
        ]
    )
    plan = read_plan(data, "export.xlsx")
    assert [(s.number, s.title, [i.number for i in s.items]) for s in plan.sections] == [
        ("1", "Повышение квалификации", ["1.1.", "1.2."]),
        ("2", "Информационная поддержка", ["2.1."]),
    ]
    host = [i.host for i in plan.iter_items()]
    assert host == ["", "ГБОУ лицей № 590", ""]


def test_a_numbered_row_with_only_a_title_opens_a_section_when_items_follow_under_it():
    data = _workbook(
        [
            ["№", "Мероприятие", "Срок"],
            ["1.", "Организационная работа", None],
            ["1.1.", "Совещание", "сентябрь"],
            ["1.2.", "Совет", "октябрь"],
            ["2.", "Семинар без сроков", None],
        ]
    )
    plan = read_plan(data, "p.xlsx")
    assert [(s.number, s.title) for s in plan.sections] == [("1", "Организационная работа")]
    assert [(i.number, i.title) for i in plan.iter_items()] == [
        ("1.1.", "Совещание"),
        ("1.2.", "Совет"),
        ("2.", "Семинар без сроков"),
    ]
    assert "Строка 5: пуста колонка «Срок»: у пункта не указаны сроки." in plan.warnings


CSV_ROWS = [
    "План работы ИМЦ на 2024/2025 учебный год",
    "",
    "№ п/п;Наименование мероприятия;Сроки проведения;Ответственные",
    "1.;Совещание заместителей директоров;по средам;Петрова И.И.",
    "2.;Консультации;«в течение года»;Сидорова А.А.",
]


def test_csv_as_russian_excel_saves_it():
    data = "\r\n".join(CSV_ROWS).encode("cp1251")
    plan = read_plan(data, "plan.csv")
    assert plan.title == "План работы ИМЦ на 2024/2025 учебный год"
    assert [(i.number, i.title, i.timeframe, i.responsible, i.row) for i in plan.iter_items()] == [
        ("1.", "Совещание заместителей директоров", "по средам", "Петрова И.И.", 4),
        ("2.", "Консультации", "«в течение года»", "Сидорова А.А.", 5),
    ]


def test_csv_in_utf8_with_bom_and_commas():
    text = '\ufeffМероприятие,Сроки,Участники\n"Семинар, открытый",октябрь,педагоги\nФорум,май,ОУ\n'
    plan = read_plan(text.encode("utf-8"), "plan.csv")
    assert [(i.title, i.timeframe, i.audience) for i in plan.iter_items()] == [
        ("Семинар, открытый", "октябрь", "педагоги"),
        ("Форум", "май", "ОУ"),
    ]


def test_a_sheet_without_a_plan_header_is_refused_in_russian():
    with pytest.raises(PlanReadError) as error:
        read_plan(_workbook([["ФИО", "Должность"], ["Иванова", "методист"]]), "people.xlsx")
    assert "ни на одном листе («План»)" in error.value.message
    assert "«Мероприятие»" in error.value.message


def test_a_file_that_is_not_a_workbook_is_refused_in_russian():
    with pytest.raises(PlanReadError) as error:
        read_plan(b"not a zip", "plan.xlsx")
    assert "книгу Excel" in error.value.message


def test_other_sheets_are_listed_as_not_imported():
    data = _workbook([["Мероприятие", "Сроки"], ["Семинар", "май"]], extra_sheet=("Сокращения", [["ИМЦ", "центр"]]))
    plan = read_plan(data, "p.xlsx")
    (skipped,) = plan.skipped_tables
    assert (skipped.number, skipped.rows) == (2, [["ИМЦ", "центр"]])
    assert "лист «Сокращения» не импортирован" in skipped.reason


# --- The pages ---------------------------------------------------------------------------------


def _upload(client, world, name, data, period="2024/2025"):
    return upload_plan(client, world.district, name, data, period=period)


def _confirm(client, page):
    return confirm_plan(client, page)


def test_excel_plan_preview_then_one_commit(login, world):
    client = login(world.users.methodist)
    data = _workbook(METHODIST_SHEET, merges=("A8:F8", "A11:F11"), bold_rows=(8, 11))
    response = _upload(client, world, "План ИМЦ.xlsx", data)
    body = response.content.decode()
    assert response.status_code == 200 and "Пунктов: 4" in body and "17.10.2024" in body
    assert "Traceback" not in body and not Plan.objects.exists()
    response = _confirm(client, response)
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.source_name == "План ИМЦ.xlsx"
    items = {i.number: i for i in PlanItem.objects.filter(plan=plan)}
    assert set(items) == {"1.1.", "1.2", "2.1", "2.2"}
    first = items["1.1."]
    assert (first.title, first.timeframe_text, first.audience, first.organizers_text, first.source_row) == (
        "Курсы «Проектная деятельность в школе»",
        "17.10.2024",
        "педагоги ОУ",
        "ИМЦ",
        9,
    )
    assert first.dates == ["2024-10-17"] and first.section.title == "Повышение квалификации"
    assert items["2.1"].timeframe_kind == "whole_period"


def test_excel_errors_name_excels_rows_and_nothing_is_created(login, world):
    client = login(world.users.methodist)
    data = _workbook(
        [["План"], ["№", "Наименование мероприятия", "Сроки"], ["1.", "Курсы", "май"], ["2.", None, "июнь"]]
    )
    response = _upload(client, world, "p.xlsx", data)
    body = response.content.decode()
    assert "Строка 4: у мероприятия нет наименования." in body
    assert "Строка 4: пуста колонка «Наименование мероприятия»" in body
    assert "Traceback" not in body
    assert reverse("plans:import_confirm", args=[response.context["job"].pk]) not in body  # no «Import the plan»
    assert not Plan.objects.exists()


def test_csv_upload_in_windows_1251(login, world):
    client = login(world.users.methodist)
    response = _upload(client, world, "plan.csv", "\r\n".join(CSV_ROWS).encode("cp1251"))
    assert response.status_code == 200 and "Совещание заместителей директоров" in response.content.decode()
    _confirm(client, response)
    item = PlanItem.objects.get(number="1.")
    assert (item.recurrence, item.timeframe_kind, len(item.dates)) == ("weekly", "recurring", 52)


def test_a_file_of_another_kind_is_refused_and_the_choices_kept(login, world):
    client = login(world.users.methodist)
    response = _upload(client, world, "plan.txt", b"hello")
    form = response.context["form"]
    assert "Загрузите план как документ Word (.docx), книгу Excel (.xlsx) или CSV" in form.errors["file"][0]
    assert form["period"].value() == "2024/2025"


def _appendix_docx() -> bytes:
    document = Document()
    document.add_paragraph("Дорожная карта проекта")
    table = document.add_table(rows=0, cols=3)
    for values in (["Мероприятие", "Сроки", "Ответственные"], ["Семинар", "октябрь", "Иванова А.А."]):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_paragraph("Приложение 1")
    table = document.add_table(rows=0, cols=3)
    rows = (["Мероприятие", "Муниципальный район", "Дата проведения"], ["Мастер-класс", "Кировский", "17.10.2024"])
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_preview_lists_tables_not_imported_and_offers_an_appendix_separately(login, world):
    client = login(world.users.methodist)
    response = _upload(client, world, "roadmap.docx", _appendix_docx())
    body = response.content.decode()
    assert 'id="skipped-tables"' in body and "Таблица 2" in body and "Муниципальный район" in body
    assert "Импортировать таблицу 2 отдельным планом" in body
    response = import_table(client, response, 2)
    assert response.status_code == 200 and "Мастер-класс" in response.content.decode()
    assert response.context["job"].table == 2
    _confirm(client, response)
    plan = Plan.objects.get()
    assert [(i.title, i.timeframe_text, i.dates) for i in plan.items.all()] == [
        ("Мастер-класс", "17.10.2024", ["2024-10-17"])
    ]


def test_monthly_plan_relative_timeframes_take_their_sections_month(login, world):
    document = Document()
    document.add_paragraph("План работы ИМЦ на 2024/2025 учебный год")
    table = document.add_table(rows=0, cols=3)
    rows = [
        ["Содержание работы", "Дата", "Ответственный"],
        "СЕНТЯБРЬ 2024",
        ["Совещание", "11.09", "Петрова И.И."],
        ["Консультации", "в течение месяца", "Сидорова А.А."],
        "ОКТЯБРЬ",
        ["Семинар", "4-я неделя", "Петрова И.И."],
    ]
    for values in rows:
        row = table.add_row()
        if isinstance(values, str):
            row.cells[0].merge(row.cells[2]).text = values
        else:
            for cell, text in zip(row.cells, values, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    client = login(world.users.methodist)
    response = _upload(client, world, "month.docx", buffer.getvalue())
    assert "Сроки не распознаны: 0" in response.content.decode()
    _confirm(client, response)
    items = {i.title: i for i in PlanItem.objects.all()}
    assert items["Совещание"].dates == ["2024-09-11"]
    assert items["Консультации"].months == ["2024-09"]
    assert (items["Семинар"].months, items["Семинар"].timeframe_kind) == (["2024-10"], "weeks")
    # re-reading after an edit keeps the section's month
    from plans.services import refresh_item_timeframe

    refresh_item_timeframe(items["Консультации"])
    assert items["Консультации"].months == ["2024-09"]


def test_back_office_item_import_errors_have_excel_rows_and_no_traceback(login, world):
    from .factories import make_plan

    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Раздел", "Номер", "Мероприятие", "Сроки", "Место проведения"])
    sheet.append(["1. Раздел", "1.1.", "Курсы", "октябрь", "Школа, которой нет"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:plans_planitem_import"),
        {
            "plan": plan.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("items.xlsx", buffer.getvalue()),
        },
    )
    body = response.content.decode()
    assert "Traceback" not in body and "site-packages" not in body and "/work/" not in body
    assert "В районе плана нет учреждения «Школа, которой нет»" in body
    assert not PlanItem.objects.exists()
