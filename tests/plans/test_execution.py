"""Marking occurrences during the year (methodists, host coordinators, responsible people) and the report."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from innovation_portal.workflow import TransitionError
from plans import services
from plans.models import Plan, PlanItemOccurrence
from tests.factories import UserFactory

from .factories import make_item, make_plan, make_section

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(world):
    plan = make_plan(world.district)
    section = make_section(plan)
    make_item(section, "Семинар", "10.10.2023", host=world.institution)
    make_item(section, "Курсы", "октябрь - апрель")
    make_item(section, "Методический час", "ежемесячно", host=world.institution)
    return plan


def _occurrence(plan, title, index=0):
    return list(PlanItemOccurrence.objects.filter(item__plan=plan, item__title=title).order_by("first_day"))[index]


def _mark(client, occurrence, **data):
    values = {"execution": "held", "executed_on": "", "participants": "", "materials_url": "", "report": ""}
    values.update(data)
    return client.post(reverse("plans:mark_occurrence", args=[occurrence.pk]), values)


def test_a_mark_keeps_its_history_with_who_and_participants(world, plan):
    occurrence = _occurrence(plan, "Семинар")
    methodist = world.users.methodist
    services.mark_occurrence(occurrence, services.Mark("moved", date(2023, 10, 24), report="Перенесено"), by=methodist)
    services.mark_occurrence(
        occurrence, services.Mark("held", date(2023, 10, 24), participants=40, report="Проведено"), by=methodist
    )
    occurrence.refresh_from_db()
    assert (occurrence.execution, occurrence.executed_on, occurrence.participants, occurrence.marked_by) == (
        "held",
        date(2023, 10, 24),
        40,
        methodist,
    )
    history = list(occurrence.changes.values_list("from_state", "to_state", "by", "participants"))
    assert history == [("planned", "moved", methodist.pk, None), ("moved", "held", methodist.pk, 40)]


def test_held_needs_a_date_that_has_come_and_cancelled_cannot_become_held(world, plan):
    occurrence = _occurrence(plan, "Семинар")
    by = world.users.methodist
    with pytest.raises(TransitionError, match="Укажите дату"):
        services.mark_occurrence(occurrence, services.Mark("held"), by=by)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(TransitionError, match="ещё не наступил"):
        services.mark_occurrence(occurrence, services.Mark("held", tomorrow), by=by)
    occurrence.refresh_from_db()
    assert occurrence.execution == "planned" and not occurrence.changes.exists()
    services.mark_occurrence(occurrence, services.Mark("cancelled", report="Отменено"), by=by)
    with pytest.raises(TransitionError):
        services.mark_occurrence(occurrence, services.Mark("held", date(2023, 10, 10)), by=by)


def test_a_future_held_date_is_refused_on_the_page_keeping_what_was_typed(login, world, plan):
    occurrence = _occurrence(plan, "Методический час")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _mark(
        login(world.users.coordinator), occurrence, executed_on=f"{tomorrow:%Y-%m-%d}", report="Пришли все"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "ещё не наступил" in body and "Пришли все" in body
    occurrence.refresh_from_db()
    assert occurrence.execution == "planned"


def test_the_host_coordinator_marks_an_occurrence_held_with_participants_and_a_file(login, world, plan):
    occurrence = _occurrence(plan, "Методический час", 1)  # October 2023
    client = login(world.users.coordinator)
    page = client.get(reverse("plans:own_events")).content.decode()
    assert "Методический час" in page and "Курсы" not in page
    upload = SimpleUploadedFile("Программа.pdf", PDF, content_type="application/pdf")
    response = _mark(
        client,
        occurrence,
        executed_on="2023-10-17",
        participants="23",
        materials_url="https://school590.example.ru/seminar",
        materials_file=upload,
        report="Провели с коллегами из двух школ",
    )
    assert response.status_code == 302 and response.url.startswith(reverse("plans:own_events"))
    occurrence.refresh_from_db()
    assert (occurrence.execution, occurrence.executed_on, occurrence.participants) == ("held", date(2023, 10, 17), 23)
    assert occurrence.materials_file_name == "Программа.pdf" and occurrence.marked_by == world.users.coordinator
    # The other occurrences of the item are still to be marked.
    assert PlanItemOccurrence.objects.filter(item=occurrence.item, execution="planned").count() == 11
    methodist = login(world.users.methodist)
    download = methodist.get(reverse("plans:occurrence_materials", args=[occurrence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    execution = methodist.get(reverse("plans:execution", args=[plan.pk])).content.decode()
    assert str(world.users.coordinator) in execution and "23 участника" in execution
    other = login(world.users.other_coordinator)
    assert other.get(reverse("plans:occurrence_materials", args=[occurrence.pk])).status_code == 404
    assert _mark(other, occurrence, executed_on="2023-10-17").status_code == 404


def test_a_coordinator_cannot_mark_an_item_their_institution_does_not_host(login, world, plan):
    courses = _occurrence(plan, "Курсы")
    assert _mark(login(world.users.coordinator), courses, executed_on="2023-10-17").status_code == 404


def test_the_responsible_person_of_a_roadmap_item_marks_it(login, world):
    roadmap = make_plan(world.district, kind=Plan.Kind.ROADMAP, title="Дорожная карта")
    person = UserFactory(email="scientist@example.org")
    item = make_item(make_section(roadmap), "Стажировка", "ноябрь", responsible_user=person)
    occurrence = item.occurrences.get()
    response = _mark(login(person), occurrence, executed_on="2023-11-20", participants="12")
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.execution == "held" and occurrence.marked_by == person
    services.change_plan_status(roadmap, Plan.Status.DRAFT, by=world.users.methodist)
    assert login(person).get(reverse("plans:mark_occurrence", args=[occurrence.pk])).status_code == 404


def test_methodist_of_another_district_gets_404(login, world, plan):
    occurrence = _occurrence(plan, "Семинар")
    client = login(world.users.other_methodist)
    assert client.get(reverse("plans:execution", args=[plan.pk])).status_code == 404
    assert _mark(client, occurrence, executed_on="2023-10-10").status_code == 404
    assert client.get(reverse("plans:report_pdf", args=[plan.pk])).status_code == 404


def _pdf_text(content):
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_execution_report_pdf_and_xlsx_count_occurrences_by_month(login, world, plan):
    by = world.users.methodist
    services.mark_occurrence(
        _occurrence(plan, "Семинар"), services.Mark("held", date(2023, 10, 10), 31, report="Проведено"), by=by
    )
    services.mark_occurrence(_occurrence(plan, "Методический час", 0), services.Mark("held", date(2023, 9, 20)), by=by)
    services.mark_occurrence(_occurrence(plan, "Методический час", 2), services.Mark("moved", date(2023, 12, 5)), by=by)
    services.mark_occurrence(_occurrence(plan, "Методический час", 3), services.Mark("cancelled"), by=by)
    client = login(world.users.district_office)
    text = _pdf_text(client.get(reverse("plans:report_pdf", args=[plan.pk])).content)
    assert "Отчёт о выполнении плана" in text and "10.10.2023" in text and "Проведено" in text
    xlsx = client.get(reverse("plans:report_xlsx", args=[plan.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    header = rows.index(("Месяц", "запланировано", "проведено", "перенесено", "отменено", "Всего", *rows[3][6:]))
    table = {row[0]: row[1:6] for row in rows[header + 1 : header + 14]}
    # 14 occurrences: 1 seminar, 1 course (October–April), 12 monthly hours.
    assert table["Сентябрь 2023"] == (0, 1, 0, 0, 1)
    assert table["Октябрь 2023"] == (2, 1, 0, 0, 3)  # the seminar held; the course and October's hour planned
    assert "Ноябрь 2023" not in table  # its only occurrence moved to December
    assert table["Декабрь 2023"] == (0, 0, 1, 1, 2)  # November's hour moved to 5 December; December's cancelled
    assert table["Всего"] == (10, 2, 1, 1, 14)
    seminar = next(row for row in rows if row[1] == "Семинар")
    assert seminar[4] == "проведено" and seminar[6] == 31 and seminar[8] == "Проведено"


@pytest.mark.parametrize("rows", [1, 25])
def test_execution_page_queries_do_not_grow(login, world, rows, django_assert_num_queries):
    plan = make_plan(world.district)
    section = make_section(plan)
    for n in range(rows):
        item = make_item(section, f"Мероприятие {n}", "октябрь", host=world.institution)
        services.mark_occurrence(
            item.occurrences.get(), services.Mark("held", date(2023, 10, 2)), by=world.users.methodist
        )
    client = login(world.users.methodist)
    # session, user, roles, the plan, its items, their occurrences (with who marked), their history,
    # the occurrences counted by month, unread notifications
    with django_assert_num_queries(9):
        response = client.get(reverse("plans:execution", args=[plan.pk]), {"month": "2023-10"})
    assert len(response.context["items"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_own_events_page_queries_do_not_grow(login, world, rows, django_assert_num_queries):
    plan = make_plan(world.district)
    section = make_section(plan)
    for n in range(rows):
        make_item(section, f"Мероприятие {n}", "ежемесячно", host=world.institution)
    client = login(world.users.coordinator)
    # session, user, roles, the items, their occurrences, unread notifications
    with django_assert_num_queries(6):
        response = client.get(reverse("plans:own_events"))
    assert len(response.context["items"]) == rows
