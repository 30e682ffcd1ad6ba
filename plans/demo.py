"""Demo plans: the two shared plans imported from Word, published, with some occurrences marked.

The Admiralteysky (2023/2024) and Petrogradsky (2019/2020) plans are imported as they are;
the Krasnoselsky district gets the Petrogradsky plan for the current academic year, so that
"this month", the calendar and the home page have something to show today.
"""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from innovation_portal.years import academic_year_of

from . import services
from .importers.docx_reader import read_plan_docx
from .models import Execution, Plan, PlanItem, PlanItemOccurrence

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
    """Mark the first occurrences that have come held (with participants), the next ones moved.

    Idempotent: a plan with any mark is left as it is. Only occurrences whose window has begun
    are marked held, on a day that has come; «ежемесячно» items get several months held.
    """
    if PlanItemOccurrence.objects.filter(item__plan=plan).exclude(execution=Execution.PLANNED).exists():
        return
    today = timezone.localdate()
    occurrences = list(
        PlanItemOccurrence.objects.filter(item__plan=plan, first_day__isnull=False, first_day__lte=today)
        .select_related("item")
        .order_by("first_day", "item__order", "pk")
    )
    for index, occurrence in enumerate(occurrences[:count_held]):
        day = min(occurrence.first_day + timedelta(days=9 if not occurrence.exact else 0), occurrence.last_day, today)
        mark = services.Mark(
            Execution.HELD,
            executed_on=day,
            participants=20 + 7 * index,
            materials_url="https://imc.example.ru/materials",
            report="Проведено по плану, материалы размещены на сайте ИМЦ.",
        )
        services.mark_occurrence(occurrence, mark, by=by)
    for occurrence in occurrences[count_held : count_held + count_moved]:
        day = (occurrence.last_day or occurrence.first_day) + timedelta(days=14)
        services.mark_occurrence(
            occurrence, services.Mark(Execution.MOVED, executed_on=day, report="Перенесено по просьбе ОУ."), by=by
        )


def _host_at(plan, institution):
    """The coordinator's lyceum hosts two events of the current plan: a monthly one and one held three times."""
    for timeframe in ("ежемесячно", "октябрь, февраль, май"):
        item = plan.items.filter(timeframe_text=timeframe).order_by("order").first()
        if item is not None and item.host_institution_id is None:
            PlanItem.objects.filter(pk=item.pk).update(host_institution=institution)


def load(context):
    districts = context["districts"]
    methodist = context["users"]["methodist"]
    admiralteysky, created = _plan(
        districts["admiralteysky"], "plan-admiralteysky-2023-2024.docx", services.as_period("2023/2024"), methodist
    )
    _mark(admiralteysky, methodist, count_held=8, count_moved=2)
    petrogradsky, created = _plan(
        districts["petrogradsky"], "plan-petrogradsky-2019-2020.docx", services.as_period("2019/2020"), methodist
    )
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
    _host_at(krasnoselsky, context["institution_by_name"]["ГБОУ лицей № 590"])
    _mark(krasnoselsky, methodist, count_held=4, count_moved=1)
    context["plans"] = {"admiralteysky": admiralteysky, "petrogradsky": petrogradsky, "krasnoselsky": krasnoselsky}
