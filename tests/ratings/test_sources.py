"""Automatic indicators read the registry, the conference calls, the collections and the experts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, Call, StatusAward, StatusKind
from publications.models import Article, Collection, Series
from ratings import services, sources
from ratings.models import RatingCard, RatingEntry
from tests.factories import InstitutionFactory, Role, UserFactory, with_role
from tests.ratings.factories import CampaignFactory, CardFactory, IndicatorFactory


@pytest.fixture
def campaign(world):
    return CampaignFactory(district=world.district, academic_year="2025/2026")


def kind(name, level="district", role=StatusKind.Role.NONE):
    return StatusKind.objects.get_or_create(name=name, defaults={"level": level, "role": role})[0]


def award(institution, status_kind, start=date(2024, 9, 1), end=date(2027, 8, 31)):
    return StatusAward.objects.create(
        institution=institution,
        status_kind=status_kind,
        theme="Читательская грамотность",
        valid_from=start,
        valid_to=end,
    )


def talk_call(world, year="2025/2026"):
    return Call.objects.create(
        district=world.district,
        purpose=Call.Purpose.CONFERENCE_TALK,
        form=Call.Form.CONFERENCE_TALK,
        academic_year=year,
        title="Инновационные процессы в системе образования Красносельского района",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=30),
        presentation_date=date(2026, 5, 12),
    )


def article(world, institution, state=Article.State.ACCEPTED, accepted_at=None):
    series, _ = Series.objects.get_or_create(district=world.district, name="Инновационные процессы")
    collection, _ = Collection.objects.get_or_create(
        district=world.district,
        series=series,
        title="Инновационные процессы в системе образования района",
        defaults={"academic_year": "2025/2026", "deadline": timezone.now()},
    )
    return Article.objects.create(
        collection=collection,
        institution=institution,
        submitted_by=world.users.coordinator,
        title="Опыт лаборатории осмысленного чтения",
        state=state,
        accepted_at=accepted_at or timezone.make_aware(timezone.datetime(2026, 4, 20, 12, 0)),
    )


def test_every_source_is_registered():
    assert {key for key, _label in sources.choices()} == {
        "experts",
        "statuses",
        "training_site",
        "conference_talks",
        "publications",
    }


def test_statuses_of_the_year_from_the_registry(world, campaign):
    award(world.institution, kind("Экспериментальная площадка Санкт-Петербурга", "city"))
    award(world.other_institution, kind("Районная базовая площадка"), start=date(2021, 9, 1), end=date(2024, 8, 31))
    found = sources.get("statuses").compute(campaign, [world.institution, world.other_institution])
    assert list(found) == [world.institution.pk]
    (entry,) = found[world.institution.pk]
    assert entry.title.startswith("Экспериментальная площадка Санкт-Петербурга") and entry.level == "city"
    assert entry.url == "/competitions/registry/"


def test_training_site_only_from_training_statuses(world, campaign):
    award(world.institution, kind("Районная стажировочная площадка", role=StatusKind.Role.TRAINING_SITE))
    award(world.other_institution, kind("Районная базовая площадка"))
    found = sources.get("training_site").compute(campaign, [world.institution, world.other_institution])
    assert list(found) == [world.institution.pk]


def test_renaming_a_training_status_keeps_the_indicator(world, campaign):
    training = kind("Районная стажировочная площадка", role=StatusKind.Role.TRAINING_SITE)
    award(world.institution, training)
    training.name = "Районный центр наставничества"  # the methodists' word, not the portal's
    training.save()
    award(world.other_institution, kind("Стажировочная площадка без роли"))  # the name alone counts for nothing
    found = sources.get("training_site").compute(campaign, [world.institution, world.other_institution])
    assert list(found) == [world.institution.pk]
    assert found[world.institution.pk][0].title.startswith("Районный центр наставничества")


def test_accepted_conference_talks_of_the_year(world, campaign):
    call = talk_call(world)
    accepted_talk = Application.objects.create(
        call=call, institution=world.institution, state=Application.State.AWARDED, theme="Читаем вместе"
    )
    Application.objects.create(call=call, institution=world.other_institution, state=Application.State.SUBMITTED)
    Application.objects.create(
        call=talk_call(world, year="2024/2025"), institution=world.institution, state=Application.State.AWARDED
    )
    found = sources.get("conference_talks").compute(campaign, [world.institution, world.other_institution])
    (entry,) = found[world.institution.pk]
    assert entry.ref == f"talk:{accepted_talk.pk}" and entry.date == date(2026, 5, 12)
    assert world.other_institution.pk not in found


def test_accepted_articles_of_the_year(world, campaign):
    accepted = article(world, world.institution)
    article(world, world.institution, state=Article.State.SUBMITTED)
    article(world, world.other_institution, accepted_at=timezone.make_aware(timezone.datetime(2025, 6, 1, 12, 0)))
    found = sources.get("publications").compute(campaign, [world.institution, world.other_institution])
    (entry,) = found[world.institution.pk]
    assert entry.ref == f"article:{accepted.pk}" and "Опыт лаборатории осмысленного чтения" in entry.title
    assert entry.url == f"/publications/articles/{accepted.pk}/"
    assert world.other_institution.pk not in found


def test_experts_affiliated_with_the_institution(world, campaign):
    found = sources.get("experts").compute(campaign, [world.institution, world.other_institution])
    # The world's expert works at the other institution.
    assert list(found) == [world.other_institution.pk]


def test_sync_creates_keeps_and_removes_automatic_entries(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, code="experts", source="experts", points=1)
    second = with_role(UserFactory(full_name="Николаев Игорь"), Role.EXPERT, world.district, world.other_institution)
    assert services.sync_automatic_entries(campaign) == 2
    card = RatingCard.objects.get(campaign=campaign, institution=world.other_institution)
    entries = card.entries.filter(indicator=indicator)
    assert entries.count() == 2 and all(e.automatic and e.verification == "accepted" for e in entries)
    # A methodist's decision on a kept record survives a refresh; a record gone from the source disappears.
    kept = entries.get(source_ref=f"expert:{world.users.expert.pk}")
    RatingEntry.objects.filter(pk=kept.pk).update(verification="adjusted", points=Decimal("0.5"))
    second.roles.all().delete()
    assert services.sync_automatic_entries(campaign) == 0
    assert list(card.entries.values_list("pk", "verification")) == [(kept.pk, "adjusted")]


def test_sync_leaves_verified_cards_alone(world, campaign):
    IndicatorFactory(campaign=campaign, source="experts")
    CardFactory(campaign=campaign, institution=world.other_institution, state=RatingCard.State.VERIFIED)
    services.sync_automatic_entries(campaign)
    assert not RatingEntry.objects.filter(card__institution=world.other_institution).exists()


def test_automatic_points_flow_into_the_rating(world, campaign):
    IndicatorFactory(campaign=campaign, code="status", scoring="yes_no", points=3, source="statuses")
    IndicatorFactory(campaign=campaign, code="publications", points=1, cap=5, source="publications")
    award(world.institution, kind("Районная стажировочная площадка"))
    article(world, world.institution)
    services.sync_automatic_entries(campaign)
    results = {r.institution_id: r for r in services.compute(campaign)}
    assert results[world.institution.pk].points == {"status": 3.0, "publications": 1.0}
    assert results[world.other_institution.pk].total == 0


@pytest.mark.parametrize("count", [3, 30])
def test_sync_takes_the_same_reads_for_any_number_of_institutions(world, campaign, count):
    for key in ("experts", "statuses", "training_site", "conference_talks", "publications"):
        IndicatorFactory(campaign=campaign, code=key, source=key)
    call = talk_call(world)
    status_kind = kind("Районная стажировочная площадка", role=StatusKind.Role.TRAINING_SITE)
    for _ in range(count - 2):
        institution = InstitutionFactory(district=world.district)
        award(institution, status_kind)
        Application.objects.create(call=call, institution=institution, state=Application.State.AWARDED)
        article(world, institution)
    with CaptureQueriesContext(connection) as queries:
        services.sync_automatic_entries(campaign)
    # Reads do not grow with the institutions; SQLite splits one bulk INSERT into batches by its own limit.
    reads = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith('INSERT INTO "ratings_ratingentry"')]
    assert len(reads) == 13
    assert RatingEntry.objects.filter(automatic=True).count() == 4 * (count - 2) + 1
