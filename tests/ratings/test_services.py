from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Institution
from innovation_portal.workflow import TransitionError
from ratings import services
from ratings.models import Indicator, InterviewSlot, RatingCampaign, RatingCard, RatingEntry, RatingHistory
from tests.factories import InstitutionFactory, Role, UserFactory, with_role
from tests.ratings.factories import CampaignFactory, CardFactory, EntryFactory, IndicatorFactory, SlotFactory, accepted

Scoring = Indicator.Scoring
State = RatingCard.State
V = RatingEntry.Verification


@pytest.fixture
def campaign(world):
    return CampaignFactory(district=world.district)


def card_of(campaign, institution, **kwargs):
    return CardFactory(campaign=campaign, institution=institution, **kwargs)


# --- scoring -----------------------------------------------------------------------------


def test_per_entry_points_add_up_to_the_cap(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, scoring=Scoring.PER_ENTRY, points=2, cap=5)
    card = card_of(campaign, world.institution)
    for _ in range(4):
        accepted(card, indicator)
    result = services.compute(campaign)[0]
    assert result.points[indicator.code] == 5.0  # 4 × 2 = 8, capped at 5
    assert result.total == Decimal(5)


def test_per_entry_without_cap_is_unlimited(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, points=Decimal("1.5"), cap=None)
    card = card_of(campaign, world.institution)
    for _ in range(3):
        accepted(card, indicator)
    assert services.compute(campaign)[0].total == Decimal("4.5")


def test_yes_no_gives_its_points_once(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, scoring=Scoring.YES_NO, points=3)
    card = card_of(campaign, world.institution)
    accepted(card, indicator)
    accepted(card, indicator)
    assert services.compute(campaign)[0].total == Decimal(3)


def test_methodist_points_are_kept_under_the_maximum(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, scoring=Scoring.METHODIST, points=5)
    card = card_of(campaign, world.institution)
    accepted(card, indicator, points=4)
    accepted(card, indicator, points=3)
    assert services.compute(campaign)[0].total == Decimal(5)


def test_pending_and_rejected_entries_do_not_count(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, points=2)
    card = card_of(campaign, world.institution)
    EntryFactory(card=card, indicator=indicator)  # pending
    EntryFactory(card=card, indicator=indicator, verification=V.REJECTED, points=0)
    accepted(card, indicator)
    assert services.compute(campaign)[0].total == Decimal(2)


@pytest.mark.parametrize(
    "verification, given, expected",
    [
        (V.ACCEPTED, None, Decimal(2)),
        (V.ADJUSTED, Decimal("0.5"), Decimal("0.5")),
        (V.REJECTED, None, Decimal(0)),
        (V.PENDING, None, None),
    ],
)
def test_points_for_each_verification(verification, given, expected):
    indicator = Indicator(points=Decimal(2))
    assert services.points_for(indicator, verification, given) == expected


# --- ranks -------------------------------------------------------------------------------


def test_competition_ranking_shares_places_and_skips():
    assert services.competition_ranks([10, 8, 8, 5, 10, 1]) == [1, 3, 3, 5, 1, 6]
    assert services.competition_ranks([]) == []


def test_ranks_overall_and_per_group(world, campaign):
    indicator = IndicatorFactory(campaign=campaign, points=1)
    kindergarten = InstitutionFactory(district=world.district, kind=Institution.Kind.KINDERGARTEN)
    school3 = InstitutionFactory(district=world.district)
    totals = {world.institution: 3, world.other_institution: 3, kindergarten: 2, school3: 1}
    for institution, count in totals.items():
        card = card_of(campaign, institution)
        for _ in range(count):
            accepted(card, indicator)
    results = {r.institution_id: r for r in services.compute(campaign)}
    assert [results[i.pk].rank for i in totals] == [1, 1, 3, 4]
    assert results[kindergarten.pk].group_rank == 1
    assert results[kindergarten.pk].group == Institution.Group.KINDERGARTENS
    assert results[school3.pk].group_rank == 3  # after the two schools sharing the first place


def test_change_against_last_year(world):
    last = CampaignFactory(district=world.district, academic_year="2024/2025")
    now = CampaignFactory(district=world.district, academic_year="2025/2026")
    newcomer = InstitutionFactory(district=world.district)
    for c, counts in (
        (last, {world.institution: 1, world.other_institution: 4}),
        (now, {world.institution: 5, world.other_institution: 2, newcomer: 1}),
    ):
        indicator = IndicatorFactory(campaign=c, code="events", points=1)
        for institution, count in counts.items():
            card = card_of(c, institution)
            for _ in range(count):
                accepted(card, indicator)
    services.compute(last)
    results = {r.institution_id: r for r in services.compute(now)}
    mine = results[world.institution.pk]
    assert (mine.previous_total, mine.change, mine.previous_rank, mine.rank_change) == (Decimal(1), Decimal(4), 2, 1)
    assert results[world.other_institution.pk].change == Decimal(-2)
    assert results[newcomer.pk].change is None


