"""Exports a user downloads: ICS feeds, PDF, XLSX and JSON of a plan."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from plans import services
from plans.importers.docx_reader import read_plan_docx
from plans.models import Execution, Plan
from tests.factories import DistrictFactory, InstitutionFactory

from .factories import ADMIRALTEYSKY_DOCX, PETROGRADSKY_DOCX, make_item, make_plan, make_section


@pytest.fixture
def plan(world):
    plan = make_plan(world.district)
    section = make_section(plan, "1.", "Повышение квалификации")
    make_item(section, "Семинар «Рука мастера»", "10.10.2023", host=world.institution)
    make_item(section, "Курсы", "октябрь - декабрь, март")
    make_item(section, "Консультации", "по графику ОУ")
    return plan


def _events(content):
    calendar = Calendar.from_ical(content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_plan_ics_has_all_day_events_for_dates_and_month_spans(client, plan):
    response = client.get(reverse("plans:plan_ics", args=[plan.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    events = {(str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend")) for e in _events(response.content)}
    assert ("1.1. Семинар «Рука мастера»", date(2023, 10, 10), date(2023, 10, 11)) in events
    # «октябрь - декабрь, март»: one event for October–December, one for March; free time.
    assert ("1.2. Курсы (октябрь - декабрь, март)", date(2023, 10, 1), date(2024, 1, 1)) in events
    assert ("1.2. Курсы (октябрь - декабрь, март)", date(2024, 3, 1), date(2024, 4, 1)) in events
    assert len(events) == 3  # the not-understood item is left out
    calendar = Calendar.from_ical(response.content)
    assert "Красносельский" in str(calendar["x-wr-calname"])
    seminar = next(e for e in _events(response.content) if "Рука" in str(e["summary"]))
    assert str(seminar["location"]) == "ГБОУ лицей № 590"
    assert str(seminar["url"]).endswith(f"/plans/{plan.pk}/#item-{plan.items.get(title__startswith='Семинар').pk}")


def test_institution_ics_lists_events_it_hosts_in_published_plans(client, world, plan):
    draft = make_plan(world.district, status=Plan.Status.DRAFT)
    make_item(make_section(draft), "Черновое мероприятие", "11.10.2023", host=world.institution)
    response = client.get(reverse("plans:institution_ics", args=[world.institution.pk]))
    assert [str(e["summary"]) for e in _events(response.content)] == ["1.1. Семинар «Рука мастера»"]
    other = client.get(reverse("plans:institution_ics", args=[world.other_institution.pk]))
    assert _events(other.content) == []


def test_cancelled_items_are_marked_cancelled_in_the_feed(client, world, plan):
    item = plan.items.get(title__startswith="Семинар")
    services.mark_occurrence(item.occurrences.get(), services.Mark(Execution.CANCELLED), by=world.users.methodist)
    events = _events(client.get(reverse("plans:plan_ics", args=[plan.pk])).content)
    seminar = next(e for e in events if "Рука" in str(e["summary"]))
    assert str(seminar["status"]) == "CANCELLED"


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_plan_pdf_is_landscape_with_title_table_legend_and_page_numbers(client, db):
    district = DistrictFactory()
    plan = services.import_plan(read_plan_docx(PETROGRADSKY_DOCX), district, "2019/2020")
    services.change_plan_status(plan, Plan.Status.PUBLISHED, by=None)
    response = client.get(reverse("plans:plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height
    text = " ".join(_pdf_text(response.content).split())
    assert "План мероприятий по сопровождению инновационной деятельности" in text
    assert "Повышение квалификации" in text and "Информационная поддержка" in text
    assert "октябрь - апрель" in text
    assert "ОО – отдел образования" in text
    assert f"1 / {len(reader.pages)}" in text
    assert len(reader.pages) >= 2


def test_plan_xlsx_has_header_sections_and_items(client, plan):
    response = client.get(reverse("plans:plan_xlsx", args=[plan.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == plan.title
    assert rows[3][:3] == ("№", "Мероприятие", "Сроки")
    assert rows[4][:2] == ("1.", "Повышение квалификации")
    assert rows[5][:3] == ("1.1.", "Семинар «Рука мастера»", "10.10.2023")
    assert rows[5][-1] == "ГБОУ лицей № 590"
    assert [r[0] for r in rows[4:]] == ["1.", "1.1.", "1.2.", "1.3."]


def test_json_export_command_prints_the_documented_shape(db, capsys):
    district = DistrictFactory(name="Адмиралтейский район", short_name="Адмиралтейский", slug="admiralteysky")
    InstitutionFactory(district=district, number="287", short_name="ГБОУ № 287")
    plan = services.import_plan(read_plan_docx(ADMIRALTEYSKY_DOCX), district, "2023/2024")
    call_command("export_plan", str(plan.pk), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"title", "district", "period", "sections"}
    assert data["district"] == "Адмиралтейский район"
    assert data["period"] == {"start": "2023-09-01", "end": "2024-08-31"}
    assert len(data["sections"]) == 7
    section = data["sections"][3]
    assert set(section) == {"number", "title", "items"}
    parent = next(i for i in section["items"] if i["number"] == "4.12.")
    assert len(parent["children"]) == 19
    child = parent["children"][0]
    assert set(child) == {
        "number", "title", "timeframe", "understood", "months", "dates", "audience",
        "organizers", "responsible", "expected_result", "children",
    }  # fmt: skip
    assert (child["timeframe"], child["understood"], child["months"], child["dates"]) == (
        "10.10.2023", True, ["2023-10"], ["2023-10-10"],
    )  # fmt: skip
    first = data["sections"][0]["items"][0]
    assert first["timeframe"] == "в течение года" and first["dates"] == [] and len(first["months"]) == 12
    assert sum(len(s["items"]) for s in data["sections"]) == 73 - 19


def test_json_download_matches_the_command(client, plan):
    response = client.get(reverse("plans:plan_json", args=[plan.pk]))
    data = json.loads(response.content)
    assert data["sections"][0]["items"][1]["months"] == ["2023-10", "2023-11", "2023-12", "2024-03"]
