"""Existing single execution marks become the mark of the matching occurrence (plans 0004).

The database is taken back to plans 0002 (one mark per item), filled there through the
historical models, and migrated forward; each mark must be found on one occurrence, with
its history, and the other occurrences of the item planned.
"""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plans.models import PlanItem, PlanItemOccurrence

BEFORE = [("plans", "0002_shared_state_history")]

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader


def _fill(old):
    District = old.get_model("accounts", "District")
    User = old.get_model("accounts", "User")
    Plan = old.get_model("plans", "Plan")
    Section = old.get_model("plans", "PlanSection")
    Item = old.get_model("plans", "PlanItem")
    Change = old.get_model("plans", "PlanItemExecutionChange")
    district = District.objects.create(name="Красносельский район", short_name="Красносельский", slug="krs-m")
    user = User.objects.create(email="mm@example.org", full_name="Мария Методистова", calendar_token="t-m")
    plan = Plan.objects.create(
        district=district,
        title="План",
        period_label="2023/2024",
        period_start=date(2023, 9, 1),
        period_end=date(2024, 8, 31),
        status="published",
    )
    section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)

    def item(title, text, execution="planned", executed_on=None, report=""):
        row = Item.objects.create(
            plan=plan,
            section=section,
            title=title,
            timeframe_text=text,
            execution=execution,
            executed_on=executed_on,
            execution_report=report,
        )
        if execution != "planned":
            Change.objects.create(item=row, from_state="planned", to_state=execution, by=user, executed_on=executed_on)
        return row.pk

    return {
        "monthly": item("Методический час", "ежемесячно", "held", date(2023, 11, 14), "Проведено"),
        "seminar": item("Семинар", "10.10.2023", "moved", date(2023, 10, 24)),
        "consult": item("Консультации", "по графику ОУ", "cancelled"),
        "courses": item("Курсы", "октябрь - апрель"),
    }, user.pk


def test_single_marks_become_the_marks_of_matching_occurrences():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        loader = _migrate(BEFORE)
        others = [node for node in latest if node[0] != "plans"]
        ids, user_pk = _fill(loader.project_state([BEFORE[0], *others]).apps)
        _migrate(latest)
    finally:
        _migrate(latest)

    monthly = PlanItem.objects.get(pk=ids["monthly"])
    assert monthly.occurrences.count() == 12
    held = monthly.occurrences.get(execution="held")
    assert (held.first_day, held.executed_on, held.report, held.marked_by_id) == (
        date(2023, 11, 1),
        date(2023, 11, 14),
        "Проведено",
        user_pk,
    )
    assert monthly.occurrences.filter(execution="planned").count() == 11
    assert list(held.changes.values_list("to_state", flat=True)) == ["held"]
    seminar = PlanItemOccurrence.objects.get(item_id=ids["seminar"])
    assert (seminar.first_day, seminar.execution, seminar.executed_on) == (
        date(2023, 10, 10),
        "moved",
        date(2023, 10, 24),
    )
    # A moved event is in the calendar at its new date only.
    assert list(seminar.item.month_rows.values_list("month", flat=True)) == [date(2023, 10, 1)]
    consult = PlanItemOccurrence.objects.get(item_id=ids["consult"])
    assert (consult.first_day, consult.execution) == (None, "cancelled")
    courses = PlanItemOccurrence.objects.get(item_id=ids["courses"])
    assert (courses.first_day, courses.last_day, courses.execution) == (date(2023, 10, 1), date(2024, 4, 30), "planned")
