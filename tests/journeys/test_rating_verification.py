"""The methodist accepts a card's checked entries in one click, after a confirmation listing them."""

import pytest
from playwright.sync_api import expect

from ratings.models import Indicator, RatingCampaign, RatingCard, RatingEntry

pytestmark = pytest.mark.browser

V = RatingEntry.Verification


def test_methodist_accepts_everything_checked_after_the_confirmation(demo, visit):
    campaign = RatingCampaign.objects.get(academic_year="2026/2027", district__slug="krasnoselsky")
    card = (
        RatingCard.objects.filter(campaign=campaign, state=RatingCard.State.SUBMITTED, entries__verification=V.PENDING)
        .exclude(entries__indicator__scoring=Indicator.Scoring.METHODIST, entries__verification=V.PENDING)
        .distinct()
        .order_by("institution__short_name")
        .first()
    )
    assert card is not None, "the demo has a submitted card waiting for verification"
    pending = list(card.entries.filter(verification=V.PENDING).order_by("pk"))
    methodist = visit("methodist@demo.local")
    page = methodist.go(f"/ratings/cards/{card.pk}/verify/")
    page.get_by_role("link", name="Принять всё проверенное").click()
    page.wait_for_url(f"**/ratings/cards/{card.pk}/accept-all/")
    listed = page.locator("#to-accept tbody tr")
    expect(listed).to_have_count(len(pending))
    for entry in pending:
        expect(page.locator("#to-accept")).to_contain_text(entry.title)
    methodist.shot("confirmation")
    # Nothing is accepted before the methodist confirms.
    assert card.entries.filter(verification=V.PENDING).count() == len(pending)
    page.get_by_role("button", name="Принять все").click()
    page.wait_for_url(f"**/ratings/cards/{card.pk}/verify/")
    expect(page.locator(".alert-success")).to_contain_text("Принято")
    methodist.shot("accepted")
    for entry in pending:
        entry.refresh_from_db()
        assert (entry.verification, entry.points) == (V.ACCEPTED, entry.indicator.points)
        assert entry.verified_by.email == "methodist@demo.local"
