from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Institution
from ratings import services
from ratings.models import Indicator, RatingCampaign, RatingCard, RatingEntry
from tests.factories import InstitutionFactory
from tests.ratings.factories import CampaignFactory, CardFactory, EntryFactory, IndicatorFactory, SlotFactory, accepted

State = RatingCard.State
V = RatingEntry.Verification
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def management(indicator, total=1, initial=0):
    prefix = f"ind{indicator.pk}"
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def setup(world):
    campaign = CampaignFactory(district=world.district)
    events = IndicatorFactory(campaign=campaign, code="district_events", name="Районные мероприятия", points=1, cap=5)
    experts = IndicatorFactory(campaign=campaign, code="experts", name="Эксперты", source="experts")
    card = CardFactory(campaign=campaign, institution=world.institution)
    return campaign, events, experts, card


def test_coordinator_fills_saves_and_submits_the_card(world, setup, login, django_capture_on_commit_callbacks):
    campaign, events, experts, card = setup
    # An expert of the district works at this institution: the portal fills that indicator.
    from tests.factories import Role, UserFactory, with_role

    with_role(UserFactory(full_name="Фёдорова Людмила Николаевна"), Role.EXPERT, world.district, world.institution)
    client = login(world.users.coordinator)
    page = client.get(reverse("ratings:card", args=[card.pk])).content.decode()
    assert "Член экспертного совета: Фёдорова Людмила Николаевна" in page
    # The portal's entry is shown, not a row to edit; what it does not know can be added beside it.
    assert 'value="Член экспертного совета' not in page
    assert f'name="ind{experts.pk}-TOTAL_FORMS"' in page
    assert f'name="ind{events.pk}-TOTAL_FORMS"' in page

    data = {
        **management(events),
        f"ind{events.pk}-0-title": "Семинар «Лаборатория осмысленного чтения»",
        f"ind{events.pk}-0-date": "2026-03-12",
        f"ind{events.pk}-0-level": "district",
        f"ind{events.pk}-0-evidence": SimpleUploadedFile("программа.pdf", PDF, content_type="application/pdf"),
        "save": "1",
    }
    response = client.post(reverse("ratings:card", args=[card.pk]), data)
    assert response.status_code == 302
    entry = RatingEntry.objects.get(card=card, automatic=False)
    assert (entry.title, entry.evidence_name) == ("Семинар «Лаборатория осмысленного чтения»", "программа.pdf")
    download = client.get(reverse("ratings:entry_evidence", args=[entry.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ratings:card", args=[card.pk]),
            {
                **management(events, total=2, initial=1),
                f"ind{events.pk}-0-id": str(entry.pk),
                f"ind{events.pk}-0-title": entry.title,
                f"ind{events.pk}-0-date": "2026-03-12",
                f"ind{events.pk}-0-level": "district",
                "submit": "1",
            },
        )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.state == State.SUBMITTED
    assert mail.outbox[-1].to == ["methodist@example.org"]
    page = client.get(reverse("ratings:card", args=[card.pk])).content.decode()
    assert "Сохранить черновик" not in page  # editing is closed


def test_an_entry_without_evidence_is_refused_and_the_input_kept(world, setup, login):
    campaign, events, experts, card = setup
    client = login(world.users.coordinator)
    response = client.post(
        reverse("ratings:card", args=[card.pk]),
        {**management(events), f"ind{events.pk}-0-title": "Мастер-класс без подтверждения", "save": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Укажите ссылку или приложите файл как подтверждение." in body
    assert "Мастер-класс без подтверждения" in body
    assert not RatingEntry.objects.filter(card=card, automatic=False).exists()


def test_saving_after_the_deadline_is_refused(world, setup, login):
    campaign, events, experts, card = setup
    RatingCampaign.objects.filter(pk=campaign.pk).update(data_deadline=timezone.now() - timedelta(seconds=1))
    client = login(world.users.coordinator)
    response = client.post(
        reverse("ratings:card", args=[card.pk]),
        {
            **management(events),
            f"ind{events.pk}-0-title": "Поздно",
            f"ind{events.pk}-0-link": "https://a.ru",
            "submit": "1",
        },
        follow=True,
    )
    assert "Срок подачи данных истёк" in response.content.decode()
    card.refresh_from_db()
    assert card.state == State.DRAFT and not card.entries.filter(automatic=False).exists()


def test_methodist_verifies_and_the_coordinator_sees_points_and_comments(
    world, setup, login, django_capture_on_commit_callbacks
):
    campaign, events, experts, card = setup
    RatingCard.objects.filter(pk=card.pk).update(state=State.SUBMITTED)
    good, partial, bad = (EntryFactory(card=card, indicator=events) for _ in range(3))
    client = login(world.users.methodist)
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "3", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for index, (entry, verification, points, comment) in enumerate(
        [(good, "accepted", "", ""), (partial, "adjusted", "0.5", "Без выступления"), (bad, "rejected", "", "")]
    ):
        data.update(
            {
                f"form-{index}-id": entry.pk,
                f"form-{index}-verification": verification,
                f"form-{index}-points": points,
                f"form-{index}-comment": comment,
            }
        )
    response = client.post(reverse("ratings:verify", args=[card.pk]), {**data, "finish": "1"})
    assert response.status_code == 200  # a rejection without a comment is not accepted
    assert "Поясните решение в комментарии" in response.content.decode()
    data["form-2-comment"] = "Мероприятие прошлого года"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ratings:verify", args=[card.pk]), {**data, "finish": "1"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.state == State.VERIFIED
    assert mail.outbox[-1].to == ["coordinator@example.org"]
    assert [e.points for e in card.entries.order_by("pk")] == [Decimal(1), Decimal("0.5"), Decimal(0)]

    client = login(world.users.coordinator)
    page = client.get(reverse("ratings:card", args=[card.pk])).content.decode()
    assert "Мероприятие прошлого года" in page and "Без выступления" in page
    response = client.post(
        reverse("ratings:card_appeal", args=[card.pk]), {f"entry_{bad.pk}": "Прошло 2 сентября, программа приложена"}
    )
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.state == State.APPEALED
    page = login(world.users.methodist).get(reverse("ratings:verify", args=[card.pk])).content.decode()
    assert "Прошло 2 сентября, программа приложена" in page


def test_methodist_publishes_and_the_public_sees_ranks_and_charts(world, setup, login):
    campaign, events, experts, card = setup
    accepted(card, events)
    client = login(world.users.methodist)
    for action in ("close", "publish"):
        client.post(reverse("ratings:campaign_action", args=[campaign.pk]), {"action": action})
    campaign.refresh_from_db()
    assert campaign.status == RatingCampaign.Status.PUBLISHED
    body = login(None).get(reverse("ratings:results", args=[campaign.pk])).content.decode()
    assert "ГБОУ лицей № 590" in body and "distribution-chart" in body and "vendor/chartjs/chart.umd.min.js" in body
    body = login(None).get(reverse("ratings:institution_results", args=[campaign.pk, world.institution.pk])).content
    assert b"indicator-chart" in body and "Среднее по району".encode() in body


def test_groups_tabs_rank_within_the_group(world, login):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED, separate_groups=True)
    indicator = IndicatorFactory(campaign=campaign)
    kindergarten = InstitutionFactory(
        district=world.district, kind=Institution.Kind.KINDERGARTEN, short_name="ГБДОУ детский сад № 26"
    )
    for institution, count in ((world.institution, 3), (kindergarten, 1)):
        card = CardFactory(campaign=campaign, institution=institution)
        for _ in range(count):
            accepted(card, indicator)
    services.compute(campaign)
    body = login(None).get(reverse("ratings:results", args=[campaign.pk]), {"group": "kindergartens"}).content.decode()
    assert "ГБДОУ детский сад № 26" in body and "ГБОУ лицей № 590" not in body


# --- query counts of the list pages at 1 and 25 rows ------------------------------------------


def _published_with(world, rows):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    indicator = IndicatorFactory(campaign=campaign)
    for n in range(rows):
        institution = world.institution if n == 0 else InstitutionFactory(district=world.district)
        accepted(CardFactory(campaign=campaign, institution=institution), indicator)
    services.compute(campaign)
    return campaign


@pytest.mark.parametrize("rows", [1, 25])
def test_results_page_queries(world, login, rows, django_assert_num_queries):
    campaign = _published_with(world, rows)
    client = login(None)
    with django_assert_num_queries(3):
        assert client.get(reverse("ratings:results", args=[campaign.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_institution_results_page_queries(world, login, rows, django_assert_num_queries):
    campaign = _published_with(world, rows)
    client = login(None)
    with django_assert_num_queries(3):
        client.get(reverse("ratings:institution_results", args=[campaign.pk, world.institution.pk]))


@pytest.mark.parametrize("rows", [1, 25])
def test_index_page_queries(world, login, rows, django_assert_num_queries):
    for n in range(rows):
        campaign = CampaignFactory(district=world.district, academic_year=f"{2000 + n}/{2001 + n}")
        CardFactory(campaign=campaign, institution=world.institution)
    client = login(world.users.coordinator)
    with django_assert_num_queries(6):
        assert client.get(reverse("ratings:index")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_progress_page_queries(world, login, rows, django_assert_num_queries):
    campaign = CampaignFactory(district=world.district)
    indicator = IndicatorFactory(campaign=campaign)
    for n in range(rows):
        institution = world.institution if n == 0 else InstitutionFactory(district=world.district)
        EntryFactory(card=CardFactory(campaign=campaign, institution=institution), indicator=indicator)
    client = login(world.users.methodist)
    with django_assert_num_queries(6):
        assert client.get(reverse("ratings:progress", args=[campaign.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_interviews_page_queries(world, login, rows, django_assert_num_queries):
    campaign = CampaignFactory(district=world.district)
    for n in range(rows):
        booked = InstitutionFactory(district=world.district) if n % 2 else None
        SlotFactory(campaign=campaign, booked_by=booked)
    client = login(world.users.methodist)
    with django_assert_num_queries(6):
        assert client.get(reverse("ratings:interviews", args=[campaign.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_card_page_queries(world, setup, login, rows, django_assert_num_queries):
    campaign, events, experts, card = setup
    RatingCard.objects.filter(pk=card.pk).update(state=State.SUBMITTED)
    for _ in range(rows):
        EntryFactory(card=card, indicator=events)
    client = login(world.users.coordinator)
    with django_assert_num_queries(8):
        assert client.get(reverse("ratings:card", args=[card.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_draft_card_page_queries(world, setup, login, rows, django_assert_num_queries):
    campaign, events, experts, card = setup
    for _ in range(rows):
        EntryFactory(card=card, indicator=events)
    client = login(world.users.coordinator)
    client.get(reverse("ratings:card", args=[card.pk]))  # the first visit fills the automatic entries
    with django_assert_num_queries(15):
        assert client.get(reverse("ratings:card", args=[card.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_verify_page_queries(world, setup, login, rows, django_assert_num_queries):
    campaign, events, experts, card = setup
    RatingCard.objects.filter(pk=card.pk).update(state=State.SUBMITTED)
    for _ in range(rows):
        EntryFactory(card=card, indicator=events)
    client = login(world.users.methodist)
    with django_assert_num_queries(6):
        assert client.get(reverse("ratings:verify", args=[card.pk])).status_code == 200


def test_home_page_lists_the_rating_deadline_and_cards_to_verify(world, setup, login):
    campaign, events, experts, card = setup
    body = login(world.users.coordinator).get(reverse("home")).content.decode()
    assert "Заполнить и отправить информационно-диагностическую карту" in body
    CardFactory(campaign=campaign, institution=world.other_institution, state=State.SUBMITTED)
    body = login(world.users.methodist).get(reverse("home")).content.decode()
    assert "Карты рейтинга ждут проверки (2025/2026): 1" in body


def test_indicator_scoring_kinds_are_listed(setup):
    assert {choice for choice, _label in Indicator.Scoring.choices} == {"per_entry", "yes_no", "methodist"}


def _entry_data(indicator, *, title, evidence=False, entry=None, index=0):
    prefix = f"ind{indicator.pk}-{index}"
    data = {f"{prefix}-title": title, f"{prefix}-date": "2026-03-12", f"{prefix}-level": "district"}
    if entry is not None:
        data[f"{prefix}-id"] = str(entry.pk)
    if evidence:
        data[f"{prefix}-evidence"] = SimpleUploadedFile("программа.pdf", PDF, content_type="application/pdf")
    return data


@pytest.mark.parametrize("with_file", [True, False], ids=["file", "no-file"])
@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid"])
@pytest.mark.parametrize("existing", [True, False], ids=["existing", "new"])
def test_card_save_with_and_without_a_file(world, setup, login, with_file, valid, existing):
    """The defect: a new entry with a file plus an error elsewhere on the card answered 500 and lost the input."""
    campaign, events, experts, card = setup
    other = IndicatorFactory(campaign=campaign, code="projects", name="Проекты", points=1, cap=5)
    entry = EntryFactory(card=card, indicator=events, title="Старый семинар", link="https://school.example/1")
    client = login(world.users.coordinator)
    data = {**management(events, total=1, initial=1 if existing else 0), **management(other, total=1), "save": "1"}
    data |= _entry_data(events, title="Семинар с файлом", evidence=with_file, entry=entry if existing else None)
    if not with_file and not existing:
        data[f"ind{events.pk}-0-link"] = "https://school.example/2"
    if existing and not with_file:
        data[f"ind{events.pk}-0-link"] = entry.link
    # The other indicator's row is either left empty (valid) or half-filled without evidence (invalid).
    data[f"ind{other.pk}-0-title"] = "" if valid else "Проект без подтверждения"
    response = client.post(reverse("ratings:card", args=[card.pk]), data)
    if valid:
        assert response.status_code == 302
        saved = RatingEntry.objects.filter(card=card, indicator=events, title="Семинар с файлом").get()
        if with_file:
            assert saved.evidence_name == "программа.pdf"
        assert (saved.pk == entry.pk) == existing
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert "Семинар с файлом" in body and "Проект без подтверждения" in body  # everything typed is kept
    assert "Укажите ссылку или приложите файл как подтверждение." in body
    assert ("не сохранён" in body) == with_file  # the person is told to choose the file again
    assert not RatingEntry.objects.filter(title__in=["Семинар с файлом", "Проект без подтверждения"]).exists()


def _post_one(client, card, indicator, **fields):
    data = {**management(indicator), "save": "1", f"ind{indicator.pk}-0-link": "https://school.example/e"}
    data |= {f"ind{indicator.pk}-0-{name}": value for name, value in fields.items()}
    return client.post(reverse("ratings:card", args=[card.pk]), data)


def test_a_date_outside_the_campaigns_academic_year_is_refused(world, setup, login):
    campaign, events, experts, card = setup  # 2025/2026
    client = login(world.users.coordinator)
    response = _post_one(client, card, events, title="Семинар прошлого года", date="2025-05-20", level="district")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Дата вне 2025/2026 учебного года (01.09.2025 – 31.08.2026)" in body
    assert "Семинар прошлого года" in body
    assert not RatingEntry.objects.filter(title="Семинар прошлого года").exists()
    assert _post_one(client, card, events, title="Семинар", date="2025-09-01", level="district").status_code == 302


def test_the_same_event_does_not_count_in_two_years_unless_a_methodist_allows_it(world, setup, login):
    campaign, events, experts, card = setup
    last_year = CampaignFactory(district=world.district, academic_year="2024/2025")
    old_card = CardFactory(campaign=last_year, institution=world.institution)
    old_events = IndicatorFactory(campaign=last_year, code="district_events", name="Районные мероприятия")
    earlier = EntryFactory(
        card=old_card, indicator=old_events, title="Районный  семинар «Читаем вместе»", date="2025-09-03"
    )
    client = login(world.users.coordinator)
    response = _post_one(
        client, card, events, title="районный семинар «читаем вместе»", date="2025-09-03", level="district"
    )
    assert response.status_code == 200
    assert "уже есть в карте вашего учреждения за другой год" in response.content.decode()
    earlier.may_count_again = True
    earlier.save(update_fields=["may_count_again"])
    response = _post_one(
        client, card, events, title="районный семинар «читаем вместе»", date="2025-09-03", level="district"
    )
    assert response.status_code == 302
