"""Writes of the rating: campaigns, cards and their entries, verification, appeals,
computation and interview bookings. Every state change goes through one door per model."""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Institution
from accounts.selectors import coordinators_of, methodists_of
from innovation_portal.workflow import TransitionError
from notifications.notify import notify

from . import sources
from .models import (
    Indicator,
    InterviewSlot,
    RatingCampaign,
    RatingCard,
    RatingEntry,
    RatingHistory,
    RatingResult,
)

Status = RatingCampaign.Status
State = RatingCard.State
Verification = RatingEntry.Verification

INDICATOR_FIELDS = ("order", "code", "name", "description", "scoring", "points", "cap", "evidence", "source")


# --- people ------------------------------------------------------------------------------


def move(obj, to, *, by, reason="", updates=None, on_commit=None):
    """The one door for a campaign's status and a card's state: conditional update, history row.

    A campaign: opening collection creates a card for every active institution of the
    district and fills the automatic indicators; publishing computes the rating first and
    tells the coordinators. A card: `updates` and `on_commit` (mail) go with the move.
    """
    if isinstance(obj, RatingCampaign):
        return _move_campaign(obj, to, by=by, reason=reason)
    if not isinstance(obj, RatingCard):
        raise TypeError(f"ratings.services.move() does not move a {type(obj).__name__}")
    return RatingCard.workflow.move(
        obj,
        to,
        by=by,
        reason=reason,
        history=RatingHistory.writer(campaign=obj.campaign, card=obj),
        updates=updates,
        on_commit=on_commit,
    )


# --- campaigns ---------------------------------------------------------------------------


def set_campaign_status(campaign, to, *, by, reason=""):
    """A campaign's status: see move()."""
    return move(campaign, to, by=by, reason=reason)


@transaction.atomic
def _move_campaign(campaign, to, *, by, reason=""):
    updates = {}
    if to == Status.PUBLISHED:
        compute(campaign)
        updates["published_at"] = timezone.now()
    if to == Status.VERIFYING and campaign.status == Status.PUBLISHED:
        updates["published_at"] = None
    RatingCampaign.workflow.move(
        campaign, to, by=by, reason=reason, history=RatingHistory.writer(campaign=campaign), updates=updates
    )
    if to == Status.COLLECTING:
        ensure_cards(campaign)
        sync_automatic_entries(campaign)
    if to == Status.PUBLISHED:
        institution_ids = campaign.cards.values_list("institution_id", flat=True)
        notify(
            coordinators_of(institution_ids),
            kind="rating_published",
            obj=campaign,
            title=_("The innovation activity rating %(year)s is published") % {"year": campaign.academic_year},
            body=_("The rating is published: see your institution's place and points per indicator on its page."),
            url=reverse("ratings:results", args=[campaign.pk]),
            key=f"rating-published-{campaign.pk}",
        )
    return campaign


def previous_campaign(campaign):
    """The same district's campaign of the latest earlier year, or None."""
    return (
        RatingCampaign.objects.filter(district_id=campaign.district_id, academic_year__lt=campaign.academic_year)
        .order_by("-academic_year")
        .first()
    )


@transaction.atomic
def copy_indicators(from_campaign, to_campaign):
    """Copy the indicators of another campaign (an earlier year of the district, or another
    district's); ones whose code already exists are kept as they are.

    Returns the number of indicators created.
    """
    if from_campaign.pk == to_campaign.pk:
        raise TransitionError(_("Choose another campaign to copy from."))
    existing = set(to_campaign.indicators.values_list("code", flat=True))
    new = [
        Indicator(campaign=to_campaign, **{field: getattr(indicator, field) for field in INDICATOR_FIELDS})
        for indicator in from_campaign.indicators.all()
        if indicator.code not in existing
    ]
    Indicator.objects.bulk_create(new)
    return len(new)


