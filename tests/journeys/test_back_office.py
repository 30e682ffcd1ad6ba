"""A methodist sets up next year's call and publishes a plan in the back office, in a real browser."""

from django.db.models import Count

from applications.models import Call
from plans.models import Plan


def test_methodist_copies_a_call_to_next_year_and_publishes_a_plan_with_buttons(demo, visit):
    call = Call.objects.annotate(n=Count("criteria")).filter(n__gt=0).order_by("-closes_at").first()
    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/admin/applications/call/{call.pk}/change/")
    methodist.shot("call page")
    page.get_by_role("button", name="Скопировать конкурс на следующий год").click()
    page.wait_for_load_state()
    copy = Call.objects.exclude(pk=call.pk).order_by("-pk").first()
    assert f"/admin/applications/call/{copy.pk}/change/" in page.url
    assert copy.is_published is False and copy.criteria.count() == call.criteria.count()
    assert "Конкурс на следующий год создан" in page.content()
    methodist.shot("copied call, a draft")

    page.get_by_role("button", name="Опубликовать конкурс").click()
    page.wait_for_load_state()
    copy.refresh_from_db()
    methodist.shot("publish tried")
    # Either the draft is ready (published) or the page says what is missing (still a draft).
    assert copy.is_published is ("Конкурс пока нельзя опубликовать" not in page.content())

    plan = Plan.objects.annotate(n=Count("items")).order_by("-n").first()
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    page = methodist.go(f"/admin/plans/plan/{plan.pk}/change/")
    assert f"Открыть {plan.n} пункт" in page.content()
    methodist.shot("plan page with items summary")
    page.get_by_role("button", name="Утвердить план").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Опубликовать план").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    methodist.shot("plan published")
    page.get_by_role("link", name=f"Открыть {plan.n} пункт", exact=False).first.click()
    page.wait_for_load_state()
    assert "пункт" in page.content()
    methodist.shot("plan items list")
