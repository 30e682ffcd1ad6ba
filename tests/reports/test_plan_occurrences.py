"""The dashboard and the annual report count the occurrences of plan events, never a month to come as held."""

import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from innovation_portal.years import academic_year_of
from plans import services
from plans.models import Execution
from reports.selectors import plan_execution
from tests.plans.factories import make_item, make_plan, make_section


def _current_plan_with_two_monthly_items_held_on_the_first_of_september(world):
    year = academic_year_of()
    plan = make_plan(world.district, period=year.label)
    section = make_section(plan)
    for title in ("Методический час", "Заседание КС"):
        item = make_item(section, title, "ежемесячно")
        september = item.occurrences.get(first_day=year.start)
        services.mark_occurrence(september, services.Mark("held", year.start), by=world.users.methodist)
    return year


def test_the_dashboard_counts_two_held_events_in_september_and_the_rest_planned(client, world):
    year = _current_plan_with_two_monthly_items_held_on_the_first_of_september(world)
    report = plan_execution(world.district, year.label)
    months = dict(report.months)
    assert months[year.start] == {Execution.HELD: 2}
    assert all(counts == {Execution.PLANNED: 2} for month, counts in report.months if month != year.start)
    assert report.totals == {"planned": 22, "held": 2, "moved": 0, "cancelled": 0}
    assert report.plans[0].held == 2 and report.plans[0].occurrence_count == 24
    today = timezone.localdate()
    held_in_future = [m for m, counts in report.months if m > today and counts.get(Execution.HELD)]
    assert held_in_future == []
    client.force_login(world.users.district_office)
    page = client.get(reverse("reports:dashboard"), {"district": world.district.pk, "year": year.label})
    assert "2 / 24" in page.content.decode()


def test_the_plan_execution_download_has_rows_that_sum_to_the_totals(client, world):
    year = _current_plan_with_two_monthly_items_held_on_the_first_of_september(world)
    client.force_login(world.users.district_office)
    response = client.get(
        reverse("reports:download", args=["plan-execution.xlsx"]), {"district": world.district.pk, "year": year.label}
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = next(s for s in book.worksheets if s.title == "Выполнение плана")
    rows = list(sheet.iter_rows(values_only=True))[1:]
    body, total = rows[:-1], rows[-1]
    assert len(body) == 12
    assert all(sum(row[1:5]) == row[5] for row in rows)
    assert list(total[1:6]) == [sum(row[i] for row in body) for i in range(1, 6)] == [22, 2, 0, 0, 24]
    assert body[0][0].lower().startswith("сентябрь") and body[0][1:6] == (0, 2, 0, 0, 2)
