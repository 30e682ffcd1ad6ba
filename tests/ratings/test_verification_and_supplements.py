"""What the methodist and the coordinator did, defect by defect: points required for a
methodist-scored indicator, «принять всё проверенное», copying another district's indicators,
supplementing automatic indicators without counting twice, and shared events."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ratings import services
from ratings.models import Indicator, RatingCard, RatingEntry, SharedEvent
from tests.factories import DistrictFactory, InstitutionFactory, Role, UserFactory, with_role
from tests.ratings.factories import CampaignFactory, CardFactory, EntryFactory, IndicatorFactory

State = RatingCard.State
V = RatingEntry.Verification
Scoring = Indicator.Scoring


@pytest.fixture
def verifying(world):
    campaign = CampaignFactory(district=world.district)
    initiative = IndicatorFactory(
        campaign=campaign, code="initiative_projects", name="Инициативные проекты", scoring=Scoring.METHODIST, points=5
    )
    events = IndicatorFactory(campaign=campaign, code="district_events", name="Районные мероприятия", points=1, cap=5)
    card = CardFactory(campaign=campaign, institution=world.institution, state=State.SUBMITTED)
    return campaign, initiative, events, card


def _verify_data(entries, decisions):
    data = {
        "form-TOTAL_FORMS": str(len(entries)),
        "form-INITIAL_FORMS": str(len(entries)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (entry, (verification, points, comment)) in enumerate(zip(entries, decisions, strict=True)):
        data[f"form-{index}-id"] = str(entry.pk)
        data[f"form-{index}-verification"] = verification
        data[f"form-{index}-points"] = points
        data[f"form-{index}-comment"] = comment
    return data


def test_accepting_a_methodist_scored_entry_needs_the_points(world, verifying, login):
    campaign, initiative, events, card = verifying
    entry = EntryFactory(card=card, indicator=initiative, title="Проект «Читающая школа»")
    client = login(world.users.methodist)
    url = reverse("ratings:verify", args=[card.pk])
    response = client.post(url, _verify_data([entry], [("accepted", "", "По отчёту за год")]))
    body = response.content.decode()
    # Refused with a Russian message; what was typed stays; no silent 5 points.
    assert response.status_code == 200
    assert "Укажите баллы: этот показатель оценивает методист (до 5)." in body
    assert "По отчёту за год" in body
    entry.refresh_from_db()
    assert (entry.verification, entry.points) == (V.PENDING, None)
    response = client.post(url, _verify_data([entry], [("accepted", "3", "По отчёту за год")]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.verification, entry.points) == (V.ACCEPTED, Decimal(3))
    # Above the maximum is refused too.
    response = client.post(url, _verify_data([entry], [("accepted", "7", "")]))
    assert "от 0 до 5" in response.content.decode() or "между 0 и 5" in response.content.decode()


def test_the_service_refuses_an_accepted_methodist_entry_without_points(world, verifying):
    _campaign, initiative, _events, card = verifying
    entry = EntryFactory(card=card, indicator=initiative)
    with pytest.raises(services.TransitionError):
        services.verify_entries(card, [(entry, V.ACCEPTED, None, "", "")], by=world.users.methodist)


def test_accept_everything_checked_lists_them_and_accepts_at_claimed_points(world, verifying, login):
    campaign, initiative, events, card = verifying
    seminar = EntryFactory(card=card, indicator=events, title="Семинар «Центр цифрового образования»")
    masterclass = EntryFactory(card=card, indicator=events, title="Мастер-класс «Финансовая культура»")
    project = EntryFactory(card=card, indicator=initiative, title="Проект «Читающая школа»")
    decided = EntryFactory(card=card, indicator=events, title="Старый семинар", verification=V.REJECTED, points=0)
    client = login(world.users.methodist)
    assert (
        reverse("ratings:accept_all", args=[card.pk])
        in client.get(reverse("ratings:verify", args=[card.pk])).content.decode()
    )
    url = reverse("ratings:accept_all", args=[card.pk])
    page = client.get(url).content.decode()
    assert "Будут приняты 2 записи с заявленными баллами" in page
    assert seminar.title in page and masterclass.title in page
    # The methodist-scored entry is listed apart, with why.
    assert "Остаются для вашего решения" in page and "укажите баллы (до 5)" in page
    response = client.post(url, {"entry": [seminar.pk, masterclass.pk]})
    assert response.status_code == 302
    for entry, state, points in (
        (seminar, V.ACCEPTED, Decimal(1)),
        (masterclass, V.ACCEPTED, Decimal(1)),
        (project, V.PENDING, None),
        (decided, V.REJECTED, Decimal(0)),
    ):
        entry.refresh_from_db()
        assert (entry.verification, entry.points) == (state, points), entry.title
    assert seminar.verified_by == world.users.methodist


def test_accept_everything_refuses_what_the_confirmation_did_not_show(world, verifying, login):
    campaign, initiative, events, card = verifying
    shown = EntryFactory(card=card, indicator=events, title="Семинар 1")
    EntryFactory(card=card, indicator=events, title="Семинар 2, добавлен позже")
    response = login(world.users.methodist).post(
        reverse("ratings:accept_all", args=[card.pk]), {"entry": [shown.pk]}, follow=True
    )
    assert "Карта изменилась" in response.content.decode()
    assert not card.entries.filter(verification=V.ACCEPTED).exists()


def test_a_new_district_copies_another_districts_indicators(world, login):
    source = CampaignFactory(district=world.other_district, academic_year="2025/2026")
    for code in ("status", "pmof", "experts"):
        IndicatorFactory(
            campaign=source, code=code, name=f"Показатель {code}", source="experts" if code == "experts" else ""
        )
    target = CampaignFactory(district=world.district, academic_year="2025/2026")
    IndicatorFactory(campaign=target, code="pmof", name="Свой ПМОФ")
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:ratings_ratingcampaign_changelist"),
        {"action": "copy_from_district", "_selected_action": [target.pk]},
    )
    url = reverse("admin:ratings_ratingcampaign_copy_from_district", args=[target.pk])
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert str(source) in page
    response = client.post(url, {"source": ""})
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    response = client.post(url, {"source": source.pk}, follow=True)
    assert "скопировано 2 показателя" in response.content.decode()
    assert sorted(target.indicators.values_list("code", "name")) == [
        ("experts", "Показатель experts"),
        ("pmof", "Свой ПМОФ"),
        ("status", "Показатель status"),
    ]
    assert target.indicators.get(code="experts").source == "experts"
    # Another district's methodist cannot open the page for our campaign.
    assert login(world.users.other_methodist).get(url).status_code in (302, 404)


def _management(indicator, total=1, initial=0):
    prefix = f"ind{indicator.pk}"
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_coordinator_supplements_an_automatic_indicator_and_the_methodist_verifies(world, login):
    campaign = CampaignFactory(district=world.district)
    experts = IndicatorFactory(campaign=campaign, code="experts", name="Эксперты", source="experts", points=1, cap=3)
    card = CardFactory(campaign=campaign, institution=world.institution)
    with_role(UserFactory(full_name="Фёдорова Людмила Николаевна"), Role.EXPERT, world.district, world.institution)
    client = login(world.users.coordinator)
    page = client.get(reverse("ratings:card", args=[card.pk])).content.decode()
    assert "Добавьте вручную то, чего он не знает" in page
    prefix = f"ind{experts.pk}"
    city = {
        **_management(experts),
        f"{prefix}-0-title": "Эксперт городской аттестационной комиссии: Смирнова О. В.",
        f"{prefix}-0-date": "2026-02-10",
        f"{prefix}-0-level": "city",
        f"{prefix}-0-link": "https://k-obr.spb.ru/prikaz-15",
        "save": "1",
    }
    assert client.post(reverse("ratings:card", args=[card.pk]), city).status_code == 302
    manual = RatingEntry.objects.get(card=card, automatic=False)
    assert (manual.indicator, manual.verification) == (experts, V.PENDING)
    # The portal's own entry is still there, linked to its source.
    portal = RatingEntry.objects.get(card=card, automatic=True)
    assert portal.source_ref.startswith("expert:") and portal.source_url

    # Typing what the portal already counts is refused, with what was typed kept.
    twice = {
        **_management(experts, total=2, initial=1),
        f"{prefix}-0-id": str(manual.pk),
        f"{prefix}-0-title": manual.title,
        f"{prefix}-0-date": "2026-02-10",
        f"{prefix}-0-level": "city",
        f"{prefix}-0-link": manual.link,
        f"{prefix}-1-title": "Член экспертного совета: Фёдорова Людмила Николаевна",
        f"{prefix}-1-link": "https://imc.example.org/sovet",
        "save": "1",
    }
    response = client.post(reverse("ratings:card", args=[card.pk]), twice)
    body = response.content.decode()
    assert response.status_code == 200 and "Портал уже учитывает это по показателю" in body
    assert "https://imc.example.org/sovet" in body
    assert RatingEntry.objects.filter(card=card).count() == 2

    services.submit_card(card, by=world.users.coordinator)
    RatingCampaignStatus = type(campaign).Status
    type(campaign).objects.filter(pk=campaign.pk).update(status=RatingCampaignStatus.VERIFYING)
    methodist = login(world.users.methodist)
    verify_page = methodist.get(reverse("ratings:verify", args=[card.pk])).content.decode()
    assert "добавлено учреждением" in verify_page
    response = methodist.post(reverse("ratings:accept_all", args=[card.pk]), {"entry": [manual.pk]})
    assert response.status_code == 302
    result = services.compute(type(campaign).objects.get(pk=campaign.pk))[0]
    assert result.points["experts"] == 2.0  # the portal's expert and the city one, each once


def test_a_copy_of_a_portal_entry_is_never_counted_twice(world):
    campaign = CampaignFactory(district=world.district)
    talks = IndicatorFactory(campaign=campaign, code="district_conferences", source="conference_talks", points=1)
    card = CardFactory(campaign=campaign, institution=world.institution, state=State.SUBMITTED)
    portal = EntryFactory(
        card=card,
        indicator=talks,
        automatic=True,
        source_ref="talk:7",
        source_url="/competitions/applications/7/",
        title="Инновационные процессы: Читательская грамотность в 5-х классах",
        verification=V.ACCEPTED,
        points=1,
    )
    copy = EntryFactory(
        card=card, indicator=talks, title="Читательская грамотность в 5-х классах", link="https://x.org/1"
    )
    other = EntryFactory(card=card, indicator=talks, title="Доклад на НПК Кировского района", link="https://x.org/2")
    assert services.portal_duplicates(card) == {copy.pk: portal}
    with pytest.raises(services.TransitionError, match="портал уже учитывает"):
        services.verify_entries(card, [(copy, V.ACCEPTED, None, "", "")], by=world.users.methodist)
    accept, left = services.acceptable_at_claimed_points(card)
    assert [e.pk for e in accept] == [other.pk] and [e.pk for e, _reason in left] == [copy.pk]


def test_a_shared_event_appears_on_each_participating_schools_card(world, login):
    campaign = CampaignFactory(district=world.district)
    pmof = IndicatorFactory(campaign=campaign, code="pmof", name="ПМОФ", points=2, cap=6)
    schools = [world.institution, world.other_institution, InstitutionFactory(district=world.district)]
    stranger = InstitutionFactory(district=DistrictFactory())
    client = login(world.users.methodist)
    add = reverse("admin:ratings_sharedevent_add")
    data = {
        "campaign": campaign.pk,
        "indicator": pmof.pk,
        "title": "Межрегиональная НПК «Персонализация школьного образования: ориентир на ученика»",
        "date": "2026-03-22",
        "level": "regional",
        "link": "http://moodle.imc.edu.ru/course/view.php?id=44",
        "institutions": [s.pk for s in schools],
    }
    assert client.post(add, data).status_code == 302
    event = SharedEvent.objects.get()
    assert event.created_by == world.users.methodist
    entries = RatingEntry.objects.filter(shared_event=event)
    assert sorted(e.card.institution_id for e in entries) == sorted(s.pk for s in schools)
    assert {(e.verification, e.points, e.title) for e in entries} == {(V.ACCEPTED, Decimal(2), data["title"])}
    page = (
        login(world.users.coordinator)
        .get(
            reverse("ratings:card", args=[RatingCard.objects.get(campaign=campaign, institution=world.institution).pk])
        )
        .content.decode()
    )
    assert "Персонализация школьного образования" in page
    # One school leaves the list: its entry goes; the others stay. A school of another district is refused.
    client = login(world.users.methodist)
    change = reverse("admin:ratings_sharedevent_change", args=[event.pk])
    response = client.post(change, {**data, "institutions": [schools[0].pk, stranger.pk]})
    assert response.status_code == 200
    assert client.post(change, {**data, "institutions": [schools[0].pk, schools[2].pk]}).status_code == 302
    assert sorted(e.card.institution_id for e in RatingEntry.objects.filter(shared_event=event)) == sorted(
        [schools[0].pk, schools[2].pk]
    )
    # Refreshing the automatic data leaves the methodist's event alone.
    services.sync_automatic_entries(campaign)
    assert RatingEntry.objects.filter(shared_event=event).count() == 2


def test_a_hand_entry_the_portal_learns_later_counts_once(world):
    campaign = CampaignFactory(district=world.district)
    talks = IndicatorFactory(campaign=campaign, code="district_conferences", source="conference_talks", points=1, cap=3)
    card = CardFactory(campaign=campaign, institution=world.institution, state=State.VERIFIED)
    # Accepted by hand first; then the portal's own record of the same talk appears.
    EntryFactory(
        card=card, indicator=talks, title="Читательская грамотность в 5-х классах", verification=V.ACCEPTED, points=1
    )
    EntryFactory(
        card=card,
        indicator=talks,
        automatic=True,
        source_ref="talk:9",
        title="Инновационные процессы: Читательская грамотность в 5-х классах",
        verification=V.ACCEPTED,
        points=1,
    )
    EntryFactory(card=card, indicator=talks, title="Доклад на НПК Кировского района", verification=V.ACCEPTED, points=1)
    assert services.compute(campaign)[0].points["district_conferences"] == 2.0