def _rated_district(world, count):
    campaign = CampaignFactory(district=world.district, academic_year="2025/2026")
    previous = CampaignFactory(district=world.district, academic_year="2024/2025")
    indicators = [IndicatorFactory(campaign=campaign, cap=3) for _ in range(3)]
    for n in range(count):
        institution = InstitutionFactory(district=world.district, kind=Institution.Kind.values[n % 5])
        card = card_of(campaign, institution)
        for indicator in indicators[: n % 4]:
            accepted(card, indicator)
    services.compute(previous)
    return campaign


@pytest.mark.parametrize("count", [3, 30])
def test_compute_takes_the_same_queries_for_any_number_of_institutions(world, count, django_assert_num_queries):
    campaign = _rated_district(world, count)
    with django_assert_num_queries(10):
        results = services.compute(campaign)
    assert len(results) == count


def test_computing_again_replaces_the_snapshot(world, campaign):
    indicator = IndicatorFactory(campaign=campaign)
    card = card_of(campaign, world.institution)
    accepted(card, indicator)
    services.compute(campaign)
    accepted(card, indicator)
    services.compute(campaign)
    assert list(campaign.results.values_list("total", flat=True)) == [Decimal(2)]


# --- campaigns ---------------------------------------------------------------------------


def test_copy_indicators_from_the_previous_campaign(world):
    last = CampaignFactory(district=world.district, academic_year="2024/2025")
    IndicatorFactory(campaign=last, code="status", scoring=Scoring.YES_NO, points=3, source="statuses")
    IndicatorFactory(campaign=last, code="pmof", points=2, cap=6)
    now = CampaignFactory(district=world.district, academic_year="2025/2026")
    IndicatorFactory(campaign=now, code="pmof", points=1)
    assert services.previous_campaign(now) == last
    assert services.copy_indicators(last, now) == 1
    copied = now.indicators.get(code="status")
    assert (copied.scoring, copied.points, copied.source) == (Scoring.YES_NO, Decimal(3), "statuses")
    assert now.indicators.get(code="pmof").points == Decimal(1)  # kept as edited this year


def test_opening_collection_makes_a_card_for_every_active_institution(world):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.DRAFT)
    InstitutionFactory(district=world.district, is_active=False)
    services.set_campaign_status(campaign, RatingCampaign.Status.COLLECTING, by=world.users.methodist)
    assert set(campaign.cards.values_list("institution_id", flat=True)) == {
        world.institution.pk,
        world.other_institution.pk,
    }
    assert RatingHistory.objects.filter(campaign=campaign, to_state="collecting").exists()


def test_publishing_computes_and_tells_the_coordinators(world, campaign, django_capture_on_commit_callbacks):
    IndicatorFactory(campaign=campaign)
    services.ensure_cards(campaign)
    services.set_campaign_status(campaign, RatingCampaign.Status.VERIFYING, by=world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_campaign_status(campaign, RatingCampaign.Status.PUBLISHED, by=world.users.methodist)
    assert campaign.results.count() == 2 and campaign.published_at is not None
    assert {m.to[0] for m in mail.outbox} == {"coordinator@example.org", "coordinator2@example.org"}


def test_a_draft_campaign_cannot_be_published(world):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.DRAFT)
    with pytest.raises(TransitionError):
        services.set_campaign_status(campaign, RatingCampaign.Status.PUBLISHED, by=world.users.methodist)


# --- submission --------------------------------------------------------------------------


