"""Plans for tests, built the way the import builds them (timeframes read, months indexed)."""

from pathlib import Path

from plans import services
from plans.models import Plan, PlanAbbreviation, PlanItem, PlanSection

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
ADMIRALTEYSKY_DOCX = FIXTURES / "plan-admiralteysky-2023-2024.docx"
PETROGRADSKY_DOCX = FIXTURES / "plan-petrogradsky-2019-2020.docx"


def make_plan(
    district,
    period="2023/2024",
    status=Plan.Status.PUBLISHED,
    title="План мероприятий на 2023/2024 учебный год",
    **extra,
):
    period = services.as_period(period)
    plan = Plan.objects.create(
        district=district,
        title=title,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        status=status,
        **extra,
    )
    return plan


def make_section(plan, number="1.", title="Повышение квалификации"):
    return PlanSection.objects.create(plan=plan, number=number, title=title, order=plan.sections.count() + 1)


def make_item(section, title="Семинар", timeframe="октябрь", number="", host=None, organizers="", audience="", **extra):
    plan = section.plan
    item = PlanItem.objects.create(
        plan=plan,
        section=section,
        number=number or f"{section.number}{section.items.count() + 1}.",
        order=plan.items.count() + 1,
        title=title,
        timeframe_text=timeframe,
        host_institution=host,
        organizers_text=organizers,
        audience=audience,
        **extra,
    )
    item.plan = plan
    services.refresh_item_timeframe(item)
    if organizers:
        for code in services.organizer_codes(organizers):
            PlanAbbreviation.objects.get_or_create(plan=plan, abbr=code, defaults={"meaning": code.lower()})
        services.link_organizers(item)
    return item
