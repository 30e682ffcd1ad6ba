from io import BytesIO

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from ratings import services
from ratings.models import RatingCampaign
from tests.ratings.factories import CampaignFactory, CardFactory, IndicatorFactory, SlotFactory, accepted


@pytest.fixture
def published(world):
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    pmof = IndicatorFactory(campaign=campaign, order=1, code="pmof", name="Презентация на ПМОФ", points=2, cap=6)
    experts = IndicatorFactory(campaign=campaign, order=2, code="experts", name="Члены экспертного сообщества")
    mine = CardFactory(campaign=campaign, institution=world.institution)
    accepted(mine, pmof)
    accepted(mine, pmof)
    accepted(mine, experts)
    other = CardFactory(campaign=campaign, institution=world.other_institution)
    accepted(other, experts)
    services.compute(campaign)
    return campaign


def test_xlsx_has_points_per_indicator(client, published):
    response = client.get(reverse("ratings:export_xlsx", args=[published.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("Место", "Место в группе", "Учреждение", "Группа")
    assert rows[1][4:6] == ("1. Презентация на ПМОФ", "2. Члены экспертного сообщества")
    assert rows[2][:7] == (1, 1, "ГБОУ лицей № 590", "школы", 4, 1, 5)
    assert rows[3][2] == "ГБОУ гимназия № 271" and rows[3][0] == 2


def test_pdf_prints_the_rating_table_in_landscape(client, published):
    response = client.get(reverse("ratings:export_pdf", args=[published.pk]))
    reader = PdfReader(BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Рейтинг инновационной активности 2025/2026" in text
    assert "ГБОУ лицей № 590" in text and "Презентация на ПМОФ" in text


def test_interview_ics_parses_back(world, login):
    campaign = CampaignFactory(district=world.district)
    slot = SlotFactory(campaign=campaign, booked_by=world.institution, place="ИМЦ, каб. 12")
    for user in (world.users.coordinator, world.users.methodist):
        response = login(user).get(reverse("ratings:slot_ics", args=[slot.pk]))
        assert response["Content-Type"] == "text/calendar"
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert event.decoded("dtstart") == slot.starts_at and event.decoded("dtend") == slot.ends_at
        assert "ГБОУ лицей № 590" in str(event["summary"]) and str(event["location"]) == "ИМЦ, каб. 12"
    response = login(world.users.methodist).get(reverse("ratings:interviews_ics", args=[campaign.pk]))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


def test_booking_through_the_page(world, login):
    campaign = CampaignFactory(district=world.district)
    slot = SlotFactory(campaign=campaign)
    client = login(world.users.coordinator)
    response = client.post(reverse("ratings:slot_book", args=[slot.pk]), follow=True)
    body = response.content.decode()
    assert "Вы записаны на собеседование" in body and reverse("ratings:slot_ics", args=[slot.pk]) in body
    response = login(world.users.other_coordinator).post(reverse("ratings:slot_book", args=[slot.pk]), follow=True)
    assert "только что записалось другое учреждение" in response.content.decode()
    slot.refresh_from_db()
    assert slot.booked_by == world.institution


def test_methodist_publishes_slots_through_the_page(world, login):
    campaign = CampaignFactory(district=world.district)
    client = login(world.users.methodist)
    data = {
        "first_day": "2027-05-24",
        "last_day": "2027-05-24",
        "day_start": "10:00",
        "day_end": "16:00",
        "minutes": "30",
    }
    client.post(reverse("ratings:interviews", args=[campaign.pk]), data)
    assert campaign.slots.count() == 12
    response = client.post(reverse("ratings:interviews", args=[campaign.pk]), {**data, "day_end": "09:00"})
    assert "Окончание дня должно быть позже начала." in response.content.decode()
    assert 'value="2027-05-24"' in response.content.decode()  # what was typed is kept
