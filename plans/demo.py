"""Demo plans: the two shared plans imported from Word, published, with some execution marks.

The Admiralteysky (2023/2024) and Petrogradsky (2019/2020) plans are imported as they are;
the Krasnoselsky district gets the Petrogradsky plan for the current academic year, so that
"this month", the calendar and the home page have something to show today.
"""

from datetime import timedelta
from pathlib import Path

from innovation_portal.years import academic_year_of

from . import services
from .importers.docx_reader import read_plan_docx
from .models import Plan, PlanItem

DATA = Path(__file__).resolve().parent / "demo_data"


def _plan(district, file_name, period, by, title=None):
    parsed = read_plan_docx(DATA / file_name)
    if title:
        parsed.title = title
    existing = Plan.objects.filter(district=district, period_label=period.label, title=parsed.title.strip()).first()
    if existing is not None:
        return existing, False
    plan = services.import_plan(parsed, district, period, by=by, source_name=file_name)
    services.change_plan_status(plan, Plan.Status.APPROVED, by=by)
    plan.approved_on = period.start - timedelta(days=2)
    plan.save(update_fields=["approved_on"])
    services.change_plan_status(plan, Plan.Status.PUBLISHED, by=by)
    return plan, True


def _mark(plan, by, count_held=5, count_moved=1):
    """Mark the first dated or monthly items held, one moved, as a methodist would during the year."""
    items = list(
        plan.items.filter(understood=True, execution=PlanItem.Execution.PLANNED).order_by("starts_on", "order")
    )
    for item in items[:count_held]:
        day = item.starts_on or plan.period_start
        services.mark_execution(
            item, PlanItem.Execution.HELD, day, "Проведено по плану, материалы размещены на сайте ИМЦ.", by=by
        )
    for item in items[count_held : count_held + count_moved]:
        day = (item.starts_on or plan.period_start) + timedelta(days=14)
        services.mark_execution(item, PlanItem.Execution.MOVED, day, "Перенесено по просьбе ОУ.", by=by)


def load(context):
    districts = context["districts"]
    methodist = context["users"]["methodist"]
    admiralteysky, created = _plan(
        districts["admiralteysky"], "plan-admiralteysky-2023-2024.docx", services.as_period("2023/2024"), methodist
    )
    if created:
        _mark(admiralteysky, methodist, count_held=8, count_moved=2)
    petrogradsky, created = _plan(
        districts["petrogradsky"], "plan-petrogradsky-2019-2020.docx", services.as_period("2019/2020"), methodist
    )
    if created:
        _mark(petrogradsky, methodist)
    current = academic_year_of()
    krasnoselsky, created = _plan(
        context["district"],
        "plan-petrogradsky-2019-2020.docx",
        current,
        methodist,
        title=f"План мероприятий по сопровождению инновационной деятельности образовательных учреждений "
        f"Красносельского района Санкт-Петербурга на {current.start.year}-{current.end.year} учебный год",
    )
    if created:
        _mark(krasnoselsky, methodist, count_held=2, count_moved=0)
    context["plans"] = {"admiralteysky": admiralteysky, "petrogradsky": petrogradsky, "krasnoselsky": krasnoselsky}
