"""A methodist imports plans as they keep them: a Word document whose table breaks over pages,
with an appendix and a legend, and an Excel sheet of their own. Each file is read in the
background: the page shows it waiting, then (a worker started by the test) the preview."""

from datetime import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Font
from playwright.sync_api import expect

from innovation_portal.celery import app
from plans.models import Plan, PlanImport

pytestmark = [pytest.mark.browser, pytest.mark.worker]

HEADER = ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Целевая аудитория", "Ответственные", "Отметка"]


def _word_plan(path):
    document = Document()
    approval = document.add_table(rows=1, cols=2)
    approval.rows[0].cells[0].text, approval.rows[0].cells[1].text = "СОГЛАСОВАНО", "УТВЕРЖДАЮ"
    document.add_paragraph("План мероприятий по сопровождению инновационной деятельности на 2024/2025 учебный год")
    table = document.add_table(rows=0, cols=6)
    for values in (
        HEADER,
        "1. Повышение квалификации",
        ["1.1.", "Курсы «Проектная деятельность»", "1-я декада октября", "педагоги ОУ", "ИМЦ", ""],
    ):
        row = table.add_row()
        if isinstance(values, str):
            cell = row.cells[0].merge(row.cells[4])
            cell.paragraphs[0].add_run(values).bold = True
        else:
            for cell, text in zip(row.cells, values, strict=True):
                cell.text = text
    document.add_paragraph("Продолжение таблицы 1")
    table = document.add_table(rows=0, cols=6)
    for values in (
        ["1.2.", "Семинар для заместителей директоров", "по средам", "заместители директоров", "ИМЦ, ОО", ""],
        ["1.3.", "Методическое объеди\u00adнение", "в течении года", "педагоги", "ИМЦ", ""],
    ):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.add_paragraph("Приложение 1. График открытых мероприятий")
    table = document.add_table(rows=0, cols=3)
    for values in (
        ["Мероприятие", "Муниципальный район", "Дата проведения"],
        ["Мастер-класс", "Кировский", "17.10.2024"],
    ):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.save(path)


def _excel_plan(path):
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        [None, None, None, "УТВЕРЖДАЮ"],
        ["План работы ИМЦ на 2024/2025 учебный год"],
        [],
        ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Целевая аудитория", "Ответственные"],
        ["1. Организационная работа"],
        ["1.1.", "Совещание заместителей директоров", datetime(2024, 10, 17), "заместители директоров", "ИМЦ"],
        [1.2, "Консультации", "ежемесячно до 5 числа", "педагоги", "ИМЦ"],
        ["1.3.", "Отчёт площадок", "по графику ОУ", "ОУ", "КС"],
    ):
        sheet.append(row)
    sheet.merge_cells("A5:E5")
    sheet["A5"].font = Font(bold=True)
    workbook.save(path)


def _upload(page, path):
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=district]", index=1)
    page.fill("input[name=period]", "2024/2025")
    page.get_by_role("button", name="Предпросмотр").click()
    page.wait_for_load_state()


@pytest.fixture
def queued_tasks():
    """Tasks go to the broker, as in production; the test starts the worker when it wants it to run them."""
    app.conf.update(task_always_eager=False)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=True)


def test_methodist_imports_a_word_plan_and_an_excel_sheet(demo, visit, tmp_path, queued_tasks):
    word, excel = tmp_path / "План ИМЦ.docx", tmp_path / "План работы.xlsx"
    _word_plan(word)
    _excel_plan(excel)
    methodist = visit("methodist@demo.local")
    before = Plan.objects.count()

    page = methodist.go("/plans/import/")
    expect(page.get_by_role("heading", name="Импорт плана из Word или Excel")).to_be_visible()
    _upload(page, word)
    # The request returned with the file only kept and queued: no worker has read it yet.
    expect(page.locator("#plan-import-stage")).to_have_text("Ждёт очереди…")
    methodist.shot("word-queued")
    assert PlanImport.objects.get().state == PlanImport.State.QUEUED
    # A worker of the heavy queue, where plan files are read (and the default one).
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["default", "heavy"]):
        # The page polls, then loads the preview in its place.
        expect(page.locator("#import-summary")).to_contain_text("Пунктов: 3", timeout=60_000)
        skipped = page.locator("#skipped-tables")
        expect(skipped).to_contain_text("Таблица 1")
        expect(skipped).to_contain_text("СОГЛАСОВАНО")
        expect(skipped).to_contain_text("Таблица 4")
        expect(skipped).to_contain_text("Муниципальный район")
        expect(page.locator("#preview-items")).to_contain_text("Методическое объединение")
        methodist.shot("word-preview")
        page.get_by_role("button", name="Импортировать план").click()
        page.wait_for_load_state()
        plan = Plan.objects.order_by("-pk").first()
        assert Plan.objects.count() == before + 1
        assert [i.number for i in plan.items.order_by("order")] == ["1.1.", "1.2.", "1.3."]
        assert plan.items.get(number="1.2.").recurrence == "weekly"

        page = methodist.go("/plans/import/")
        _upload(page, excel)
        expect(page.locator("#import-summary")).to_contain_text("Пунктов: 3")
        expect(page.locator("#preview-items")).to_contain_text("17.10.2024")
        expect(page.locator("#not-understood")).to_contain_text("по графику ОУ")
        methodist.shot("excel-preview")
        page.get_by_role("button", name="Импортировать план").click()
        page.wait_for_load_state()
        methodist.shot("excel-imported")
        plan = Plan.objects.order_by("-pk").first()
        assert plan.source_name == "План работы.xlsx"
        item = plan.items.get(number="1.1.")
        assert (item.timeframe_text, item.dates, item.organizers_text) == ("17.10.2024", ["2024-10-17"], "ИМЦ")
