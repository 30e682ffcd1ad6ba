"""A district's public year as the demo has it: a published plan with events this month, an open
call with a public presentation, new sites, a published collection and a published rating."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from expertise.models import Presentation
from innovation_portal.years import academic_year_of
from publications.models import Article, Collection
from ratings.models import RatingCampaign, RatingResult
from tests.applications.factories import ApplicationFactory, AwardFactory, CallFactory, StatusKindFactory
from tests.factories import InstitutionFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import ArticleFactory, CollectionFactory
from tests.ratings.factories import CampaignFactory

MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def this_month_text():
    return MONTHS[timezone.localdate().month - 1]


def public_year(world, rows=1, district=None):
    """``rows`` of every block of the home page in ``district`` (the world's by default)."""
    district = district or world.district
    year = academic_year_of().label
    kind = StatusKindFactory(name="Районная стажировочная площадка", short_name="РСП")
    plan = make_plan(district, period=year, title=f"План мероприятий {district.short_name} на {year} учебный год")
    section = make_section(plan)
    campaign = CampaignFactory(
        district=district,
        academic_year=year,
        status=RatingCampaign.Status.PUBLISHED,
        data_deadline=timezone.now() - timedelta(days=30),
    )
    collection = CollectionFactory(
        district=district,
        academic_year=year,
        title=f"Инновационные процессы в системе образования: {district.short_name}",
        status=Collection.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=5),
    )
    if district == world.district:
        institutions = [world.institution]
    else:
        institutions = [
            InstitutionFactory(district=district, number="1", short_name=f"ГБОУ школа № 1 ({district.slug})")
        ]
    institutions += [
        InstitutionFactory(district=district, number=str(100 + i), short_name=f"ГБОУ школа № {100 + i} {district.slug}")
        for i in range(rows - 1)
    ]
    calls = []
    for index, institution in enumerate(institutions):
        AwardFactory(institution=institution, status_kind=kind, theme=f"Тема площадки {index + 1}")
        call = CallFactory(
            district=district,
            academic_year=year,
            status_kind=kind,
            title=f"Конкурс на статус РСП {district.short_name} {index + 1}",
        )
        calls.append(call)
        application = ApplicationFactory(call=call, institution=institution, theme=f"Проект {index + 1}")
        Application.objects.filter(pk=application.pk).update(state=Application.State.ADMITTED)
        Presentation.objects.create(
            call=call,
            application=application,
            starts_at=timezone.now() + timedelta(days=3 + index),
            place="ИМЦ, актовый зал",
        )
        make_item(section, title=f"Семинар для учителей {index + 1}", timeframe=this_month_text(), host=institution)
        ArticleFactory(
            collection=collection,
            institution=institution,
            title=f"Опыт проекта {index + 1}",
            state=Article.State.ACCEPTED,
            accepted_at=timezone.now() - timedelta(days=20),
        )
        RatingResult.objects.create(
            campaign=campaign,
            institution=institution,
            group=institution.group,
            total=Decimal(50 - index),
            rank=index + 1,
            group_rank=index + 1,
        )
    return {"plan": plan, "campaign": campaign, "collection": collection, "calls": calls, "kind": kind}