def test_submit_a_second_before_the_deadline(world, campaign, django_capture_on_commit_callbacks):
    card = card_of(campaign, world.institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_card(card, by=world.users.coordinator, now=campaign.data_deadline - timedelta(seconds=1))
    card.refresh_from_db()
    assert card.state == State.SUBMITTED and card.submitted_by == world.users.coordinator
    assert [m.to for m in mail.outbox] == [["methodist@example.org"]]


def test_submit_after_the_deadline_is_refused(world, campaign):
    card = card_of(campaign, world.institution)
    with pytest.raises(TransitionError, match="Срок подачи данных истёк"):
        services.submit_card(card, by=world.users.coordinator, now=campaign.data_deadline + timedelta(seconds=1))
    card.refresh_from_db()
    assert card.state == State.DRAFT


def test_a_submitted_card_cannot_be_submitted_again(world, campaign):
    card = card_of(campaign, world.institution, state=State.SUBMITTED)
    assert services.editing_refusal(card) is not None
    with pytest.raises(TransitionError):
        services.submit_card(card, by=world.users.coordinator)


# --- verification and appeal ---------------------------------------------------------------


def test_verification_then_appeal_then_answer(world, campaign, django_capture_on_commit_callbacks):
    indicator = IndicatorFactory(campaign=campaign, points=2, cap=None)
    card = card_of(campaign, world.institution, state=State.SUBMITTED)
    first, second, third = (EntryFactory(card=card, indicator=indicator) for _ in range(3))
    methodist = world.users.methodist
    services.verify_entries(
        card,
        [
            (first, V.ACCEPTED, None, "", ""),
            (second, V.ADJUSTED, Decimal(1), "Участие без выступления", ""),
            (third, V.REJECTED, None, "Прошлый год", ""),
        ],
        by=methodist,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.finish_verification(card, by=methodist)
    assert card.state == State.VERIFIED
    assert mail.outbox[-1].to == ["coordinator@example.org"]
    assert services.compute(campaign)[0].total == Decimal(3)

    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_card(card, [(third, "Мероприятие прошло 2 сентября")], by=world.users.coordinator)
    assert card.state == State.APPEALED and mail.outbox[-1].to == ["methodist@example.org"]
    third.refresh_from_db()
    services.verify_entries(card, [(third, V.ACCEPTED, None, "", "Засчитано")], by=methodist)
    services.finish_verification(card, by=methodist)
    assert services.compute(campaign)[0].total == Decimal(5)
    # Once only.
    with pytest.raises(TransitionError, match="один раз"):
        services.appeal_card(card, [(first, "Ещё раз")], by=world.users.coordinator)


def test_verification_cannot_finish_with_pending_entries(world, campaign):
    card = card_of(campaign, world.institution, state=State.SUBMITTED)
    EntryFactory(card=card, indicator=IndicatorFactory(campaign=campaign))
    with pytest.raises(TransitionError):
        services.finish_verification(card, by=world.users.methodist)


def test_appeal_after_the_window_is_refused(world):
    campaign = CampaignFactory(district=world.district, appeal_until=timezone.now() - timedelta(seconds=1))
    card = card_of(campaign, world.institution, state=State.VERIFIED)
    entry = EntryFactory(card=card, indicator=IndicatorFactory(campaign=campaign))
    with pytest.raises(TransitionError):
        services.appeal_card(card, [(entry, "Не согласны")], by=world.users.coordinator)


def test_an_empty_appeal_is_refused(world, campaign):
    card = card_of(campaign, world.institution, state=State.VERIFIED)
    entry = EntryFactory(card=card, indicator=IndicatorFactory(campaign=campaign))
    with pytest.raises(TransitionError):
        services.appeal_card(card, [(entry, "  ")], by=world.users.coordinator)


# --- interviews --------------------------------------------------------------------------


def test_generate_slots_on_working_days_only(world, campaign):
    from datetime import date

    # 21–25 May 2027: Friday, the weekend, Monday, Tuesday.
    created = services.generate_slots(
        campaign,
        first_day=date(2027, 5, 21),
        last_day=date(2027, 5, 25),
        day_start=time(10, 0),
        day_end=time(16, 0),
        minutes=30,
        place="ИМЦ",
    )
    assert created == 3 * 12
    days = {timezone.localtime(s.starts_at).date() for s in InterviewSlot.objects.filter(campaign=campaign)}
    assert date(2027, 5, 22) not in days and date(2027, 5, 24) in days
    again = services.generate_slots(
        campaign,
        first_day=date(2027, 5, 21),
        last_day=date(2027, 5, 21),
        day_start=time(10, 0),
        day_end=time(16, 0),
        minutes=30,
    )
    assert again == 0


def test_two_bookings_of_one_slot_one_wins(world, campaign):
    slot = SlotFactory(campaign=campaign)
    stale = InterviewSlot.objects.get(pk=slot.pk)  # the second person loaded the page at the same time
    services.book_slot(slot, world.institution, by=world.users.coordinator)
    with pytest.raises(TransitionError, match="другое учреждение"):
        services.book_slot(stale, world.other_institution, by=world.users.other_coordinator)
    assert InterviewSlot.objects.get(pk=slot.pk).booked_by == world.institution


def test_one_slot_per_institution(world, campaign):
    first, second = SlotFactory(campaign=campaign), SlotFactory(campaign=campaign)
    services.book_slot(first, world.institution, by=world.users.coordinator)
    with pytest.raises(TransitionError):
        services.book_slot(second, world.institution, by=world.users.coordinator)
    services.cancel_booking(first, by=world.users.coordinator)
    services.book_slot(second, world.institution, by=world.users.coordinator)
    assert InterviewSlot.objects.filter(booked_by=world.institution).get() == second


def test_booking_tells_coordinator_and_methodist(world, campaign, django_capture_on_commit_callbacks):
    slot = SlotFactory(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        services.book_slot(slot, world.institution, by=world.users.coordinator)
    assert {m.to[0] for m in mail.outbox} == {"coordinator@example.org", "methodist@example.org"}


def test_a_past_slot_cannot_be_booked(world, campaign):
    slot = SlotFactory(campaign=campaign)
    with pytest.raises(TransitionError):
        services.book_slot(slot, world.institution, by=world.users.coordinator, now=slot.starts_at)


def test_inactive_users_get_no_mail(world, campaign, django_capture_on_commit_callbacks):
    gone = with_role(UserFactory(email="gone@example.org", is_active=False), Role.METHODIST, world.district)
    assert gone not in services.methodists_of(world.district.pk)
