from datetime import date

import pytest
from django.urls import reverse

from innovation_portal import due
from plans import services

from .factories import make_item, make_plan, make_section


@pytest.fixture
def current_plan(world):
    from innovation_portal.years import academic_year_of

    plan = make_plan(world.district, period=academic_year_of().label)
    return plan


def test_coordinator_sees_events_their_institution_hosts_this_month(world, current_plan):
    today = date.today()
    section = make_section(current_plan)
    make_item(section, "Открытый семинар в лицее", today.strftime("%d.%m.%Y"), host=world.institution)
    make_item(section, "Семинар в гимназии", today.strftime("%d.%m.%Y"), host=world.other_institution)
    titles = [i.title for i in due.items_for(world.users.coordinator)]
    assert any("Открытый семинар в лицее" in t for t in titles)
    assert not any("гимназии" in t for t in titles)


def test_methodist_is_asked_to_mark_this_months_events(world, current_plan):
    today = date.today()
    section = make_section(current_plan)
    first = make_item(section, "Семинар 1", today.strftime("%d.%m.%Y"))
    make_item(section, "Семинар 2", today.strftime("%d.%m.%Y"))
    items = [
        i
        for i in due.items_for(world.users.methodist)
        if i.url.startswith(reverse("plans:execution", args=[current_plan.pk]))
    ]
    assert len(items) == 1 and "2" in items[0].title
    services.mark_occurrence(first.occurrences.get(), services.Mark("held", today), by=world.users.methodist)
    items = [
        i
        for i in due.items_for(world.users.methodist)
        if i.url.startswith(reverse("plans:execution", args=[current_plan.pk]))
    ]
    assert "1" in items[0].title
