"""The demo shows a supplemented automatic indicator and a shared event (issue 14)."""

from django.core.management import call_command

from ratings.demo import SHARED_EVENT, SUPPLEMENT
from ratings.models import RatingEntry, RatingResult, SharedEvent


def _state():
    result = RatingResult.objects.get(
        campaign__academic_year="2025/2026",
        campaign__district__slug="krasnoselsky",
        institution__short_name=SUPPLEMENT["institution"],
    )
    return (
        result.points["district_conferences"],
        result.total,
        RatingEntry.objects.filter(title=SUPPLEMENT["title"]).count(),
        SharedEvent.objects.count(),
        RatingEntry.objects.filter(shared_event__isnull=False).count(),
    )


def test_the_district_conferences_indicator_is_not_zero_for_every_school(demo_db, client):
    conferences, _total, supplements, events, shared = _state()
    assert conferences > 0 and supplements == 1
    assert (events, shared) == (1, len(SHARED_EVENT["institutions"]))
    entry = RatingEntry.objects.get(title=SUPPLEMENT["title"])
    assert (entry.automatic, entry.indicator.source, entry.verification) == (False, "conference_talks", "accepted")
    page = client.get(f"/ratings/{entry.card.campaign_id}/").content.decode()
    assert SUPPLEMENT["institution"] in page


def test_loading_the_demo_again_changes_none_of_it(demo_db):
    before = _state()
    call_command("load_demo", verbosity=0)
    assert _state() == before
