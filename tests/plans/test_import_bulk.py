"""The spreadsheet import of plan items works in bulk: its queries do not grow with the rows."""

import pytest
import tablib
from django.utils import translation

from plans.models import Plan, PlanAbbreviation, PlanItem, PlanItemMonth
from plans.resources import PlanItemResource

from .factories import make_item, make_plan, make_section

HEADERS = ["Раздел", "Номер", "Мероприятие", "Сроки", "Организаторы", "Место проведения"]
# One query budget for any number of rows: reading the plan, the sections, a few batched
# INSERTs (SQLite takes ~30 items a statement) and linking occurrences, months, parents and organizers.
QUERY_BUDGET = 27


@pytest.fixture
def plan(world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    PlanAbbreviation.objects.create(plan=plan, abbr="ИМЦ", meaning="информационно-методический центр")
    return plan


def _rows(n, host=""):
    return [
        ["1. Повышение квалификации", f"1.{k}.", f"Семинар {k}", "октябрь - декабрь", "ОО, ИМЦ", host if k == 1 else ""]
        for k in range(1, n + 1)
    ]


def _import(plan, rows, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    with translation.override("ru"):
        return PlanItemResource(plan=plan).import_data(dataset, dry_run=dry_run)


@pytest.mark.parametrize("n", [10, 50])
def test_import_queries_do_not_grow_with_rows(plan, world, n, django_assert_max_num_queries):
    with django_assert_max_num_queries(QUERY_BUDGET):
        result = _import(plan, _rows(n, world.institution.short_name))
    assert not result.has_errors() and not result.has_validation_errors()
    assert plan.items.count() == n
    assert PlanItemMonth.objects.filter(item__plan=plan).count() == 3 * n  # October to December
    first = plan.items.get(number="1.1.")
    assert first.host_institution == world.institution
    assert list(first.organizers.values_list("abbr", flat=True)) == ["ИМЦ"]
    assert list(plan.items.values_list("order", flat=True)) == list(range(1, n + 1))


@pytest.mark.parametrize("n", [10, 50])
def test_preview_queries_do_not_grow_with_rows_and_write_nothing(plan, n, django_assert_max_num_queries):
    with django_assert_max_num_queries(QUERY_BUDGET):
        result = _import(plan, _rows(n), dry_run=True)
    assert result.totals["new"] == n and not result.has_validation_errors()
    assert not PlanItem.objects.exists() and not plan.sections.exists()


@pytest.mark.parametrize("n", [10, 50])
def test_reimport_updates_in_bounded_queries(plan, n, django_assert_max_num_queries):
    _import(plan, _rows(n))
    changed = [[*row[:3], "март", *row[4:]] for row in _rows(n)]
    with django_assert_max_num_queries(QUERY_BUDGET):
        result = _import(plan, changed)
    assert result.totals["update"] == n and plan.items.count() == n
    months = PlanItemMonth.objects.filter(item__plan=plan)
    assert months.count() == n and set(months.values_list("month__month", flat=True)) == {3}
    assert plan.items.filter(organizers__abbr="ИМЦ").count() == n


def test_reimport_of_the_same_sheet_changes_nothing(plan):
    _import(plan, _rows(3))
    result = _import(plan, _rows(3))
    assert result.totals["skip"] == 3 and plan.items.count() == 3


def test_sub_items_get_their_parents_even_listed_before_them(plan):
    section = make_section(plan, "1.", "Повышение квалификации")
    existing = make_item(section, "Курсы", "октябрь", number="1.1.")
    _import(
        plan,
        [
            ["1. Повышение квалификации", "1.1.1.", "Модуль 1", "октябрь", "", ""],
            ["1. Повышение квалификации", "1.2.1.", "Секция", "ноябрь", "", ""],
            ["1. Повышение квалификации", "1.2.", "Конференция", "ноябрь", "", ""],
        ],
    )
    items = {item.number: item for item in plan.items.all()}
    assert items["1.1.1."].parent == existing
    assert items["1.2.1."].parent == items["1.2."]
    assert items["1.2."].parent is None and plan.sections.count() == 1


def test_a_number_repeated_in_the_sheet_is_one_item_with_the_later_row(plan):
    result = _import(
        plan,
        [
            ["1. Раздел", "1.1.", "Семинар", "октябрь", "", ""],
            ["1. Раздел", "1.1.", "Семинар (исправлено)", "ноябрь", "", ""],
        ],
    )
    assert not result.has_errors() and not result.has_validation_errors()
    item = plan.items.get()
    assert item.title == "Семинар (исправлено)" and item.months == ["2023-11"]
    assert list(item.month_rows.values_list("month__month", flat=True)) == [11]


def test_a_bad_row_rolls_back_every_row_and_names_the_field(plan):
    result = _import(plan, [*_rows(5), ["1. Раздел", "1." + "9" * 30, "Слишком длинный номер", "май", "", ""]])
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 6 and "number" in invalid.field_specific_errors
    assert not PlanItem.objects.exists() and not plan.sections.exists()
