"""Factories for the rating's tests."""

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from ratings.models import Indicator, InterviewSlot, RatingCampaign, RatingCard, RatingEntry
from tests.factories import DistrictFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingCampaign

    district = factory.SubFactory(DistrictFactory)
    academic_year = "2025/2026"
    title = "Рейтинг инновационной активности"
    data_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    appeal_until = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))
    status = RatingCampaign.Status.COLLECTING


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    campaign = factory.SubFactory(CampaignFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Показатель {n}")
    scoring = Indicator.Scoring.PER_ENTRY
    points = Decimal(1)


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingCard

    campaign = factory.SubFactory(CampaignFactory)
    institution = None


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingEntry

    card = factory.SubFactory(CardFactory)
    indicator = None
    title = factory.Sequence(lambda n: f"Семинар № {n}")
    link = "https://example.org/event"


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewSlot

    campaign = factory.SubFactory(CampaignFactory)
    starts_at = factory.Sequence(
        lambda n: (
            timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=10), datetime.min.time()))
            + timedelta(hours=10, minutes=30 * n)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
    place = "ИМЦ, каб. 12"


def accepted(entry_or_card, indicator, points=None, **kwargs):
    """An entry already verified as accepted, giving `points` (the indicator's by default)."""
    return EntryFactory(
        card=entry_or_card,
        indicator=indicator,
        verification=RatingEntry.Verification.ACCEPTED,
        points=indicator.points if points is None else Decimal(points),
        **kwargs,
    )
