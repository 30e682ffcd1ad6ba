from django.core.management import call_command
from django.utils import timezone

from plans.models import Execution, Plan, PlanItemOccurrence


def test_demo_imports_both_shared_plans_published_and_is_idempotent(demo_db):
    call_command("load_demo", verbosity=0)  # the second time: the session's demo was the first
    plans = {p.district.slug: p for p in Plan.objects.select_related("district")}
    assert set(plans) == {"admiralteysky", "petrogradsky", "krasnoselsky"}
    assert all(p.status == Plan.Status.PUBLISHED for p in plans.values())
    assert plans["admiralteysky"].items.count() == 73
    assert plans["petrogradsky"].items.count() == 28
    assert plans["admiralteysky"].items.filter(host_institution__short_name="ГБОУ № 624").count() == 5
    # Marked once, however often the demo is loaded: occurrences held with participants, some moved.
    held = PlanItemOccurrence.objects.filter(execution=Execution.HELD)
    assert held.count() == 8 + 5 + 4
    assert not held.filter(participants__isnull=True).exists()
    assert PlanItemOccurrence.objects.filter(execution=Execution.MOVED).count() == 2 + 1 + 1
    assert not held.filter(executed_on__gt=timezone.localdate()).exists()
