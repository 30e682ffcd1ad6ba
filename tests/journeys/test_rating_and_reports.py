"""The coordinator submits the rating card; the district office downloads its reports."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Institution
from ratings.models import RatingCampaign, RatingCard, RatingEntry
from tests.applications.factories import PDF

pytestmark = pytest.mark.browser


def test_coordinator_fills_and_submits_the_rating_card(demo, visit):
    campaign = RatingCampaign.objects.get(academic_year="2026/2027", status=RatingCampaign.Status.COLLECTING)
    lyceum = Institution.objects.get(short_name="ГБОУ лицей № 590")
    coordinator = visit("coordinator@demo.local")
    page = coordinator.go("/ratings/")
    page.locator("#campaigns tr", has_text="2026/2027").get_by_role("link", name="Карта").click()
    page.wait_for_url("**/ratings/cards/*/")
    expect(page.get_by_role("heading", name="Информационно-диагностическая карта")).to_be_visible()
    card = RatingCard.objects.get(campaign=campaign, institution=lyceum)
    assert card.state == RatingCard.State.DRAFT
    before = card.entries.filter(automatic=False).count()

    # A talk at a district conference, proved by the programme as a PDF.
    indicator = campaign.indicators.filter(source="", scoring="per_entry").order_by("order").first()
    section = page.locator(f"#indicator-{indicator.code}")
    # Entries are added in the browser; one added by mistake is removed again and not saved.
    existing = section.locator(".entry-form").count()
    section.get_by_role("button", name="Добавить запись").click()
    section.get_by_role("button", name="Добавить запись").click()
    assert section.locator(".entry-form:visible").count() == existing + 2
    section.locator(".entry-form").nth(existing + 1).get_by_role("button", name="Удалить").click()
    assert section.locator(".entry-form:visible").count() == existing + 1
    prefix = f"ind{indicator.pk}-{existing}"
    section.locator(f"[name='{prefix}-title']").fill("Выступление на районной конференции «Инновационные процессы»")
    section.locator(f"[name='{prefix}-date']").fill("2026-10-15")
    section.locator(f"[name='{prefix}-evidence']").set_input_files(
        files=[{"name": "Программа конференции.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    coordinator.shot("card-filled")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Отправить карту").click()
    expect(page.locator("#card-state")).to_have_text("подана")
    coordinator.shot("card-submitted")

    card.refresh_from_db()
    assert card.state == RatingCard.State.SUBMITTED
    assert card.submitted_by.email == "coordinator@demo.local"
    entry = RatingEntry.objects.get(card=card, title__startswith="Выступление на районной конференции")
    assert entry.indicator == indicator
    assert entry.evidence_name == "Программа конференции.pdf"
    assert card.entries.filter(automatic=False).count() == before + 1
    # Editing is closed now: the page shows no form any more.
    expect(page.get_by_role("button", name="Отправить карту")).to_have_count(0)


def test_district_office_downloads_the_registry_and_the_rating(demo, visit):
    office = visit("office@demo.local")
    page = office.go("/competitions/registry/")
    expect(page.get_by_role("heading", name="Реестр инновационных площадок")).to_be_visible()
    office.shot("registry")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any("ГБОУ школа № 217" in cell for cell in cells), "the demo's awarded site is in the registry"

    published = RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED).order_by("-academic_year")[0]
    page = office.go(f"/ratings/{published.pk}/")
    office.shot("rating-results")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").first.click()
    download = download_info.value
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert published.academic_year in text
    assert "ГБОУ лицей № 590" in text
