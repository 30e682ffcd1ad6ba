"""Reading plan timeframes: every timeframe of the two seed plans, then each form on its own.

Plain pytest without Django: plans.timeframes is a pure-Python module.
"""

import json
from datetime import date
from typing import NamedTuple

import pytest

from plans.timeframes import Kind, Timeframe, parse_timeframe

PETROGRADSKY = (date(2019, 9, 1), date(2020, 8, 31))  # plan-petrogradsky-2019-2020.txt
ADMIRALTEYSKY = (date(2023, 9, 1), date(2024, 8, 31))  # plan-admiralteysky-2023-2024.txt
SCHOOL_YEAR_2022 = (date(2022, 9, 1), date(2023, 8, 31))
CALENDAR_2023 = (date(2023, 1, 1), date(2023, 12, 31))
CALENDAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
ROADMAP_2022_2024 = (date(2022, 9, 1), date(2024, 6, 30))  # longer than a year


def span(first: str, last: str) -> list[tuple[int, int]]:
    """Every month from "YYYY-MM" to "YYYY-MM", both included."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months(*labels: str) -> list[tuple[int, int]]:
    return [tuple(map(int, label.split("-"))) for label in labels]


def days(*labels: str) -> list[date]:
    return [date.fromisoformat(label) for label in labels]


def read(text, period=ADMIRALTEYSKY) -> Timeframe:
    return parse_timeframe(text, period_start=period[0], period_end=period[1])


def not_understood(tf: Timeframe) -> bool:
    return (tf.understood, tf.kind, tf.months, tf.dates, tf.deadline) == (False, Kind.UNKNOWN, [], [], None)


# --- The seed plans, row by row -----------------------------------------------------------

PLANS = {"petrogradsky": PETROGRADSKY, "admiralteysky": ADMIRALTEYSKY}

# (plan, item, timeframe cell as extracted). Petrogradsky numbers items per section, so the
# section number comes first. Line breaks inside a cell are kept as the text extraction left
# them (narrow Word columns), trailing spaces dropped.
SEED_ROWS = [
    ("petrogradsky", "1.1", "октябрь - апрель"),
    ("petrogradsky", "1.2", "ежемесячно"),
    ("petrogradsky", "1.3", "по графику ОУ"),
    ("petrogradsky", "1.4", "в течение года"),
    ("petrogradsky", "1.5", "сентябрь - март"),
    ("petrogradsky", "2.1", "июнь-август"),
    ("petrogradsky", "2.2", "август"),
    ("petrogradsky", "2.3", "август-октябрь"),
    ("petrogradsky", "2.4", "по графику конкурсов"),
    ("petrogradsky", "2.5", "март, июнь"),
    ("petrogradsky", "2.6", "сентябрь - апрель"),
    ("petrogradsky", "2.7", "ноябрь - февраль"),
    ("petrogradsky", "2.8", "ноябрь - февраль"),
    ("petrogradsky", "2.9", "февраль"),
    ("petrogradsky", "2.10", "январь-март"),
    ("petrogradsky", "2.12", "февраль-март"),
    ("petrogradsky", "2.13", "октябрь, февраль, май"),
    ("petrogradsky", "2.14", "1 раз в 2 месяца"),
    ("petrogradsky", "3.1", "февраль-май"),
    ("petrogradsky", "3.2", "декабрь-май"),
    ("petrogradsky", "3.3", "апрель"),
    ("petrogradsky", "3.4", "апрель - июнь"),
    ("petrogradsky", "3.6", "май - июнь"),
    ("petrogradsky", "4.1", "в течение года"),
    ("petrogradsky", "4.2", "октябрь - ноябрь"),
    ("petrogradsky", "4.3", "ноябрь-декабрь"),
    ("petrogradsky", "4.4", "ежемесячно"),
    ("petrogradsky", "4.5", "ежемесячно"),
    ("admiralteysky", "1.1", "в течение\nгода"),
    ("admiralteysky", "1.2", "в течение\nгода"),
    ("admiralteysky", "1.3", "июль -август"),
    ("admiralteysky", "1.4", "апрель-май"),
    ("admiralteysky", "1.5", "май-июнь"),
    ("admiralteysky", "2.1", "не реже\n1 раза в 2\nмесяца"),
    ("admiralteysky", "2.2", "2 раза в год"),
    ("admiralteysky", "2.3", "не реже\n 1 раза в 2\nмесяца"),
    ("admiralteysky", "2.4", "в течение\nгода"),
    ("admiralteysky", "2.5", "по графику"),
    ("admiralteysky", "2.6", "февраль-\nапрель"),
    ("admiralteysky", "2.7", "по графику"),
    ("admiralteysky", "2.8", "март- июнь"),
    ("admiralteysky", "2.9", "в течение\nгода"),
    ("admiralteysky", "2.10", "в течение\nгода"),
    ("admiralteysky", "2.11", "в течение\nгода"),
    ("admiralteysky", "2.12", "январь"),
    ("admiralteysky", "2.13", "ноябрь"),
    ("admiralteysky", "3.1", "в течение\nгода"),
    ("admiralteysky", "3.2", "Не менее 1\nраза в 3\nмесяца"),
    ("admiralteysky", "3.3", "в течение\nгода"),
    ("admiralteysky", "3.4", "в течение\nгода"),
    ("admiralteysky", "4.1", "в течение\nгода"),
    ("admiralteysky", "4.2", "в течение\nгода"),
    ("admiralteysky", "4.3", "декабрь"),
    ("admiralteysky", "4.4 (конференция)", "февраль"),
    ("admiralteysky", "4.4 (конкурс)", "февраль-май"),
    ("admiralteysky", "4.5", "апрель"),
    ("admiralteysky", "4.6", "февраль"),
    ("admiralteysky", "4.7", "май"),
    ("admiralteysky", "4.8", "июнь"),
    ("admiralteysky", "4.9", "в течение\nгода"),
    ("admiralteysky", "4.10", "в течение\nгода"),
    ("admiralteysky", "4.11", "ежемесячно"),
    ("admiralteysky", "4.12.1", "10.10.2023"),
    ("admiralteysky", "4.12.2", "11.10.2023"),
    ("admiralteysky", "4.12.3", "19.10.2023"),
    ("admiralteysky", "4.12.4", "31.10.2023"),
    ("admiralteysky", "4.12.5", "31.10.2023"),
    ("admiralteysky", "4.12.6", "01.11.2023"),
    ("admiralteysky", "4.12.7", "02.11.2023"),
    ("admiralteysky", "4.12.8", "02.11.2023"),
    ("admiralteysky", "4.12.9", "03.11.2023"),
    ("admiralteysky", "4.12.10", "01.12.2023"),
    ("admiralteysky", "4.12.11", "13.12.2023"),
    ("admiralteysky", "4.12.12", "13.12.2023"),
    ("admiralteysky", "4.12.13", "15.12.2023"),
    ("admiralteysky", "4.12.14", "19.01.2024"),
    ("admiralteysky", "4.12.15", "07.02.2024"),
    ("admiralteysky", "4.12.16", "25.03.2024"),
    ("admiralteysky", "4.12.17", "10.04.2024"),
    ("admiralteysky", "4.12.18", "16.04.2024"),
    ("admiralteysky", "4.12.19", "17.04.2024"),
    ("admiralteysky", "5.1", "сентябрь-\nфевраль"),
    ("admiralteysky", "5.2", "март"),
    ("admiralteysky", "5.3", "апрель"),
    ("admiralteysky", "5.4", "апрель"),
    ("admiralteysky", "5.5", "июнь"),
    ("admiralteysky", "5.6", "май-июнь"),
    ("admiralteysky", "5.7", "май"),
    ("admiralteysky", "5.8", "февраль"),
    ("admiralteysky", "5.9", "в течение\nгода"),
    ("admiralteysky", "6.1", "апрель – май"),
    ("admiralteysky", "6.2", "апрель – май"),
    ("admiralteysky", "6.3", "в течение\nгода"),
    ("admiralteysky", "6.4", "в течение\nгода"),
    ("admiralteysky", "6.5", "в течение\nгода"),
    ("admiralteysky", "7.1", "июнь"),
    ("admiralteysky", "7.2", "февраль май"),
    ("admiralteysky", "7.3", "июнь,\nсентябрь"),
    ("admiralteysky", "7.4", "ежемесячно"),
    ("admiralteysky", "7.5", "май"),
]


class Expected(NamedTuple):
    kind: str
    months: list[tuple[int, int]]
    dates: list[date] = []
    recurrence: str | None = None


def on_day(label: str) -> Expected:
    day = date.fromisoformat(label)
    return Expected(Kind.DATES, [(day.year, day.month)], [day])


PG_YEAR = span("2019-09", "2020-08")
ADM_YEAR = span("2023-09", "2024-08")

SEED_EXPECTED = {
    ("petrogradsky", "октябрь - апрель"): Expected(Kind.MONTHS, span("2019-10", "2020-04")),
    ("petrogradsky", "ежемесячно"): Expected(Kind.RECURRING, PG_YEAR, recurrence="monthly"),
    ("petrogradsky", "в течение года"): Expected(Kind.WHOLE_PERIOD, PG_YEAR),
    ("petrogradsky", "сентябрь - март"): Expected(Kind.MONTHS, span("2019-09", "2020-03")),
    ("petrogradsky", "июнь-август"): Expected(Kind.MONTHS, span("2020-06", "2020-08")),
    ("petrogradsky", "август"): Expected(Kind.MONTHS, months("2020-08")),
    # Consultations before the 2019 city contest: August–October 2019, so only September and
    # October lie inside the 2019/2020 plan (the range crosses the period's edge; see the module).
    ("petrogradsky", "август-октябрь"): Expected(Kind.MONTHS, months("2019-09", "2019-10")),
    ("petrogradsky", "март, июнь"): Expected(Kind.MONTHS, months("2020-03", "2020-06")),
    ("petrogradsky", "сентябрь - апрель"): Expected(Kind.MONTHS, span("2019-09", "2020-04")),
    ("petrogradsky", "ноябрь - февраль"): Expected(Kind.MONTHS, span("2019-11", "2020-02")),
    ("petrogradsky", "февраль"): Expected(Kind.MONTHS, months("2020-02")),
    ("petrogradsky", "январь-март"): Expected(Kind.MONTHS, span("2020-01", "2020-03")),
    ("petrogradsky", "февраль-март"): Expected(Kind.MONTHS, span("2020-02", "2020-03")),
    ("petrogradsky", "октябрь, февраль, май"): Expected(Kind.MONTHS, months("2019-10", "2020-02", "2020-05")),
    ("petrogradsky", "1 раз в 2 месяца"): Expected(Kind.RECURRING, PG_YEAR, recurrence="every_2_months"),
    ("petrogradsky", "февраль-май"): Expected(Kind.MONTHS, span("2020-02", "2020-05")),
    ("petrogradsky", "декабрь-май"): Expected(Kind.MONTHS, span("2019-12", "2020-05")),
    ("petrogradsky", "апрель"): Expected(Kind.MONTHS, months("2020-04")),
    ("petrogradsky", "апрель - июнь"): Expected(Kind.MONTHS, span("2020-04", "2020-06")),
    ("petrogradsky", "май - июнь"): Expected(Kind.MONTHS, span("2020-05", "2020-06")),
    ("petrogradsky", "октябрь - ноябрь"): Expected(Kind.MONTHS, span("2019-10", "2019-11")),
    ("petrogradsky", "ноябрь-декабрь"): Expected(Kind.MONTHS, span("2019-11", "2019-12")),
    ("admiralteysky", "в течение\nгода"): Expected(Kind.WHOLE_PERIOD, ADM_YEAR),
    ("admiralteysky", "июль -август"): Expected(Kind.MONTHS, span("2024-07", "2024-08")),
    ("admiralteysky", "апрель-май"): Expected(Kind.MONTHS, span("2024-04", "2024-05")),
    ("admiralteysky", "май-июнь"): Expected(Kind.MONTHS, span("2024-05", "2024-06")),
    ("admiralteysky", "не реже\n1 раза в 2\nмесяца"): Expected(Kind.RECURRING, ADM_YEAR, recurrence="every_2_months"),
    ("admiralteysky", "не реже\n 1 раза в 2\nмесяца"): Expected(Kind.RECURRING, ADM_YEAR, recurrence="every_2_months"),
    ("admiralteysky", "2 раза в год"): Expected(Kind.RECURRING, ADM_YEAR, recurrence="twice_a_year"),
    ("admiralteysky", "февраль-\nапрель"): Expected(Kind.MONTHS, span("2024-02", "2024-04")),
    ("admiralteysky", "март- июнь"): Expected(Kind.MONTHS, span("2024-03", "2024-06")),
    ("admiralteysky", "январь"): Expected(Kind.MONTHS, months("2024-01")),
    ("admiralteysky", "ноябрь"): Expected(Kind.MONTHS, months("2023-11")),
    # «Не менее 1 раза в 3 месяца» is once a quarter at least.
    ("admiralteysky", "Не менее 1\nраза в 3\nмесяца"): Expected(Kind.RECURRING, ADM_YEAR, recurrence="quarterly"),
    ("admiralteysky", "декабрь"): Expected(Kind.MONTHS, months("2023-12")),
    ("admiralteysky", "февраль"): Expected(Kind.MONTHS, months("2024-02")),
    ("admiralteysky", "февраль-май"): Expected(Kind.MONTHS, span("2024-02", "2024-05")),
    ("admiralteysky", "апрель"): Expected(Kind.MONTHS, months("2024-04")),
    ("admiralteysky", "май"): Expected(Kind.MONTHS, months("2024-05")),
    ("admiralteysky", "июнь"): Expected(Kind.MONTHS, months("2024-06")),
    ("admiralteysky", "ежемесячно"): Expected(Kind.RECURRING, ADM_YEAR, recurrence="monthly"),
    ("admiralteysky", "10.10.2023"): on_day("2023-10-10"),
    ("admiralteysky", "11.10.2023"): on_day("2023-10-11"),
    ("admiralteysky", "19.10.2023"): on_day("2023-10-19"),
    ("admiralteysky", "31.10.2023"): on_day("2023-10-31"),
    ("admiralteysky", "01.11.2023"): on_day("2023-11-01"),
    ("admiralteysky", "02.11.2023"): on_day("2023-11-02"),
    ("admiralteysky", "03.11.2023"): on_day("2023-11-03"),
    ("admiralteysky", "01.12.2023"): on_day("2023-12-01"),
    ("admiralteysky", "13.12.2023"): on_day("2023-12-13"),
    ("admiralteysky", "15.12.2023"): on_day("2023-12-15"),
    ("admiralteysky", "19.01.2024"): on_day("2024-01-19"),
    ("admiralteysky", "07.02.2024"): on_day("2024-02-07"),
    ("admiralteysky", "25.03.2024"): on_day("2024-03-25"),
    ("admiralteysky", "10.04.2024"): on_day("2024-04-10"),
    ("admiralteysky", "16.04.2024"): on_day("2024-04-16"),
    ("admiralteysky", "17.04.2024"): on_day("2024-04-17"),
    ("admiralteysky", "сентябрь-\nфевраль"): Expected(Kind.MONTHS, span("2023-09", "2024-02")),
    ("admiralteysky", "март"): Expected(Kind.MONTHS, months("2024-03")),
    ("admiralteysky", "апрель – май"): Expected(Kind.MONTHS, span("2024-04", "2024-05")),
    # A questionnaire in June and in September of the same school year: each month in its year.
    ("admiralteysky", "июнь,\nсентябрь"): Expected(Kind.MONTHS, months("2023-09", "2024-06")),
}

# Seed timeframes deliberately left not understood: (why, a fragment of the note that says so).
SEED_FLAGGED = {
    ("petrogradsky", "по графику ОУ"): ("dates are in each school's own schedule", "задаются отдельно"),
    ("petrogradsky", "по графику конкурсов"): ("dates are in the contests' schedule", "задаются отдельно"),
    ("admiralteysky", "по графику"): ("the schedule is not in the plan", "задаются отдельно"),
    # The same monitoring item reads «февраль-май» in the Petrogradsky plan, but here the
    # separator is lost: a list (February and May) and a range (February to May) differ.
    ("admiralteysky", "февраль май"): ("no separator: list or range?", "без разделителя"),
}

UNDERSTOOD_ROWS = [row for row in SEED_ROWS if row[::2] in SEED_EXPECTED]
FLAGGED_ROWS = [row for row in SEED_ROWS if row[::2] in SEED_FLAGGED]


def row_id(row) -> str:
    return f"{row[0]}-{row[1]}"


def test_every_seed_row_is_either_read_or_flagged():
    assert len(SEED_ROWS) == 28 + 72
    unclassified = [row for row in SEED_ROWS if row[::2] not in SEED_EXPECTED and row[::2] not in SEED_FLAGGED]
    assert unclassified == []
    assert SEED_EXPECTED.keys() & SEED_FLAGGED.keys() == set()
    assert len(UNDERSTOOD_ROWS) + len(FLAGGED_ROWS) == len(SEED_ROWS)


@pytest.mark.parametrize(("plan", "item", "text"), UNDERSTOOD_ROWS, ids=map(row_id, UNDERSTOOD_ROWS))
def test_seed_timeframe_is_understood(plan, item, text):
    expected = SEED_EXPECTED[plan, text]
    tf = parse_timeframe(text, *PLANS[plan])

    assert tf.understood, tf.note
    assert (tf.kind, tf.months, tf.dates, tf.recurrence) == tuple(expected)
    assert tf.deadline is None


@pytest.mark.parametrize(("plan", "item", "text"), FLAGGED_ROWS, ids=map(row_id, FLAGGED_ROWS))
def test_seed_timeframe_is_flagged_for_a_methodist(plan, item, text):
    _why, note_fragment = SEED_FLAGGED[plan, text]
    tf = parse_timeframe(text, *PLANS[plan])

    assert not_understood(tf)
    assert note_fragment in tf.note


def test_seed_notes_say_what_was_understood():
    assert read("октябрь - апрель", PETROGRADSKY).note == "октябрь 2019 – апрель 2020"
    assert read("ежемесячно").note == "ежемесячно, сентябрь 2023 – август 2024"
    assert read("в течение\nгода").note == "весь период, сентябрь 2023 – август 2024"
    assert read("10.10.2023").note == "даты: 10.10.2023"
    assert read("август-октябрь", PETROGRADSKY).note == "сентябрь – октябрь 2019; часть вне периода плана отброшена"
    assert read("по графику ОУ").note == "не распознано: «по графику ОУ» — сроки задаются отдельно"


# --- Months: every grammatical form --------------------------------------------------------

MONTH_FORMS = [
    (("январь", "января", "январе", "Январь", "янв"), "2024-01"),
    (("февраль", "февраля", "феврале", "фев", "февр."), "2024-02"),
    (("март", "марта", "марте", "мар"), "2024-03"),
    (("апрель", "апреля", "апреле", "апр."), "2024-04"),
    (("май", "мая", "мае", "МАЙ"), "2024-05"),
    (("июнь", "июня", "июне", "июн"), "2024-06"),
    (("июль", "июля", "июле", "июл"), "2024-07"),
    (("август", "августа", "августе", "авг"), "2024-08"),
    (("сентябрь", "сентября", "сентябре", "сен", "сент."), "2023-09"),
    (("октябрь", "октября", "октябре", "окт."), "2023-10"),
    (("ноябрь", "ноября", "ноябре", "нояб", "ноя"), "2023-11"),
    (("декабрь", "декабря", "декабре", "дек"), "2023-12"),
]


@pytest.mark.parametrize(("word", "month"), [(word, month) for forms, month in MONTH_FORMS for word in forms])
def test_month_in_any_form_maps_into_the_school_year(word, month):
    tf = read(word)

    assert (tf.understood, tf.kind, tf.months, tf.dates) == (True, Kind.MONTHS, months(month), [])


@pytest.mark.parametrize("text", ["в марте", "начало марта", "в конце марта", "середина марта", "в течение марта"])
def test_part_of_a_month_gives_the_whole_month(text):
    assert (read(text).kind, read(text).months) == (Kind.MONTHS, months("2024-03"))


# --- Ranges, lists, spaces and dashes ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "октябрь - апрель",
        "октябрь-апрель",
        "октябрь -апрель",
        "октябрь- апрель",
        "октябрь – апрель",
        "октябрь—апрель",
        "октябрь ‒ апрель",
        "октябрь − апрель",
        "октябрь\u00a0–\u00a0апрель",
        "  октябрь   -\tапрель  ",
        "ОКТЯБРЬ - АПРЕЛЬ",
        "Октябрь-Апрель.",
        "окт. - апр.",
        "с октября по апрель",
        "С октября по апрель",
        "октябрь по апрель",
        "(октябрь - апрель)",
    ],
)
def test_month_range_in_any_spelling(text):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.months, tf.dates) == (True, Kind.MONTHS, span("2023-10", "2024-04"), [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("октябрь, февраль, май", months("2023-10", "2024-02", "2024-05")),
        ("ноябрь и март", months("2023-11", "2024-03")),
        ("ноябрь; март", months("2023-11", "2024-03")),
        ("май, ноябрь", months("2023-11", "2024-05")),
        ("октябрь - ноябрь, март - апрель", months("2023-10", "2023-11", "2024-03", "2024-04")),
        ("сентябрь - октябрь 2023", span("2023-09", "2023-10")),
    ],
)
def test_lists_of_months(text, expected):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.months) == (True, Kind.MONTHS, expected)


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("с октября", ADMIRALTEYSKY, span("2023-10", "2024-08")),
        ("с марта", ADMIRALTEYSKY, span("2024-03", "2024-08")),
        ("с сентября", CALENDAR_2024, span("2024-09", "2024-12")),
    ],
)
def test_from_a_month_runs_to_the_end_of_the_period(text, period, expected):
    tf = read(text, period)

    assert (tf.understood, tf.kind, tf.months) == (True, Kind.MONTHS, expected)


def test_explicit_years_are_honoured():
    tf = read("Сентябрь 2022-июнь 2023", SCHOOL_YEAR_2022)

    assert (tf.understood, tf.kind, tf.months) == (True, Kind.MONTHS, span("2022-09", "2023-06"))


def test_explicit_years_carry_through_a_list():
    assert read("Сентябрь 2022, март, июнь 2023", SCHOOL_YEAR_2022).months == months("2022-09", "2023-03", "2023-06")
    # In a roadmap longer than a year «март» alone is ambiguous; the years around it decide.
    assert read("Сентябрь 2022, март, июнь 2023", ROADMAP_2022_2024).months == months("2022-09", "2023-03", "2023-06")
    assert read("март, июнь 2024", ROADMAP_2022_2024).months == months("2024-03", "2024-06")
    assert read("ноябрь 2022 - февраль", ROADMAP_2022_2024).months == span("2022-11", "2023-02")


def test_a_month_without_year_in_a_roadmap_longer_than_a_year_is_not_guessed():
    tf = read("октябрь", ROADMAP_2022_2024)

    assert not_understood(tf)
    assert "к какому году" in tf.note


def test_parts_outside_the_period_are_clipped():
    tf = read("Сентябрь 2022-июнь 2023", CALENDAR_2023)

    assert (tf.understood, tf.months) == (True, span("2023-01", "2023-06"))
    assert "вне периода" in tf.note


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Сентябрь 2022-июнь 2023", ADMIRALTEYSKY),
        ("10.10.2022", ADMIRALTEYSKY),
        ("2 квартал 2023", ADMIRALTEYSKY),
        ("март", (date(2023, 9, 1), date(2023, 12, 31))),
    ],
)
def test_nothing_left_inside_the_period_is_not_understood(text, period):
    tf = read(text, period)

    assert not_understood(tf)
    assert "вне периода" in tf.note


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("май - сентябрь", ADMIRALTEYSKY, span("2024-05", "2024-08")),  # four months in 2024, one in 2023
        ("август-октябрь", PETROGRADSKY, span("2019-09", "2019-10")),
        ("сентябрь - май", CALENDAR_2024, span("2024-01", "2024-05")),
    ],
)
def test_a_range_crossing_the_edge_of_the_period_goes_where_most_of_it_lies(text, period, expected):
    tf = read(text, period)

    assert (tf.understood, tf.months) == (True, expected)
    assert "часть вне периода" in tf.note


@pytest.mark.parametrize(("text", "period"), [("июль-октябрь", ADMIRALTEYSKY), ("ноябрь - февраль", CALENDAR_2024)])
def test_a_range_that_fits_two_years_equally_is_not_guessed(text, period):
    tf = read(text, period)

    assert not_understood(tf)
    assert "к какому году" in tf.note


@pytest.mark.parametrize(
    ("text", "school_year", "calendar_year"),
    [
        ("сентябрь", months("2023-09"), months("2024-09")),
        ("март, сентябрь", months("2023-09", "2024-03"), months("2024-03", "2024-09")),
        ("октябрь - декабрь", span("2023-10", "2023-12"), span("2024-10", "2024-12")),
        ("январь-май", span("2024-01", "2024-05"), span("2024-01", "2024-05")),
    ],
)
def test_school_year_and_calendar_year_periods(text, school_year, calendar_year):
    assert read(text, ADMIRALTEYSKY).months == school_year
    assert read(text, CALENDAR_2024).months == calendar_year


def test_whole_period_in_a_calendar_year():
    tf = read("в течение года", CALENDAR_2024)

    assert (tf.kind, tf.months) == (Kind.WHOLE_PERIOD, span("2024-01", "2024-12"))


# --- Weeks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month", "note"),
    [
        ("март, первая неделя", "2024-03", "март 2024, 1-я неделя"),
        ("апрель, четвертая и пятая недели", "2024-04", "апрель 2024, 4-я и 5-я недели"),
        ("апрель, четвёртая и пятая недели", "2024-04", "апрель 2024, 4-я и 5-я недели"),
        ("1-я неделя октября", "2023-10", "октябрь 2023, 1-я неделя"),
        ("первая неделя марта", "2024-03", "март 2024, 1-я неделя"),
        ("2-3 неделя ноября", "2023-11", "ноябрь 2023, 2-я и 3-я недели"),
        ("последняя неделя мая", "2024-05", "май 2024, последняя неделя"),
    ],
)
def test_weeks_give_their_month_only(text, month, note):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.months, tf.dates) == (True, Kind.WEEKS, months(month), [])
    assert tf.note == note


@pytest.mark.parametrize("text", ["первая неделя", "неделя", "шестая неделя марта"])
def test_weeks_without_a_month_are_not_understood(text):
    assert not_understood(read(text))


# --- Exact dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.10.2023", days("2023-10-10")),
        ("26.10.2023 г.", days("2023-10-26")),
        ("26.10.2023г", days("2023-10-26")),
        ("10.10.23", days("2023-10-10")),
        ("17 ноября 2023", days("2023-11-17")),
        ("17 ноября 2023 года", days("2023-11-17")),
        ("17 ноября", days("2023-11-17")),
        ("15.11.2023, 20.03.2024", days("2023-11-15", "2024-03-20")),
        ("(16.02; 20.04; 12.10; 07.12)", days("2023-10-12", "2023-12-07", "2024-02-16", "2024-04-20")),
        ("10-12 октября", days("2023-10-10", "2023-10-11", "2023-10-12")),
        ("10 – 12 октября", days("2023-10-10", "2023-10-11", "2023-10-12")),
        ("с 10 по 12 октября", days("2023-10-10", "2023-10-11", "2023-10-12")),
        ("10, 12 и 15 октября", days("2023-10-10", "2023-10-12", "2023-10-15")),
        ("30.12.2023 - 02.01.2024", days("2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02")),
        ("29.02", days("2024-02-29")),
    ],
)
def test_exact_dates(text, expected):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.dates) == (True, Kind.DATES, expected)
    assert tf.months == sorted({(day.year, day.month) for day in expected})


def test_a_long_stretch_between_dates_lists_the_two_named_days_and_all_months():
    tf = read("15.10.2023 - 20.12.2023")

    assert (tf.kind, tf.dates, tf.months) == (Kind.DATES, days("2023-10-15", "2023-12-20"), span("2023-10", "2023-12"))
    assert tf.note == "даты: 15.10.2023 – 20.12.2023"


def test_a_date_without_year_in_a_calendar_year():
    assert read("10.02", CALENDAR_2024).dates == days("2024-02-10")
    assert read("10.10", CALENDAR_2024).dates == days("2024-10-10")


def test_dates_and_months_together_are_months_with_the_dates_kept():
    tf = read("10.10.2023, ноябрь")

    assert (tf.kind, tf.months, tf.dates) == (Kind.MONTHS, span("2023-10", "2023-11"), days("2023-10-10"))


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("31.02", ADMIRALTEYSKY),
        ("30.02.2024", ADMIRALTEYSKY),
        ("29.02.2023", CALENDAR_2023),
        ("29.02", CALENDAR_2023),
        ("32.01", ADMIRALTEYSKY),
        ("10.13", ADMIRALTEYSKY),
        ("00.10.2023", ADMIRALTEYSKY),
        ("31 ноября", ADMIRALTEYSKY),
        ("до 31.04", ADMIRALTEYSKY),
    ],
)
def test_invalid_dates_are_not_understood(text, period):
    tf = read(text, period)

    assert not_understood(tf)
    assert "несуществующая дата" in tf.note


def test_a_range_that_ends_before_it_starts_is_not_understood():
    assert not_understood(read("12.10.2023 - 10.10.2023"))


# --- Deadlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("до 10.02", ADMIRALTEYSKY, date(2024, 2, 10)),
        ("до 10.02.2024 г.", ADMIRALTEYSKY, date(2024, 2, 10)),
        ("до 20 мая", ADMIRALTEYSKY, date(2024, 5, 20)),
        ("Не позднее 15.04", ADMIRALTEYSKY, date(2024, 4, 15)),
        ("в срок до 1 ноября", ADMIRALTEYSKY, date(2023, 11, 1)),
        ("до конца мая", ADMIRALTEYSKY, date(2024, 5, 31)),
        ("до 10.10", CALENDAR_2024, date(2024, 10, 10)),
    ],
)
def test_deadlines(text, period, expected):
    tf = read(text, period)

    assert (tf.understood, tf.kind, tf.deadline) == (True, Kind.DEADLINE, expected)
    assert (tf.dates, tf.months) == ([expected], [(expected.year, expected.month)])
    assert tf.note == f"срок — до {expected:%d.%m.%Y}"


@pytest.mark.parametrize("text", ["до мая", "до 10.02.2025", "до 10.02, по графику", "до 10.02 и 20.03"])
def test_unclear_deadlines_are_not_understood(text):
    assert not_understood(read(text))


# --- Quarters and half-years ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("2 квартал 2023", CALENDAR_2023, span("2023-04", "2023-06")),
        ("2 квартал 2023", SCHOOL_YEAR_2022, span("2023-04", "2023-06")),
        ("во 2 квартале 2023 года", CALENDAR_2023, span("2023-04", "2023-06")),
        ("II квартал", ADMIRALTEYSKY, span("2024-04", "2024-06")),
        ("IV квартал", ADMIRALTEYSKY, span("2023-10", "2023-12")),
        ("I квартал 2024 г.", ADMIRALTEYSKY, span("2024-01", "2024-03")),
        ("первый квартал", CALENDAR_2024, span("2024-01", "2024-03")),
        ("1-2 квартал", CALENDAR_2024, span("2024-01", "2024-06")),
        ("1 и 3 квартал", CALENDAR_2024, months("2024-01", "2024-02", "2024-03", "2024-07", "2024-08", "2024-09")),
        ("1 полугодие", ADMIRALTEYSKY, span("2023-09", "2023-12")),
        ("2 полугодие", ADMIRALTEYSKY, span("2024-01", "2024-08")),
        ("1-е полугодие", CALENDAR_2024, span("2024-01", "2024-06")),
        ("II полугодие", CALENDAR_2024, span("2024-07", "2024-12")),
        ("1 полугодие 2024", ADMIRALTEYSKY, span("2024-01", "2024-06")),
    ],
)
def test_quarters_and_half_years(text, period, expected):
    tf = read(text, period)

    assert (tf.understood, tf.kind, tf.months, tf.dates) == (True, Kind.QUARTER, expected, [])


def test_third_quarter_in_a_school_year_is_clipped_to_its_summer_months():
    tf = read("III квартал")

    assert (tf.kind, tf.months) == (Kind.QUARTER, span("2024-07", "2024-08"))
    assert "вне периода" in tf.note


@pytest.mark.parametrize("text", ["5 квартал", "3 полугодие", "квартал"])
def test_impossible_quarters_are_not_understood(text):
    assert not_understood(read(text))


# --- Recurrence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "recurrence"),
    [
        ("ежемесячно", "monthly"),
        ("Ежемесячно.", "monthly"),
        ("раз в месяц", "monthly"),
        ("1 раз в месяц", "monthly"),
        ("один раз в месяц", "monthly"),
        ("ежеквартально", "quarterly"),
        ("1 раз в квартал", "quarterly"),
        ("1 раз в 3 месяца", "quarterly"),
        ("еженедельно", "weekly"),
        ("раз в неделю", "weekly"),
        ("1 раз в 2 недели", "every_2_weeks"),
        ("ежедневно", "daily"),
        ("1 раз в 2 месяца", "every_2_months"),
        ("раз в два месяца", "every_2_months"),
        ("не реже 1 раза в 2 месяца", "every_2_months"),
        ("не реже одного раза в 2 месяца", "every_2_months"),
        ("два раза в год", "twice_a_year"),
        ("2 раза в год", "twice_a_year"),
        ("2 раза в учебный год", "twice_a_year"),
        ("3 раза в год", "3_times_a_year"),
        ("2 раза в месяц", "twice_a_month"),
        ("1 раз в полугодие", "half_yearly"),
        ("ежегодно", "yearly"),
        ("1 раз в год", "yearly"),
    ],
)
def test_recurrence_covers_the_whole_period(text, recurrence):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.recurrence, tf.months, tf.dates) == (
        True,
        Kind.RECURRING,
        recurrence,
        ADM_YEAR,
        [],
    )


def test_recurrence_over_a_calendar_year():
    tf = read("1 раз в полугодие", CALENDAR_2024)

    assert (tf.recurrence, tf.months) == ("half_yearly", span("2024-01", "2024-12"))
    assert tf.note == "1 раз в полугодие, январь – декабрь 2024"


def test_recurrence_within_named_months():
    tf = read("ежемесячно, октябрь - апрель")

    assert (tf.kind, tf.recurrence, tf.months) == (Kind.RECURRING, "monthly", span("2023-10", "2024-04"))


# --- Whole period and combinations ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "в течение года",
        "В течение года.",
        "в течение учебного года",
        "в течение всего учебного года",
        "в течение периода",
        "весь период",
        "постоянно",
        "ежемесячно в течение года",
    ],
)
def test_whole_period(text):
    tf = read(text)

    assert tf.understood
    assert tf.months == ADM_YEAR
    assert tf.kind == (Kind.RECURRING if "ежемесячно" in text else Kind.WHOLE_PERIOD)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The months already cover the period; the schedule only tells which days.
        ("в течение года (по отдельному графику)", Kind.WHOLE_PERIOD),
        ("в течение года, по графику ОУ", Kind.WHOLE_PERIOD),
        ("ежемесячно (по графику)", Kind.RECURRING),
    ],
)
def test_a_schedule_remark_next_to_the_whole_period_is_kept_in_the_note(text, kind):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.months) == (True, kind, ADM_YEAR)
    assert "график" in tf.note


@pytest.mark.parametrize(
    ("text", "note_fragment"),
    [
        ("по графику ОУ", "«по графику ОУ» — сроки задаются отдельно"),
        ("по плану площадок", "«по плану площадок» — сроки задаются отдельно"),
        ("по согласованию", "«по согласованию» — сроки задаются отдельно"),
        ("По графику конкурсов", "«По графику конкурсов» — сроки задаются отдельно"),
        ("март, по графику ОУ", "понятна только часть"),
        ("в течение года, кроме мая", "вместе с отдельными сроками"),
        ("в течение года, октябрь", "вместе с отдельными сроками"),
        ("февраль май", "без разделителя"),
        ("2024 - март", "без месяца"),
        ("октябрь -", "без конца"),
        ("ежемесячно, 2 раза в год", "несколько периодичностей"),
        ("в 2023-2024 учебном году, по пятницам", "непонятное слово"),
        ("с 1-я", "непонятно: «1-я»"),
    ],
)
def test_what_is_not_understood_says_why(text, note_fragment):
    tf = read(text)

    assert not_understood(tf)
    assert (tf.recurrence, tf.text) == (None, text)
    assert note_fragment in tf.note


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "-", "—", ".", None])
def test_blank_text_is_empty(text):
    tf = read(text)

    assert (tf.understood, tf.kind, tf.months, tf.dates, tf.note) == (False, Kind.EMPTY, [], [], "сроки не указаны")


# --- The result ----------------------------------------------------------------------------


def test_as_dict_is_json_ready():
    tf = read("до 10.02")

    assert tf.as_dict() == {
        "text": "до 10.02",
        "understood": True,
        "kind": "deadline",
        "months": ["2024-02"],
        "dates": ["2024-02-10"],
        "deadline": "2024-02-10",
        "recurrence": None,
        "note": "срок — до 10.02.2024",
        "spans": [["2024-02-10", "2024-02-10"]],
    }
    assert json.loads(json.dumps(read("октябрь, февраль").as_dict()))["months"] == ["2023-10", "2024-02"]


def test_the_text_is_kept_as_written_with_spaces_collapsed():
    assert read("не реже\n 1 раза в 2\nмесяца").text == "не реже 1 раза в 2 месяца"


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="period"):
        parse_timeframe("март", period_start=date(2024, 8, 31), period_end=date(2023, 9, 1))