def ensure_cards(campaign, institutions=None):
    """A card for each institution (all active ones of the district by default); {institution_id: card}."""
    if institutions is None:
        institutions = list(Institution.objects.filter(district_id=campaign.district_id, is_active=True))
    RatingCard.objects.bulk_create(
        [RatingCard(campaign=campaign, institution=i) for i in institutions], ignore_conflicts=True
    )
    cards = RatingCard.objects.filter(campaign=campaign, institution__in=[i.pk for i in institutions])
    return {card.institution_id: card for card in cards.select_related("institution")}


# Cards whose automatic entries still follow the portal; a verified card is frozen.
REFRESHABLE = {State.DRAFT, State.SUBMITTED}


@transaction.atomic
def sync_automatic_entries(campaign, institutions=None):
    """Fill the automatic indicators of the cards from their sources.

    New records become accepted entries with the indicator's points; records gone from the
    source disappear; a methodist's verification of a kept record is not touched. Runs in a
    number of queries that depends on the indicators, not on the institutions.
    """
    indicators = [i for i in campaign.indicators.all() if i.source and sources.get(i.source)]
    if not indicators:
        return 0
    cards = {iid: c for iid, c in ensure_cards(campaign, institutions).items() if c.state in REFRESHABLE}
    if not cards:
        return 0
    # Shared events are the methodist's, not a source's: sync leaves them alone.
    existing = {
        (e.card_id, e.indicator_id, e.source_ref): e
        for e in RatingEntry.objects.filter(
            card__in=list(cards.values()), automatic=True, indicator__in=indicators, shared_event__isnull=True
        )
    }
    seen, new, changed = set(), [], []
    rated = [card.institution for card in cards.values()]
    for indicator in indicators:
        found = sources.get(indicator.source).compute(campaign, rated)
        for institution_id, auto_entries in found.items():
            card = cards.get(institution_id)
            if card is None:
                continue
            for auto in auto_entries:
                key = (card.pk, indicator.pk, auto.ref)
                seen.add(key)
                values = {"title": auto.title[:500], "date": auto.date, "level": auto.level, "source_url": auto.url}
                entry = existing.get(key)
                if entry is None:
                    points = auto.points if auto.points is not None else indicator.points
                    new.append(
                        RatingEntry(
                            card=card,
                            indicator=indicator,
                            automatic=True,
                            source_ref=auto.ref,
                            verification=Verification.ACCEPTED,
                            points=points,
                            **values,
                        )
                    )
                elif any(getattr(entry, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(entry, name, value)
                    changed.append(entry)
    stale = [entry.pk for key, entry in existing.items() if key not in seen]
    if stale:
        RatingEntry.objects.filter(pk__in=stale).delete()
    RatingEntry.objects.bulk_create(new)
    if changed:
        RatingEntry.objects.bulk_update(changed, ["title", "date", "level", "source_url"])
    return len(new)


# --- cards -------------------------------------------------------------------------------


def set_card_state(card, to, *, by, reason="", updates=None, on_commit=None):
    """A card's state: see move()."""
    return move(card, to, by=by, reason=reason, updates=updates, on_commit=on_commit)


def editing_refusal(card, now=None):
    """Why the coordinator cannot change the card now, or None when they can."""
    campaign = card.campaign
    if campaign.status != Status.COLLECTING:
        return _("The rating is not collecting data now.")
    if campaign.deadline_passed(now):
        return _("The data deadline has passed: %(deadline)s. The card can no longer be changed.") % {
            "deadline": timezone.localtime(campaign.data_deadline).strftime("%d.%m.%Y %H:%M")
        }
    if card.state not in RatingCard.EDITABLE:
        return _("The card has been submitted and can no longer be changed.")
    return None


def check_editable(card, now=None):
    refusal = editing_refusal(card, now)
    if refusal:
        raise TransitionError(refusal)


@transaction.atomic
def save_card(card, formsets, *, by, now=None):
    """Save the coordinator's entries (valid formsets by indicator) while the card is editable."""
    check_editable(card, now)
    for indicator, formset in formsets.items():
        for entry in formset.save(commit=False):
            entry.card = card
            entry.indicator = indicator
            entry.automatic = False
            entry.save()
        for entry in formset.deleted_objects:
            entry.delete()
    return card


@transaction.atomic
def submit_card(card, *, by, now=None):
    """Submit the card by the deadline: editing closes and the district's methodists are told."""
    check_editable(card, now)
    sync_automatic_entries(card.campaign, [card.institution])
    set_card_state(card, State.SUBMITTED, by=by, updates={"submitted_at": timezone.now(), "submitted_by": by})
    notify(
        methodists_of(card.campaign.district_id),
        kind="rating_card_submitted",
        obj=card,
        title=_("Rating card submitted: %(institution)s") % {"institution": card.institution},
        body=_("%(institution)s has submitted its rating card. Verify its entries.")
        % {"institution": card.institution},
        url=reverse("ratings:verify", args=[card.pk]),
    )
    return card


def points_for(indicator, verification, points=None):
    """The points an entry gives by its verification (before the indicator's cap).

    An accepted entry of an indicator the methodist scores gives the points the methodist
    typed (there is no default: see verify_entries); any other accepted entry its
    indicator's points.
    """
    if verification == Verification.ACCEPTED:
        return points if indicator.scoring == Indicator.Scoring.METHODIST else indicator.points
    if verification == Verification.ADJUSTED:
        return points
    if verification == Verification.REJECTED:
        return Decimal(0)
    return None


@transaction.atomic
def verify_entries(card, decisions, *, by):
    """Record a methodist's decisions: [(entry, verification, points, comment, appeal_answer)]."""
    if card.state not in RatingCard.UNDER_VERIFICATION or card.campaign.status not in RatingCampaign.VERIFIABLE:
        raise TransitionError(_("This card is not waiting for verification."))
    now = timezone.now()
    changed = []
    duplicates = portal_duplicates(card)
    for entry, verification, points, comment, appeal_answer in decisions:
        if entry.card_id != card.pk:
            raise TransitionError(_("The entry belongs to another card."))
        refusal = acceptance_refusal(entry, verification, points, duplicates)
        if refusal:
            raise TransitionError(f"«{entry.title}»: {refusal}")
        entry.verification = verification
        entry.points = points_for(entry.indicator, verification, points)
        entry.comment = comment
        entry.appeal_answer = appeal_answer
        entry.verified_by = by if verification != Verification.PENDING else None
        entry.verified_at = now if verification != Verification.PENDING else None
        changed.append(entry)
    RatingEntry.objects.bulk_update(
        changed, ["verification", "points", "comment", "appeal_answer", "verified_by", "verified_at"]
    )
    return changed


def shown(number):
    """A number of points as a Russian reads it: «5», «2,5»."""
    number = Decimal(number)
    whole = number == number.to_integral_value()
    return number_format(number.quantize(Decimal(1)) if whole else number.normalize(), use_l10n=True)


def acceptance_refusal(entry, verification, points, duplicates):
    """Why this entry cannot be accepted like this, or None."""
    if verification not in RatingEntry.COUNTED:
        return None
    if (
        verification == Verification.ACCEPTED
        and entry.indicator.scoring == Indicator.Scoring.METHODIST
        and points is None
    ):
        return _("the methodist scores this indicator: give the points (up to %(limit)s).") % {
            "limit": shown(entry.indicator.points)
        }
    twin = duplicates.get(entry.pk)
    if twin is not None:
        return _("the portal already counts it as «%(title)s»: reject the copy.") % {"title": twin.title}
    return None


# --- the portal's entries and the coordinator's: never counted twice ----------------------


def _words(text):
    return " ".join((text or "").lower().replace("ё", "е").replace("«", " ").replace("»", " ").split())


def is_duplicate(manual, automatic):
    """Does a coordinator's entry describe what the portal already counts for the same indicator?

    The same link as the portal's record, or the same words (one title holding the other, as an
    article's title sits inside «Title» — Collection) on the same day or without a day.
    """
    if manual.indicator_id != automatic.indicator_id:
        return False
    link, source = (manual.link or "").rstrip("/"), (automatic.source_url or "").rstrip("/")
    if link and source and (link == source or link.endswith(source)):
        return True
    mine, theirs = _words(manual.title), _words(automatic.title)
    if len(mine) < 8 or len(theirs) < 8:
        return mine == theirs and bool(mine)
    same_day = manual.date is None or automatic.date is None or manual.date == automatic.date
    return same_day and (mine in theirs or theirs in mine)


def portal_duplicates(card, entries=None):
    """{manual entry id: the portal's entry it duplicates} on one card."""
    entries = list(card.entries.all()) if entries is None else entries  # card may be None with entries
    automatic = [e for e in entries if e.automatic]
    found = {}
    for entry in entries:
        if entry.automatic:
            continue
        twin = next((a for a in automatic if is_duplicate(entry, a)), None)
        if twin is not None:
            found[entry.pk] = twin
    return found


def acceptable_at_claimed_points(card):
    """(to accept, left for the methodist): the card's pending entries that «accept everything
    checked» accepts at their claimed points, and those it cannot, each with the reason."""
    entries = list(card.entries.select_related("indicator").order_by("indicator__order", "date", "pk"))
    duplicates = portal_duplicates(card, entries)
    accept, left = [], []
    for entry in entries:
        if entry.verification != Verification.PENDING:
            continue
        claimed = points_for(entry.indicator, Verification.ACCEPTED)
        refusal = acceptance_refusal(entry, Verification.ACCEPTED, claimed, duplicates)
        if refusal:
            left.append((entry, refusal))
        else:
            entry.claimed_points = claimed
            accept.append(entry)
    return accept, left


@transaction.atomic
def accept_all_checked(card, *, by, expected_ids=None):
    """Accept every pending entry of the card at its claimed points in one go.

    Entries of indicators the methodist scores and copies of the portal's entries are left
    pending (they need a decision of their own). `expected_ids`: what the confirmation page
    listed; refused if the card changed since, so nothing unseen is accepted.
    """
    card = RatingCard.objects.select_for_update().select_related("campaign").get(pk=card.pk)
    if card.state not in RatingCard.UNDER_VERIFICATION or card.campaign.status not in RatingCampaign.VERIFIABLE:
        raise TransitionError(_("This card is not waiting for verification."))
    accept, _left = acceptable_at_claimed_points(card)
    if expected_ids is not None and {e.pk for e in accept} != set(expected_ids):
        raise TransitionError(_("The card has changed since the list was shown. Look at it again."))
    return verify_entries(card, [(e, Verification.ACCEPTED, None, e.comment, e.appeal_answer) for e in accept], by=by)


# --- shared events -----------------------------------------------------------------------


@transaction.atomic
def sync_shared_event(event):
    """Put the event on the card of each participating institution (creating cards as needed)
    as an accepted entry; take it off the cards of institutions no longer listed."""
    institutions = list(event.institutions.all())
    cards = ensure_cards(event.campaign, institutions)
    points = points_for(event.indicator, Verification.ACCEPTED, event.indicator.points)
    values = {
        "indicator": event.indicator,
        "title": event.title[:500],
        "date": event.date,
        "level": event.level,
        "link": event.link,
        "source_url": event.link,
    }
    existing = {e.card_id: e for e in RatingEntry.objects.filter(shared_event=event)}
    wanted = {card.pk for card in cards.values()}
    RatingEntry.objects.filter(shared_event=event).exclude(card_id__in=wanted).delete()
    for card in cards.values():
        entry = existing.get(card.pk)
        if entry is None:
            RatingEntry.objects.create(
                card=card,
                shared_event=event,
                automatic=True,
                source_ref=f"shared:{event.pk}",
                verification=Verification.ACCEPTED,
                points=points,
                verified_by=event.created_by,
                verified_at=timezone.now(),
                **values,
            )
        else:
            for name, value in values.items():
                setattr(entry, name, value)
            entry.save(update_fields=list(values))
    return len(cards)


@transaction.atomic
def finish_verification(card, *, by):
    """Close the card's verification (all entries decided); the coordinators see points and comments."""
    if card.entries.filter(verification=Verification.PENDING).exists():
        raise TransitionError(_("Some entries are not verified yet."))
    answering_appeal = card.state == State.APPEALED
    set_card_state(card, State.VERIFIED, by=by, updates={"verified_at": timezone.now()})
    title = (
        _("Your appeal on the rating card has been answered")
        if answering_appeal
        else _("Your rating card has been verified")
    )
    notify(
        coordinators_of([card.institution_id]),
        kind="rating_card_verified",
        obj=card,
        title=title,
        body=_(
            "The methodists have verified the rating card of %(institution)s. "
            "See the points and the comments on each entry on the card."
        )
        % {"institution": card.institution},
        url=reverse("ratings:card", args=[card.pk]),
    )
    return card


@transaction.atomic
def appeal_card(card, appeals, *, by, now=None):
    """The coordinator answers the verification once, within the appeal window.

    `appeals` maps entries to the coordinator's text; at least one must be written.
    """
    if card.state != State.VERIFIED or card.appealed_at is not None:
        raise TransitionError(_("An appeal can be made once, after the card is verified."))
    if not card.campaign.appeal_open(now):
        raise TransitionError(_("The appeal window is closed."))
    written = [(entry, text.strip()) for entry, text in appeals if text and text.strip()]
    if not written:
        raise TransitionError(_("Write what you disagree with for at least one entry."))
    for entry, text in written:
        if entry.card_id != card.pk:
            raise TransitionError(_("The entry belongs to another card."))
        entry.appeal = text
    RatingEntry.objects.bulk_update([entry for entry, _text in written], ["appeal"])
    set_card_state(card, State.APPEALED, by=by, updates={"appealed_at": timezone.now()})
    notify(
        methodists_of(card.campaign.district_id),
        kind="rating_card_appealed",
        obj=card,
        title=_("Appeal on a rating card: %(institution)s") % {"institution": card.institution},
        body=_("%(institution)s disagrees with the verification of its rating card. Answer the appeal on the card.")
        % {"institution": card.institution},
        url=reverse("ratings:verify", args=[card.pk]),
    )
    return card


# --- computation -------------------------------------------------------------------------


def competition_ranks(totals):
    """Ranks for totals where ties share a place and the next place is skipped (1, 2, 2, 4)."""
    ordered = sorted(totals, reverse=True)
    first_place = {}
    for index, total in enumerate(ordered):
        first_place.setdefault(total, index + 1)
    return [first_place[total] for total in totals]


def indicator_points(indicator, raw):
    limit = indicator.limit
    return min(raw, limit) if limit is not None else raw


@transaction.atomic
def compute(campaign):
    """Compute totals, places (overall and per group) and the change against last year.

    Writes a RatingResult per card of the campaign, replacing the previous snapshot, in the
    same number of queries whatever the number of institutions.
    """
    indicators = list(campaign.indicators.all())
    cards = list(campaign.cards.select_related("institution"))
    raw = defaultdict(Decimal)
    counted = RatingEntry.objects.filter(card__campaign=campaign, verification__in=RatingEntry.COUNTED).only(
        "card_id", "indicator_id", "automatic", "title", "date", "link", "source_url", "points"
    )
    by_card = defaultdict(list)
    for entry in counted:
        by_card[entry.card_id].append(entry)
    for card_id, entries in by_card.items():
        # A hand-made copy of what the portal counts (accepted before the portal knew it) counts once.
        copies = portal_duplicates(None, entries)
        for entry in entries:
            if entry.pk not in copies:
                raw[card_id, entry.indicator_id] += entry.points or Decimal(0)
    previous = previous_campaign(campaign)
    before = {}
    if previous is not None:
        before = {r.institution_id: r for r in RatingResult.objects.filter(campaign=previous)}
    results = []
    for card in cards:
        per_indicator = {i.code: indicator_points(i, raw[card.pk, i.pk]) for i in indicators}
        last = before.get(card.institution_id)
        results.append(
            RatingResult(
                campaign=campaign,
                institution_id=card.institution_id,
                group=card.institution.group,
                total=sum(per_indicator.values(), Decimal(0)),
                points={code: float(value) for code, value in per_indicator.items()},
                previous_total=last.total if last else None,
                previous_rank=last.rank if last else None,
                previous_group_rank=last.group_rank if last else None,
            )
        )
    for result, rank in zip(results, competition_ranks([r.total for r in results]), strict=True):
        result.rank = rank
    by_group = defaultdict(list)
    for result in results:
        by_group[result.group].append(result)
    for members in by_group.values():
        for result, rank in zip(members, competition_ranks([r.total for r in members]), strict=True):
            result.group_rank = rank
    RatingResult.objects.filter(campaign=campaign).delete()
    RatingResult.objects.bulk_create(results)
    campaign.computed_at = timezone.now()
    RatingCampaign.objects.filter(pk=campaign.pk).update(computed_at=campaign.computed_at)
    return results


# --- interviews --------------------------------------------------------------------------


@transaction.atomic
def generate_slots(campaign, *, first_day, last_day, day_start, day_end, minutes, place=""):
    """Publish interview slots of `minutes` between `day_start` and `day_end` on working days.

    Slots that already exist (same start) are kept; returns the number created.
    """
    tz = timezone.get_current_timezone()
    slots = []
    day = first_day
    step = timedelta(minutes=minutes)
    while day <= last_day:
        if day.weekday() < 5:
            start = datetime.combine(day, day_start, tzinfo=tz)
            end_of_day = datetime.combine(day, day_end, tzinfo=tz)
            while start + step <= end_of_day:
                slots.append(InterviewSlot(campaign=campaign, starts_at=start, ends_at=start + step, place=place))
                start += step
        day += timedelta(days=1)
    existing = set(InterviewSlot.objects.filter(campaign=campaign).values_list("starts_at", flat=True))
    new = [slot for slot in slots if slot.starts_at not in existing]
    InterviewSlot.objects.bulk_create(new)
    return len(new)


def book_slot(slot, institution, *, by, now=None):
    """Book a free slot for an institution: one per institution per campaign, first come first served.

    The free check and the booking are one conditional UPDATE, so of two people pressing the
    button together exactly one gets the slot. Coordinators and methodists are told.
    """
    now = now or timezone.now()
    if slot.campaign.status == Status.DRAFT or slot.starts_at <= now:
        raise TransitionError(_("This slot cannot be booked."))
    try:
        with transaction.atomic():
            if InterviewSlot.objects.filter(campaign_id=slot.campaign_id, booked_by=institution).exists():
                raise TransitionError(_("Your institution has already booked an interview; cancel it first."))
            changed = InterviewSlot.objects.filter(pk=slot.pk, booked_by__isnull=True).update(
                booked_by=institution, booked_at=now
            )
            if changed != 1:
                raise TransitionError(_("This slot has just been booked by another institution. Choose another."))
            slot.booked_by, slot.booked_at = institution, now
            when = timezone.localtime(slot.starts_at).strftime("%d.%m.%Y %H:%M")
            notify(
                coordinators_of([institution.pk]) + methodists_of(slot.campaign.district_id),
                kind="rating_interview_booked",
                district_id=slot.campaign.district_id,
                title=_("Interview booked: %(institution)s, %(when)s") % {"institution": institution, "when": when},
                body=_("%(institution)s has booked the rating interview for %(when)s.")
                % {"institution": institution, "when": when},
                url=reverse("ratings:slot_ics", args=[slot.pk]),
            )
    except IntegrityError:
        # The unique constraint caught a second slot for the same institution booked at the same moment.
        raise TransitionError(_("Your institution has already booked an interview; cancel it first.")) from None
    return slot


@transaction.atomic
def cancel_booking(slot, *, by, now=None):
    """Free a booked slot (before it starts)."""
    now = now or timezone.now()
    if slot.booked_by_id is None or slot.starts_at <= now:
        raise TransitionError(_("This booking cannot be cancelled."))
    changed = InterviewSlot.objects.filter(pk=slot.pk, booked_by_id=slot.booked_by_id).update(
        booked_by=None, booked_at=None
    )
    if changed != 1:
        raise TransitionError(_("Somebody has just changed this record. Reload the page and try again."))
    slot.booked_by, slot.booked_at = None, None
    return slot
