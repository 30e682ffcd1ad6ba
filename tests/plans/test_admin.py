"""The back office: methodists edit plans with sections inline and items in their own list, and change their status."""

from django.urls import reverse

from plans.models import Plan

from .factories import make_item, make_plan, make_section


def test_methodist_sees_own_plans_and_their_items(login, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    make_item(make_section(plan), "Семинар", "по графику ОУ")
    make_plan(world.other_district, title="Чужой план")
    client = login(world.users.methodist)
    body = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert "Импорт плана из Word" in body and "Чужой план" not in body
    change = client.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    assert change.status_code == 200 and "Открыть 1 пункт плана" in change.content.decode()
    items = client.get(reverse("admin:plans_planitem_changelist") + f"?plan__id__exact={plan.pk}")
    assert "Семинар" in items.content.decode()
    assert client.get(reverse("admin:plans_planitem_import")).status_code == 200
    other = Plan.objects.get(title="Чужой план")
    assert login(world.users.methodist).get(reverse("admin:plans_plan_change", args=[other.pk])).status_code == 302


def test_editing_a_timeframe_in_the_admin_reads_it_again(login, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    item = make_item(make_section(plan), "Семинар", "по графику ОУ")
    assert item.needs_review
    client = login(world.users.methodist)
    data = {
        "plan": plan.pk,
        "section": item.section_id,
        "parent": "",
        "number": item.number,
        "order": 1,
        "group": "",
        "title": "Семинар",
        "timeframe_text": "март, первая неделя",
        "needs_review": "on",
        "audience": "",
        "organizers_text": "",
        "responsible": "",
        "expected_result": "",
        "host_institution": world.institution.pk,
    }
    response = client.post(reverse("admin:plans_planitem_change", args=[item.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert (item.understood, item.needs_review, item.months) == (True, False, ["2024-03"])
    assert item.host_institution == world.institution


def test_publish_action_goes_through_the_door(login, world):
    plan = make_plan(world.district, status=Plan.Status.DRAFT)
    client = login(world.users.methodist)
    client.post(reverse("admin:plans_plan_changelist"), {"action": "publish", "_selected_action": [plan.pk]})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert plan.status_changes.get().by == world.users.methodist
