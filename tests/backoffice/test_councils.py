"""The council meeting in the back office: its agenda (160 applications a year) is one page of a fixed cost."""

import pytest
from django.urls import reverse

from expertise import services
from expertise.models import AgendaItem
from tests.expertise.factories import application_in_expertise, expertise_call, meeting
from tests.factories import InstitutionFactory


def _meeting_with(world, rows):
    call = expertise_call(world)
    applications = [
        application_in_expertise(
            world, call=call, institution=world.institution if i == 0 else InstitutionFactory(district=world.district)
        )
        for i in range(rows)
    ]
    people = [world.users.methodist, "Соколов Павел Андреевич"]
    council = meeting(world, chair=world.users.methodist, members=people, present=people)
    services.add_to_agenda(council, applications)
    return council


def _posted(response):
    """What the browser would send back from the change page, as it stands."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


@pytest.mark.parametrize("rows", [1, 25])
def test_the_meeting_page_queries_do_not_grow_with_its_agenda(rows, client, world, django_assert_num_queries):
    council = _meeting_with(world, rows)
    client.force_login(world.users.methodist)
    url = reverse("admin:expertise_councilmeeting_change", args=[council.pk])
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    page = response.content.decode()
    # Each row names its application (institution — call) in the autocomplete, without a query of its own.
    assert page.count(f"— {council.agenda.first().application.call}</option>") == rows
    assert 'class="admin-autocomplete' in page


def test_the_agenda_is_saved_from_the_meeting_page(client, world):
    council = _meeting_with(world, 3)
    client.force_login(world.users.methodist)
    url = reverse("admin:expertise_councilmeeting_change", args=[council.pk])
    data = _posted(client.get(url))
    last = council.agenda.order_by("order", "pk").last()
    index = next(k for k, v in data.items() if k.startswith("agenda-") and k.endswith("-id") and v == last.pk)
    data[index.replace("-id", "-title")] = "Доклад о работе площадки"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert AgendaItem.objects.get(pk=last.pk).title == "Доклад о работе площадки"
    assert council.agenda.count() == 3
