"""Events that repeat are held more than once: occurrences from timeframes, their marks, feeds and counts."""

import io
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from innovation_portal import due
from innovation_portal.years import academic_year_of
from plans import selectors, services
from plans.models import Execution, PlanItemOccurrence
from plans.timeframes import occurrence_slots, parse_timeframe, recurrence_rule

from .factories import make_item, make_plan, make_section

YEAR = (date(2023, 9, 1), date(2024, 8, 31))


def _windows(text):
    tf = parse_timeframe(text, *YEAR)
    return [
        (s.first and f"{s.first:%d.%m}", s.last and f"{s.last:%d.%m}", s.exact)
        for s in occurrence_slots(tf.understood, tf.kind, tf.spans, tf.months, tf.recurrence)
    ]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("ежемесячно", 12),
        ("1 раз в 2 месяца", 6),
        ("не реже 1 раза в 2 месяца", 6),
        ("ежеквартально", 4),
        ("два раза в год", 2),
        ("2 раза в месяц", 24),
        ("еженедельно", 12),  # more often than monthly: marked once a month
        ("ежемесячно, октябрь - апрель", 7),
        ("в течение года", 1),
        ("октябрь, февраль, май", 3),
        ("октябрь - апрель", 1),
        ("10.10.2023, 15.11.2023", 2),
        ("10-12 октября", 1),
        ("до 10.02", 1),
        ("по графику ОУ", 1),
        ("", 1),
    ],
)
def test_a_timeframe_stands_for_so_many_occurrences(text, count):
    assert len(_windows(text)) == count


def test_occurrence_windows_say_when_each_is_held():
    assert _windows("октябрь, февраль, май") == [
        ("01.10", "31.10", False),
        ("01.02", "29.02", False),
        ("01.05", "31.05", False),
    ]
    assert _windows("два раза в год") == [("01.09", "29.02", False), ("01.03", "31.08", False)]
    assert _windows("10-12 октября") == [("10.10", "12.10", True)]
    assert _windows("по графику ОУ") == [(None, None, False)]  # not understood: the one undated mark
    assert recurrence_rule("every_2_months") == (1, 2) and recurrence_rule("weekly") is None


@pytest.fixture
def plan(world):
    return make_plan(world.district)


def test_a_saved_item_gets_its_occurrences_and_months(world, plan):
    item = make_item(make_section(plan), "Методический час", "октябрь, февраль, май")
    assert [o.first_day for o in item.occurrences.order_by("first_day")] == [
        date(2023, 10, 1),
        date(2024, 2, 1),
        date(2024, 5, 1),
    ]
    assert sorted(item.month_rows.values_list("month", flat=True)) == [
        date(2023, 10, 1),
        date(2024, 2, 1),
        date(2024, 5, 1),
    ]


def _retime(item, text):
    item.timeframe_text = text
    item.save(update_fields=["timeframe_text"])
    return services.refresh_item_timeframe(item)


def test_re_reading_a_timeframe_keeps_marks_and_flags_the_ones_no_longer_in_it(world, plan):
    by = world.users.methodist
    item = make_item(make_section(plan), "Семинар", "ежемесячно")
    october, november = list(item.occurrences.order_by("first_day"))[1:3]
    services.mark_occurrence(october, services.Mark("held", date(2023, 10, 12), participants=15), by=by)
    services.mark_occurrence(november, services.Mark("moved", date(2023, 12, 4)), by=by)

    _retime(item, "ежемесячно, октябрь - декабрь")
    first = sorted(item.occurrences.values_list("pk", "first_day", "execution"))
    assert [row[2] for row in first] == ["held", "moved", "planned"] and len(first) == 3
    _retime(item, "ежемесячно, октябрь - декабрь")  # again: nothing changes
    assert sorted(item.occurrences.values_list("pk", "first_day", "execution")) == first

    _retime(item, "март")  # neither October nor November is in the timeframe any more
    rows = {o.first_day: o for o in item.occurrences.all()}
    assert set(rows) == {date(2023, 10, 1), date(2023, 11, 1), date(2024, 3, 1)}
    assert rows[date(2023, 10, 1)].out_of_timeframe and rows[date(2023, 10, 1)].participants == 15
    assert rows[date(2023, 11, 1)].out_of_timeframe and rows[date(2023, 11, 1)].executed_on == date(2023, 12, 4)
    assert not rows[date(2024, 3, 1)].out_of_timeframe and rows[date(2024, 3, 1)].execution == "planned"

    _retime(item, "октябрь, март")  # October comes back: its mark is no longer flagged
    assert not item.occurrences.get(first_day=date(2023, 10, 1)).out_of_timeframe


def test_the_one_mark_of_a_timeframe_not_understood_moves_to_the_window_of_its_date(world, plan):
    item = make_item(make_section(plan), "Консультации", "по графику ОУ")
    undated = item.occurrences.get()
    assert undated.first_day is None
    services.mark_occurrence(undated, services.Mark("held", date(2023, 10, 12)), by=world.users.methodist)
    _retime(item, "октябрь, ноябрь")
    october = item.occurrences.get(pk=undated.pk)
    assert (october.first_day, october.execution, october.out_of_timeframe) == (date(2023, 10, 1), "held", False)
    assert item.occurrences.count() == 2


# --- A moved event leaves its old date in no feed -------------------------------------------


