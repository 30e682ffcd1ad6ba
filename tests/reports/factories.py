"""A district's year in the portal, for the dashboard and the annual report."""

from datetime import timedelta

from django.utils import timezone

from applications.models import Application, StatusKind
from innovation_portal.years import academic_year_of
from plans.models import Execution, PlanItemOccurrence
from publications.models import Article
from ratings import services as rating_services
from ratings.models import RatingCampaign, RatingCard
from tests.applications.factories import ApplicationFactory, AwardFactory, CallFactory, StatusKindFactory
from tests.factories import InstitutionFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.publications.factories import ArticleFactory, CollectionFactory
from tests.ratings.factories import CampaignFactory, CardFactory, EntryFactory, IndicatorFactory


def this_year():
    return academic_year_of().label


def populate(world, rows=1):
    """`rows` sites, calls, awarded applications, plan events, rated institutions and collections."""
    year = this_year()
    district = world.district
    kind = StatusKindFactory(name="Районная стажировочная площадка", short_name="РСП")
    city = StatusKindFactory(name="Экспериментальная площадка", short_name="ЭП", level=StatusKind.Level.CITY)
    plan = make_plan(district, period=year, title=f"План мероприятий на {year} учебный год")
    section = make_section(plan)
    campaign = CampaignFactory(
        district=district,
        academic_year=year,
        status=RatingCampaign.Status.VERIFYING,
        data_deadline=timezone.now() - timedelta(days=3),
    )
    indicator = IndicatorFactory(campaign=campaign)
    collection = CollectionFactory(district=district, academic_year=year, title="Инновационные процессы района")
    institutions = [world.institution] + [
        InstitutionFactory(district=district, number=str(100 + i), short_name=f"ГБОУ школа № {100 + i}")
        for i in range(rows - 1)
    ]
    for index, institution in enumerate(institutions):
        AwardFactory(institution=institution, status_kind=kind if index % 2 == 0 else city, theme=f"Тема {index}")
        call = CallFactory(district=district, academic_year=year, status_kind=kind, title=f"Конкурс {index + 1}")
        application = ApplicationFactory(call=call, institution=institution, theme=f"Проект {index + 1}")
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        item = make_item(section, title=f"Семинар {index + 1}", timeframe="октябрь")
        if index % 2 == 0:
            occurrence = item.occurrences.get()
            PlanItemOccurrence.objects.filter(pk=occurrence.pk).update(
                execution=Execution.HELD, executed_on=min(occurrence.first_day, timezone.localdate())
            )
        card = CardFactory(campaign=campaign, institution=institution, state=RatingCard.State.VERIFIED)
        EntryFactory(card=card, indicator=indicator, verification="accepted", points=index + 1)
        ArticleFactory(
            collection=collection,
            institution=institution,
            title=f"Статья о проекте {index + 1}",
            state=Article.State.ACCEPTED,
            accepted_at=timezone.now(),
        )
    rating_services.compute(campaign)
    return {"year": year, "plan": plan, "campaign": campaign, "collection": collection, "kind": kind}
