"""Marking execution during the year and the year-end report."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from innovation_portal.workflow import TransitionError
from plans import services
from plans.models import Plan, PlanItem

from .factories import make_item, make_plan, make_section


@pytest.fixture
def plan(world):
    plan = make_plan(world.district)
    section = make_section(plan)
    make_item(section, "Семинар", "10.10.2023")
    make_item(section, "Курсы", "октябрь - апрель")
    return plan


def test_mark_execution_keeps_history(world, plan):
    item = plan.items.get(title="Семинар")
    methodist = world.users.methodist
    services.mark_execution(item, PlanItem.Execution.MOVED, date(2023, 10, 24), "Перенесено", by=methodist)
    services.mark_execution(item, PlanItem.Execution.HELD, date(2023, 10, 24), "Проведено, 40 участников", by=methodist)
    item.refresh_from_db()
    assert (item.execution, item.executed_on, item.execution_report) == (
        "held",
        date(2023, 10, 24),
        "Проведено, 40 участников",
    )
    history = list(item.execution_changes.values_list("from_state", "to_state", "by"))
    assert history == [("planned", "moved", methodist.pk), ("moved", "held", methodist.pk)]


def test_held_needs_a_date_and_cancelled_cannot_become_held(world, plan):
    item = plan.items.get(title="Семинар")
    with pytest.raises(TransitionError):
        services.mark_execution(item, PlanItem.Execution.HELD, None, "", by=world.users.methodist)
    services.mark_execution(item, PlanItem.Execution.CANCELLED, None, "Отменено", by=world.users.methodist)
    with pytest.raises(TransitionError):
        services.mark_execution(item, PlanItem.Execution.HELD, date(2023, 10, 10), "", by=world.users.methodist)


def test_plan_status_goes_through_one_door(world, plan):
    draft = make_plan(world.district, status=Plan.Status.DRAFT)
    services.change_plan_status(draft, Plan.Status.APPROVED, by=world.users.methodist)
    services.change_plan_status(draft, Plan.Status.PUBLISHED, by=world.users.methodist)
    with pytest.raises(TransitionError):
        services.change_plan_status(draft, Plan.Status.APPROVED, by=world.users.methodist)
    assert list(draft.status_changes.values_list("to_state", flat=True)) == ["approved", "published"]


def test_methodist_marks_an_item_on_the_execution_page(login, world, plan):
    item = plan.items.get(title="Семинар")
    client = login(world.users.methodist)
    prefix = f"item-{item.pk}"
    response = client.post(
        reverse("plans:mark_execution", args=[item.pk]),
        {f"{prefix}-execution": "held", f"{prefix}-executed_on": "2023-10-10", f"{prefix}-report": "Проведено"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.execution, item.executed_on) == ("held", date(2023, 10, 10))
    page = client.get(reverse("plans:execution", args=[plan.pk])).content.decode()
    assert "Проведено" in page


def test_a_mark_without_a_date_keeps_what_was_typed(login, world, plan):
    item = plan.items.get(title="Семинар")
    prefix = f"item-{item.pk}"
    response = login(world.users.methodist).post(
        reverse("plans:mark_execution", args=[item.pk]),
        {f"{prefix}-execution": "moved", f"{prefix}-executed_on": "", f"{prefix}-report": "Перенесём на ноябрь"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Укажите дату" in body
    assert "Перенесём на ноябрь" in body
    item.refresh_from_db()
    assert item.execution == "planned"


def test_methodist_of_another_district_gets_404(login, world, plan):
    item = plan.items.first()
    client = login(world.users.other_methodist)
    assert client.get(reverse("plans:execution", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:mark_execution", args=[item.pk]), {}).status_code == 404
    assert client.get(reverse("plans:report_pdf", args=[plan.pk])).status_code == 404


def test_execution_report_pdf_and_xlsx(login, world, plan):
    services.mark_execution(
        plan.items.get(title="Семинар"), "held", date(2023, 10, 10), "Проведено", by=world.users.methodist
    )
    client = login(world.users.district_office)
    pdf = client.get(reverse("plans:report_pdf", args=[plan.pk]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Отчёт о выполнении плана" in text
    assert "Проведено: 1" in text.replace("проведено", "Проведено") or "Проведено 1" in text
    assert "10.10.2023" in text
    xlsx = client.get(reverse("plans:report_xlsx", args=[plan.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    summary = {row[0]: row[1] for row in rows[3:8]}
    assert summary["проведено"] == 1 and summary["запланировано"] == 1 and summary["Всего"] == 2
    seminar = next(row for row in rows if row[1] == "Семинар")
    assert seminar[3] == "проведено" and seminar[5] == "Проведено"


@pytest.mark.parametrize("rows", [1, 25])
def test_execution_page_queries_do_not_grow(login, world, rows, django_assert_num_queries):
    plan = make_plan(world.district)
    section = make_section(plan)
    for n in range(rows):
        item = make_item(section, f"Мероприятие {n}", "октябрь", host=world.institution)
        services.mark_execution(item, "held", date(2023, 10, 2), "ok", by=world.users.methodist)
    client = login(world.users.methodist)
    # session, user, roles, the plan, its items, their history (with who marked), unread notifications
    with django_assert_num_queries(7):
        response = client.get(reverse("plans:execution", args=[plan.pk]), {"month": "2023-10"})
    assert len(response.context["items"]) == rows
