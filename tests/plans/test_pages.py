"""The public pages: plan list, plan page with filters and search, this month, the calendar."""

from datetime import date

import pytest
from django.urls import reverse

from plans.models import Plan

from .factories import make_item, make_plan, make_section


@pytest.fixture
def plan(world):
    plan = make_plan(world.district)
    section = make_section(plan, "1.", "Повышение квалификации")
    make_item(
        section,
        "Курсы повышения квалификации по управлению",
        "октябрь - апрель",
        audience="руководители ОУ",
        organizers="ОО, ИМЦ",
    )
    make_item(
        section, "Семинар «Рука мастера»", "10.10.2023", host=world.institution, audience="педагоги", organizers="ИМЦ"
    )
    other = make_section(plan, "2.", "Информационная поддержка")
    make_item(other, "Обновление банка инновационных практик", "ежемесячно", audience="педагоги", organizers="КС")
    make_item(other, "Консультации по графику", "по графику ОУ", audience="руководители ОУ")
    return plan


def _titles(response):
    return [item.title for section in response.context["sections"] for item in section.shown_items]


def test_anonymous_visitors_see_only_published_plans(client, world, plan):
    make_plan(world.district, status=Plan.Status.DRAFT, title="Черновик плана")
    body = client.get(reverse("plans:list")).content.decode()
    assert plan.title in body
    assert "Черновик плана" not in body


def test_methodist_sees_drafts_of_their_district_only(login, world):
    make_plan(world.district, status=Plan.Status.DRAFT, title="Свой черновик")
    make_plan(world.other_district, status=Plan.Status.DRAFT, title="Чужой черновик")
    body = login(world.users.methodist).get(reverse("plans:list")).content.decode()
    assert "Свой черновик" in body
    assert "Чужой черновик" not in body


def test_plan_page_shows_sections_items_and_flags(client, plan):
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    body = response.content.decode()
    assert "Повышение квалификации" in body and "Информационная поддержка" in body
    assert len(_titles(response)) == 4
    assert "по графику ОУ" in body and "не распознано" in body


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            {"month": "2023-10"},
            [
                "Курсы повышения квалификации по управлению",
                "Семинар «Рука мастера»",
                "Обновление банка инновационных практик",
            ],
        ),
        ({"month": "2024-05"}, ["Обновление банка инновационных практик"]),
        ({"audience": "руководители ОУ"}, ["Курсы повышения квалификации по управлению", "Консультации по графику"]),
        ({"organizer": "КС"}, ["Обновление банка инновационных практик"]),
        ({"q": "мастера"}, ["Семинар «Рука мастера»"]),
    ],
)
def test_plan_page_filters(client, plan, query, expected):
    response = client.get(reverse("plans:detail", args=[plan.pk]), query)
    assert _titles(response) == expected


def test_plan_page_filters_by_host_institution(client, world, plan):
    response = client.get(reverse("plans:detail", args=[plan.pk]), {"institution": world.institution.pk})
    assert _titles(response) == ["Семинар «Рука мастера»"]
    assert world.institution.short_name in response.content.decode()


def test_search_finds_word_forms_on_postgresql(client, plan, settings):
    from django.db import connection

    response = client.get(reverse("plans:detail", args=[plan.pk]), {"q": "курсы управление"})
    if connection.vendor == "postgresql":
        # The Russian configuration finds «управлению» for «управление».
        assert _titles(response) == ["Курсы повышения квалификации по управлению"]
    else:
        assert _titles(response) == []


def test_bad_filter_values_are_ignored(client, plan):
    response = client.get(reverse("plans:detail", args=[plan.pk]), {"month": "2031-13", "institution": "x"})
    assert response.status_code == 200
    assert len(_titles(response)) == 4


def test_this_month_lists_items_of_the_month_across_plans(client, world, plan):
    other = make_plan(world.other_district, title="План Адмиралтейского района")
    make_item(make_section(other), "Городской семинар", "11.10.2023")
    make_plan(world.district, status=Plan.Status.DRAFT, title="Черновик")
    response = client.get(reverse("plans:this_month"), {"month": "2023-10"})
    body = response.content.decode()
    assert "Городской семинар" in body and "Семинар «Рука мастера»" in body
    assert "Консультации по графику" not in body  # not understood: not in any month
    assert response.context["item_count"] == 4
    assert "Октябрь 2023" in body or "октябрь 2023" in body.lower()


def test_calendar_puts_dated_items_on_their_day(client, plan):
    response = client.get(reverse("plans:calendar"), {"month": "2023-10"})
    days = {day: items for week in response.context["weeks"] for day, items, _in_month in week}
    assert [i.title for i in days[date(2023, 10, 10)]] == ["Семинар «Рука мастера»"]
    assert [i.title for i in response.context["whole_month"]] == [
        "Курсы повышения квалификации по управлению",
        "Обновление банка инновационных практик",
    ]


def _many(world, rows):
    plan = make_plan(world.district)
    section = make_section(plan)
    for n in range(rows):
        make_item(
            section,
            f"Мероприятие {n}",
            "10.10.2023" if n % 2 else "октябрь",
            host=world.institution,
            organizers="ИМЦ",
            audience=f"аудитория {n % 3}",
        )
    return plan


@pytest.mark.parametrize("rows", [1, 25])
def test_plan_list_queries_do_not_grow(client, world, rows, django_assert_num_queries):
    for n in range(rows):
        make_plan(world.district, title=f"План {n}")
    with django_assert_num_queries(1):
        assert client.get(reverse("plans:list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_plan_page_queries_do_not_grow(client, world, rows, django_assert_num_queries):
    plan = _many(world, rows)
    with django_assert_num_queries(9):  # with the items' occurrences (their marks)
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert len(_titles(response)) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_this_month_queries_do_not_grow(client, world, rows, django_assert_num_queries):
    _many(world, rows)
    with django_assert_num_queries(3):  # the items, their organizers, their occurrences
        response = client.get(reverse("plans:this_month"), {"month": "2023-10"})
    assert response.context["item_count"] == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_calendar_queries_do_not_grow(login, world, rows, django_assert_num_queries):
    _many(world, rows)
    client = login(world.users.methodist)
    # session, user, roles, items of the visible plans, their organizers and occurrences, unread notifications
    with django_assert_num_queries(7):
        assert client.get(reverse("plans:calendar"), {"month": "2023-10"}).status_code == 200
