"""Every page of the rating, for every role (see tests/matrix.py)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from ratings import services
from ratings.models import RatingCampaign, RatingCard
from tests.matrix import PUBLIC, Case, staff_only, statuses

from .factories import CampaignFactory, CardFactory, EntryFactory, IndicatorFactory, SlotFactory

Status = RatingCampaign.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def campaign(w, status=Status.COLLECTING, **kwargs):
    return CampaignFactory(district=w.district, status=status, **kwargs)


def published(w):
    c = campaign(w, Status.PUBLISHED, data_deadline=timezone.now() - timedelta(days=30))
    indicator = IndicatorFactory(campaign=c)
    for institution in (w.institution, w.other_institution):
        card = CardFactory(campaign=c, institution=institution, state=RatingCard.State.VERIFIED)
        EntryFactory(card=card, indicator=indicator, verification="accepted", points=1)
    services.compute(c)
    return c


def unpublished(w):
    c = published(w)
    RatingCampaign.objects.filter(pk=c.pk).update(status=Status.VERIFYING)
    return c


def card(w, **kwargs):
    return CardFactory(campaign=campaign(w), institution=w.institution, **kwargs)


def evidence_entry(w):
    entry = EntryFactory(card=card(w), indicator=IndicatorFactory(), evidence_name="программа.pdf")
    entry.evidence.save("programme.pdf", ContentFile(PDF))
    return entry


def slot(w, booked=False):
    return SlotFactory(campaign=campaign(w), booked_by=w.institution if booked else None)


# 404 for who may not see the object at all, 403 for who sees it without the role for the action
# (innovation_portal.permissions): the district's staff read a card but do not fill it.
COORDINATOR_ONLY = statuses(404, anonymous=302, coordinator=200, methodist=403, district_office=403)
CARD_READERS = statuses(404, anonymous=302, coordinator=200, methodist=200, district_office=200)
# Every signed-in user of the district sees the campaign; interviews are for coordinators and methodists.
BOTH_COORDINATORS = statuses(403, anonymous=302, coordinator=200, other_coordinator=200, methodist=200)

CASES = [
    Case("ratings:index", lambda w: reverse("ratings:index"), PUBLIC),
    Case("ratings:results", lambda w: reverse("ratings:results", args=[published(w).pk]), PUBLIC),
    Case(
        "ratings:results",
        lambda w: reverse("ratings:results", args=[unpublished(w).pk]),
        statuses(404, methodist=200, district_office=200),
        label="unpublished",
    ),
    Case(
        "ratings:institution_results",
        lambda w: reverse("ratings:institution_results", args=[published(w).pk, w.institution.pk]),
        PUBLIC,
    ),
    Case("ratings:export_xlsx", lambda w: reverse("ratings:export_xlsx", args=[published(w).pk]), PUBLIC),
    Case("ratings:export_pdf", lambda w: reverse("ratings:export_pdf", args=[published(w).pk]), PUBLIC),
    Case(
        "ratings:export_xlsx",
        lambda w: reverse("ratings:export_xlsx", args=[unpublished(w).pk]),
        statuses(404, methodist=200, district_office=200),
        label="unpublished",
    ),
    Case(
        "ratings:my_card",
        lambda w: reverse("ratings:my_card", args=[campaign(w).pk]),
        statuses(404, anonymous=302, coordinator=302, other_coordinator=302),
    ),
    Case("ratings:card", lambda w: reverse("ratings:card", args=[card(w).pk]), CARD_READERS),
    Case(
        "ratings:card",
        lambda w: reverse("ratings:card", args=[card(w).pk]),
        statuses(404, anonymous=302, coordinator=302, methodist=403, district_office=403),
        method="post",
        data=lambda w: {"save": "1"},
        label="save",
    ),
    Case("ratings:card_appeal", lambda w: reverse("ratings:card_appeal", args=[card(w).pk]), COORDINATOR_ONLY),
    Case(
        "ratings:verify",
        lambda w: reverse("ratings:verify", args=[card(w, state=RatingCard.State.SUBMITTED).pk]),
        staff_only(),
    ),
    Case(
        "ratings:accept_all",
        lambda w: reverse("ratings:accept_all", args=[card(w, state=RatingCard.State.SUBMITTED).pk]),
        staff_only(),
    ),
    Case(
        "ratings:entry_evidence",
        lambda w: reverse("ratings:entry_evidence", args=[evidence_entry(w).pk]),
        CARD_READERS,
    ),
    Case("ratings:progress", lambda w: reverse("ratings:progress", args=[campaign(w).pk]), staff_only()),
    Case(
        "ratings:campaign_action",
        lambda w: reverse("ratings:campaign_action", args=[campaign(w).pk]),
        statuses(404, anonymous=302, methodist=302),
        method="post",
        data=lambda w: {"action": "refresh"},
    ),
    Case("ratings:interviews", lambda w: reverse("ratings:interviews", args=[campaign(w).pk]), BOTH_COORDINATORS),
    Case(
        "ratings:interviews",
        lambda w: reverse("ratings:interviews", args=[campaign(w).pk]),
        statuses(403, anonymous=302, methodist=302),
        method="post",
        data=lambda w: {
            "first_day": "2027-05-24",
            "last_day": "2027-05-25",
            "day_start": "10:00",
            "day_end": "12:00",
            "minutes": "30",
            "place": "ИМЦ",
        },
        label="generate",
    ),
    Case("ratings:interviews_ics", lambda w: reverse("ratings:interviews_ics", args=[campaign(w).pk]), staff_only()),
    Case(
        "ratings:slot_book",
        lambda w: reverse("ratings:slot_book", args=[slot(w).pk]),
        statuses(403, anonymous=302, coordinator=302, other_coordinator=302),
        method="post",
        data=lambda w: {},
    ),
    Case(
        "ratings:slot_cancel",
        lambda w: reverse("ratings:slot_cancel", args=[slot(w, booked=True).pk]),
        statuses(404, anonymous=302, coordinator=302, methodist=302),
        method="post",
        data=lambda w: {},
    ),
    Case(
        "ratings:slot_ics",
        lambda w: reverse("ratings:slot_ics", args=[slot(w, booked=True).pk]),
        statuses(404, anonymous=302, coordinator=200, methodist=200),
    ),
]
