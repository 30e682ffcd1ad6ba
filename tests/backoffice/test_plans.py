"""A methodist approves and publishes a plan with the buttons on its page; a long plan's page stays light."""

import pytest
from django.urls import reverse

from plans.models import Plan
from tests.plans.factories import make_item, make_plan, make_section

pytestmark = pytest.mark.django_db


def test_a_plan_is_approved_then_published_with_the_buttons_on_its_page(client, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    client.force_login(world.users.methodist)
    page = client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert "Утвердить план" in page and "Опубликовать план" in page and "Вернуть план в черновик" not in page

    response = client.post(reverse("admin:plans_plan_status", args=[plan.pk, Plan.Status.APPROVED]), follow=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert f"Статус плана: «{plan.get_status_display()}»." in response.content.decode()
    page = response.content.decode()
    assert "Утвердить план" not in page and "Опубликовать план" in page and "Вернуть план в черновик" in page

    client.post(reverse("admin:plans_plan_status", args=[plan.pk, Plan.Status.PUBLISHED]))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert [change.by for change in plan.status_changes.all()] == [world.users.methodist] * 2


def test_another_districts_methodist_cannot_press_the_buttons(client, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    client.force_login(world.users.other_methodist)
    response = client.post(reverse("admin:plans_plan_status", args=[plan.pk, Plan.Status.PUBLISHED]))
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_button_needs_a_post_and_a_real_status(client, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    client.force_login(world.users.methodist)
    assert client.get(reverse("admin:plans_plan_status", args=[plan.pk, Plan.Status.PUBLISHED])).status_code == 405
    assert client.post(reverse("admin:plans_plan_status", args=[plan.pk, "archived"])).status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def _plan_with(world, n):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    sections = [make_section(plan, "1.", "Повышение квалификации"), make_section(plan, "2.", "Аналитика")]
    for i in range(n):
        make_item(sections[i % 2], f"Семинар {i}", "по графику ОУ" if i % 3 == 0 else "октябрь")
    return plan


def test_the_plan_page_summarises_its_items_per_section(client, world):
    plan = _plan_with(world, 73)
    client.force_login(world.users.methodist)
    response = client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    page = response.content.decode()
    assert "Открыть 73 пункта плана" in page
    assert f"?plan__id__exact={plan.pk}&amp;section={plan.sections.get(number='1.').pk}" in page
    assert "<td>37</td><td>13</td>" in page and "<td>36</td><td>12</td>" in page
    # No item forms: the page does not grow with the items (73 inline forms made 2.2 MB).
    assert "Семинар 5" not in page
    assert len(response.content) < 150_000


@pytest.mark.parametrize("items", [1, 25])
def test_the_plan_page_queries_do_not_grow_with_items(items, client, world, django_assert_num_queries):
    plan = _plan_with(world, items)
    client.force_login(world.users.methodist)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    client.get(url)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("items", [1, 25])
def test_a_plans_item_list_queries_do_not_grow(items, client, world, django_assert_num_queries):
    plan = _plan_with(world, items)
    client.force_login(world.users.methodist)
    url = reverse("admin:plans_planitem_changelist") + f"?plan__id__exact={plan.pk}"
    client.get(url)
    # No second count of the whole table (show_full_result_count is off in the back office).
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == items


def test_the_items_list_pages_a_long_plan_and_searches_it(client, world):
    plan = _plan_with(world, 73)
    client.force_login(world.users.methodist)
    url = reverse("admin:plans_planitem_changelist")
    response = client.get(url + f"?plan__id__exact={plan.pk}")
    assert response.context["cl"].result_count == 73 and len(response.context["cl"].result_list) == 50
    response = client.get(url + f"?plan__id__exact={plan.pk}&q=Семинар 42")
    assert [item.title for item in response.context["cl"].result_list] == ["Семинар 42"]


def test_add_an_item_from_the_plan_page_starts_with_the_plan(client, world):
    plan = _plan_with(world, 1)
    client.force_login(world.users.methodist)
    response = client.get(reverse("admin:plans_planitem_add") + f"?plan={plan.pk}")
    assert response.context["adminform"].form["plan"].value() == plan.pk
    # Parent and host are searched, not listed in a select of every item and institution.
    page = response.content.decode()
    assert 'data-model-name="planitem"' in page or "admin-autocomplete" in page
