"""A coordinator marks the occurrences of events her lyceum hosts; the feed and the report follow."""

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Plan, PlanItemOccurrence
from tests.applications.factories import PDF
from tests.journeys.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _occurrence(plan, timeframe, first_day):
    return PlanItemOccurrence.objects.get(
        item__plan=plan, item__timeframe_text=timeframe, item__host_institution__short_name="ГБОУ лицей № 590",
        first_day=first_day,
    )  # fmt: skip


def test_coordinator_marks_one_occurrence_held_and_moves_another(demo, visit):
    plan = Plan.objects.get(district__slug="krasnoselsky", period_label="2026/2027")
    october = _occurrence(plan, "ежемесячно", date(2026, 10, 1))
    february = _occurrence(plan, "октябрь, февраль, май", date(2027, 2, 1))
    coordinator = visit("coordinator@demo.local")
    page = coordinator.go("/")
    page.get_by_role("link", name="Мероприятия для отметки").first.click()
    expect(page.get_by_role("heading", name="Мероприятия для отметки")).to_be_visible()
    coordinator.shot("own-events")

    # October's methodological hour: held, 27 participants, the programme attached.
    page.locator(f"#occurrence-{october.pk}").get_by_role("link", name="Отметить").click()
    page.wait_for_url(f"**/plans/occurrences/{october.pk}/")
    page.select_option("[name=execution]", "held")
    page.fill("[name=executed_on]", "2026-10-15")
    page.fill("[name=participants]", "27")
    page.fill("[name=materials_url]", "https://school590.example.ru/oer/oct")
    page.set_input_files(
        "[name=materials_file]", files=[{"name": "Программа.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("[name=report]", "Провели методический час для педагогов трёх школ.")
    coordinator.shot("held-filled")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**/plans/my-events/**")
    row = page.locator(f"#occurrence-{october.pk}")
    expect(row).to_contain_text("проведено 15.10.2026")
    expect(row).to_contain_text("27 участников")
    expect(row).to_contain_text("Программа.pdf")

    # A held date still to come is refused, in Russian, keeping what was typed.
    page.locator(f"#occurrence-{february.pk}").get_by_role("link", name="Отметить").click()
    page.select_option("[name=execution]", "held")
    page.fill("[name=executed_on]", "2027-02-10")
    page.fill("[name=report]", "Заранее")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#occurrence-form")).to_contain_text("этот день ещё не наступил")
    expect(page.locator("[name=report]")).to_have_value("Заранее")
    coordinator.shot("future-held-refused")
    # February's meeting is moved to 11 March instead.
    page.select_option("[name=execution]", "moved")
    page.fill("[name=executed_on]", "2027-03-11")
    page.fill("[name=report]", "Перенесено из-за каникул.")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**/plans/my-events/**")
    expect(page.locator(f"#occurrence-{february.pk}")).to_contain_text("перенесено 11.03.2027")
    coordinator.shot("marked")

    october.refresh_from_db()
    february.refresh_from_db()
    assert (october.execution, october.participants, october.materials_file_name) == ("held", 27, "Программа.pdf")
    assert october.marked_by.email == "coordinator@demo.local"
    assert (february.execution, february.executed_on) == ("moved", date(2027, 3, 11))

    # The plan's calendar feed: February's meeting is on 11 March, February has no trace of it.
    feed = page.request.get(coordinator.base + f"/plans/{plan.pk}/calendar.ics")
    events = [c for c in Calendar.from_ical(feed.body()).walk() if c.name == "VEVENT"]
    meeting = [e for e in events if str(e["uid"]).startswith(f"plan-occurrence-{february.pk}@")]
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in meeting] == [(date(2027, 3, 11), date(2027, 3, 12))]
    title = february.item.title[:30]
    in_february = [e for e in events if title in str(e["summary"]) and e.decoded("dtstart").month == 2]
    assert in_february == []

    # The methodist sees who marked what, and the report counts it.
    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/plans/{plan.pk}/execution/?month=2026-10")
    item = page.locator(f"#item-{october.item_id}")
    expect(item.locator(f"#occurrence-{october.pk}")).to_contain_text("Васильева Елена Игоревна")
    page.locator("#execution-by-month summary").click()
    methodist.shot("execution-page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Отчёт о выполнении (PDF)").first.click()
    download = download_info.value
    pdf = Path(download.path())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "проведено 15.10.2026, 27 уч." in text
    assert "перенесено 11.03.2027" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "plan_occurrences-report.pdf").write_bytes(pdf.read_bytes())