def _ics_days(content, title):
    events = [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT" and title in str(c["summary"])]
    return sorted(e.decoded("dtstart") for e in events)


def test_a_moved_event_is_shown_at_its_new_date_only(client, world, plan):
    item = make_item(make_section(plan), "Открытый урок", "10.10.2023, 15.11.2023", host=world.institution)
    october = item.occurrences.get(first_day=date(2023, 10, 10))
    services.mark_occurrence(october, services.Mark("moved", date(2023, 12, 6)), by=world.users.methodist)

    plan_feed = client.get(reverse("plans:plan_ics", args=[plan.pk])).content
    assert _ics_days(plan_feed, "Открытый урок") == [date(2023, 11, 15), date(2023, 12, 6)]
    institution_feed = client.get(reverse("plans:institution_ics", args=[world.institution.pk])).content
    assert _ics_days(institution_feed, "Открытый урок") == [date(2023, 11, 15), date(2023, 12, 6)]
    october_list = client.get(reverse("plans:this_month"), {"month": "2023-10"}).content.decode()
    december_list = client.get(reverse("plans:this_month"), {"month": "2023-12"}).content.decode()
    assert "Открытый урок" not in october_list and "Открытый урок" in december_list
    december = client.get(reverse("plans:calendar"), {"month": "2023-12"})
    days = {day: items for week in december.context["weeks"] for day, items, _in in week}
    assert [i.title for i in days[date(2023, 12, 6)]] == ["Открытый урок"]
    assert client.get(reverse("plans:calendar"), {"month": "2023-10"}).context["weeks"]
    october_days = {
        day: items
        for week in client.get(reverse("plans:calendar"), {"month": "2023-10"}).context["weeks"]
        for day, items, _in in week
    }
    assert october_days[date(2023, 10, 10)] == []


def test_the_home_page_follows_a_moved_event(world):
    plan = make_plan(world.district, period=academic_year_of().label)
    soon = timezone.localdate() + timedelta(days=1)
    item = make_item(make_section(plan), "Мастер-класс", soon.strftime("%d.%m.%Y"), host=world.institution)
    assert any("Мастер-класс" in i.title for i in due.items_for(world.users.coordinator))
    later = soon + timedelta(days=75)  # beyond this month and the next
    services.mark_occurrence(item.occurrences.get(), services.Mark("moved", later), by=world.users.coordinator)
    assert not any("Мастер-класс" in i.title for i in due.items_for(world.users.coordinator))


# --- The report counts occurrences ----------------------------------------------------------


def test_two_monthly_items_held_once_on_the_first_of_september(login, world, plan):
    """The issue's example: today's report said «проведено 2» in every month (24 held)."""
    section = make_section(plan)
    for title in ("Методический час", "Заседание КС"):
        item = make_item(section, title, "ежемесячно")
        september = item.occurrences.get(first_day=date(2023, 9, 1))
        services.mark_occurrence(september, services.Mark("held", date(2023, 9, 1)), by=world.users.methodist)
    xlsx = login(world.users.methodist).get(reverse("plans:report_xlsx", args=[plan.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Месяц") + 1
    table = {row[0]: row[1:6] for row in rows[start : start + 13]}
    assert table["Сентябрь 2023"] == (0, 2, 0, 0, 2)
    for month in ("Октябрь 2023", "Январь 2024", "Август 2024"):
        assert table[month] == (2, 0, 0, 0, 2)
    assert table["Всего"] == (22, 2, 0, 0, 24)


def test_a_month_to_come_is_never_counted_as_held():
    today = date(2023, 11, 15)
    occurrence = PlanItemOccurrence(first_day=date(2023, 12, 1), execution="held", executed_on=date(2023, 12, 5))
    assert occurrence.report_month(today) == (date(2023, 12, 1), "planned")
    assert occurrence.report_month(date(2023, 12, 5)) == (date(2023, 12, 1), "held")


def _direct_count(plan, today):
    """The same figures counted straight from the rows, not through the report's code."""
    counts = Counter()
    for execution, first_day, executed_on in PlanItemOccurrence.objects.filter(item__plan=plan).values_list(
        "execution", "first_day", "executed_on"
    ):
        if execution in ("held", "moved"):
            status = "planned" if execution == "held" and executed_on > today else execution
            counts[(executed_on.year, executed_on.month), status] += 1
        else:
            counts[(first_day.year, first_day.month) if first_day else None, execution] += 1
    return counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_agrees_with_a_count_from_the_models(login, world, plan, seed):
    chance = random.Random(seed)
    section = make_section(plan)
    texts = ["ежемесячно", "1 раз в 2 месяца", "в течение года", "октябрь, февраль, май", "10.10.2023", "по графику"]
    for n in range(12):
        make_item(section, f"Мероприятие {n}", chance.choice(texts))
    for occurrence in PlanItemOccurrence.objects.filter(item__plan=plan).order_by("pk"):
        day = occurrence.first_day or date(2023, 9, 1)
        mark = chance.choice(
            [None, None, services.Mark("held", day + timedelta(days=3)), services.Mark("moved", day + timedelta(40))]
            + [services.Mark("cancelled")]
        )
        if mark:
            services.mark_occurrence(occurrence, mark, by=world.users.methodist)
    today = timezone.localdate()
    expected = _direct_count(plan, today)
    rows, totals, total = selectors.tally(selectors.plan_occurrences([plan]), today).table()
    for month, counts, row_total in rows:
        key = (month.year, month.month) if month else None
        assert counts == [expected[key, status] for status in Execution.values]
        assert row_total == sum(counts)
    assert totals == [sum(c[i] for _m, c, _t in rows) for i in range(4)]
    assert total == sum(totals) == PlanItemOccurrence.objects.filter(item__plan=plan).count()
    # The XLSX shows the same figures.
    xlsx = login(world.users.methodist).get(reverse("plans:report_xlsx", args=[plan.pk]))
    sheet = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(sheet) if row[0] == "Месяц") + 1
    assert [list(row[1:6]) for row in sheet[start : start + len(rows) + 1]] == [
        [*counts, row_total] for _m, counts, row_total in rows
    ] + [[*totals, total]]
