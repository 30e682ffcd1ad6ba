"""Pages of the rating: thin interfaces that read through selectors and write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import Institution
from innovation_portal.caching import cache_for_anonymous
from innovation_portal.files import serve
from innovation_portal.limits import limit_uploads
from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from . import exports, selectors, services
from .forms import AppealForm, SlotGenerateForm, VerifyFormSet, entry_formsets
from .models import InterviewSlot, RatingCampaign, RatingCard, RatingEntry

Status = RatingCampaign.Status


def index(request):
    """The campaigns a user may see, with the way into their own card or the methodist's pages."""
    campaigns = list(selectors.campaigns_visible_to(request.user).order_by("-academic_year", "district__name"))
    my_cards = {}
    if request.user.is_authenticated and request.user.coordinated_institution_ids:
        cards = RatingCard.objects.filter(
            institution_id__in=request.user.coordinated_institution_ids, campaign__in=campaigns
        ).select_related("institution")
        for card in cards:
            my_cards.setdefault(card.campaign_id, []).append(card)
    managed = set(request.user.district_ids("methodist")) if request.user.is_authenticated else set()
    rows = [
        {
            "campaign": c,
            "cards": my_cards.get(c.pk, []),
            "manages": request.user.is_superuser or c.district_id in managed,
        }
        for c in campaigns
    ]
    return render(request, "ratings/index.html", {"rows": rows})


# --- results -----------------------------------------------------------------------------


def _readable_campaign(request, pk):
    return get_object_or_404(selectors.results_readable_by(request.user), pk=pk)


# The published results: not the cards and entries that coordinators fill in during a campaign.
@cache_for_anonymous(
    "ratings.RatingCampaign", "ratings.Indicator", "ratings.RatingResult", "accounts.Institution", "accounts.District"
)
def results(request, pk):
    campaign = _readable_campaign(request, pk)
    group = request.GET.get("group") if campaign.separate_groups else None
    if group not in dict(Institution.Group.choices):
        group = None
    indicators = list(campaign.indicators.all())
    rows = list(selectors.results(campaign, group))
    labels, counts = selectors.distribution(rows)
    context = {
        "campaign": campaign,
        "indicators": indicators,
        "results": rows,
        "group": group,
        "groups": selectors.groups_present(campaign) if campaign.separate_groups else [],
        "chart": {"labels": labels, "counts": counts},
        "can_manage": request.user.has_perm("ratings.manage_campaign", campaign),
    }
    return render(request, "ratings/results.html", context)


def institution_results(request, pk, institution_pk):
    campaign = _readable_campaign(request, pk)
    indicators = list(campaign.indicators.all())
    rows = list(selectors.results(campaign))
    mine = next((r for r in rows if r.institution_id == institution_pk), None)
    if mine is None:
        raise Http404
    averages = selectors.indicator_averages(campaign, indicators, rows)
    lines = [{"indicator": i, "points": mine.points.get(i.code, 0), "average": averages[i.code]} for i in indicators]
    chart = {
        "labels": [f"{i.order}. {i.name[:40]}" for i in indicators],
        "mine": [line["points"] for line in lines],
        "average": [line["average"] for line in lines],
        "mine_label": mine.institution.short_name,
        "average_label": _("District average"),
    }
    context = {"campaign": campaign, "result": mine, "lines": lines, "chart": chart, "count": len(rows)}
    return render(request, "ratings/institution_results.html", context)


def export_xlsx(request, pk):
    campaign = _readable_campaign(request, pk)
    content = exports.rating_xlsx(campaign, list(campaign.indicators.all()), list(selectors.results(campaign)))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rating-{campaign.academic_year.replace("/", "-")}.xlsx"'
    return response


def export_pdf(request, pk):
    campaign = _readable_campaign(request, pk)
    content = exports.rating_pdf(campaign, list(campaign.indicators.all()), list(selectors.results(campaign)))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rating-{campaign.academic_year.replace("/", "-")}.pdf"'
    return response


# --- the coordinator's card ----------------------------------------------------------------


@login_required
def my_card(request, pk):
    """Open (creating if needed) the card of the coordinator's institution in a campaign."""
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    institutions = list(
        Institution.objects.filter(
            pk__in=request.user.coordinated_institution_ids, district_id=campaign.district_id
        ).order_by("short_name")
    )
    if not institutions or campaign.status == Status.DRAFT:
        raise Http404
    cards = services.ensure_cards(campaign, institutions[:1])
    return redirect("ratings:card", cards[institutions[0].pk].pk)


@login_required
@limit_uploads
def card(request, pk):
    card = get_object_or_404(selectors.cards_visible_to(request.user), pk=pk)
    campaign = card.campaign
    can_fill = request.user.has_perm("ratings.fill_card", card)
    refusal = services.editing_refusal(card)
    editable = can_fill and refusal is None
    if editable and request.method == "GET":
        # What the portal knows appears on the card as soon as the coordinator opens it.
        services.sync_automatic_entries(campaign, [card.institution])
    indicators = list(campaign.indicators.all())
    formsets = None
    if editable:
        bound = request.method == "POST"
        formsets = entry_formsets(card, indicators, request.POST if bound else None, request.FILES if bound else None)
        if bound:
            if all(formset.is_valid() for formset in formsets.values()):
                try:
                    services.save_card(card, formsets, by=request.user)
                    if "submit" in request.POST:
                        services.submit_card(card, by=request.user)
                        messages.success(request, _("The card has been submitted. Editing is closed."))
                    else:
                        messages.success(request, _("The draft has been saved."))
                    return redirect("ratings:card", card.pk)
                except TransitionError as error:
                    messages.error(request, str(error))
            else:
                messages.error(request, _("Some entries have errors: see the messages below and correct them."))
    elif request.method == "POST":
        if can_fill and refusal:
            messages.error(request, refusal)
            return redirect("ratings:card", card.pk)
        raise PermissionDenied  # they read the card; filling it is not theirs
    sections = [
        {"indicator": indicator, "entries": entries, "formset": formsets.get(indicator) if formsets else None}
        for indicator, entries in selectors.entries_by_indicator(card)
    ]
    context = {
        "card": card,
        "campaign": campaign,
        "sections": sections,
        "editable": editable,
        "can_fill": can_fill,
        "refusal": refusal,
        "show_points": card.state in (RatingCard.State.VERIFIED, RatingCard.State.APPEALED),
        "can_appeal": can_fill
        and card.state == RatingCard.State.VERIFIED
        and card.appealed_at is None
        and campaign.appeal_open(),
        "can_verify": request.user.has_perm("ratings.verify_card", card),
    }
    return render(request, "ratings/card.html", context)


@login_required
def card_appeal(request, pk):
    card = get_object_or_404(selectors.cards_visible_to(request.user), pk=pk)
    require(request.user, "ratings.fill_card", card)
    entries = list(card.entries.select_related("indicator").order_by("indicator__order", "pk"))
    form = AppealForm(entries, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_card(card, form.appeals(), by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your appeal has been sent to the methodologists."))
            return redirect("ratings:card", card.pk)
    return render(request, "ratings/appeal.html", {"card": card, "form": form})


@login_required
def entry_evidence(request, pk):
    entry = get_object_or_404(RatingEntry.objects.select_related("card__institution"), pk=pk)
    if not selectors.cards_visible_to(request.user).filter(pk=entry.card_id).exists():
        raise Http404
    return serve(entry.evidence, entry.evidence_name or None)


# --- the methodist's pages -----------------------------------------------------------------


def _managed_campaign(request, pk):
    return get_object_or_404(selectors.campaigns_managed_by(request.user), pk=pk)


@login_required
def progress(request, pk):
    campaign = _managed_campaign(request, pk)
    cards, counts = selectors.card_progress(campaign)
    context = {
        "campaign": campaign,
        "cards": cards,
        "counts": counts,
        "states": RatingCard.State,
    }
    return render(request, "ratings/progress.html", context)


CAMPAIGN_ACTIONS = {
    "open": (Status.COLLECTING, gettext_lazy("Data collection is open.")),
    "close": (Status.VERIFYING, gettext_lazy("Data collection is closed; verification goes on.")),
    "publish": (Status.PUBLISHED, gettext_lazy("The rating has been computed and published.")),
    "unpublish": (Status.VERIFYING, gettext_lazy("The rating has been withdrawn from publication.")),
}


@login_required
@require_POST
def campaign_action(request, pk):
    campaign = _managed_campaign(request, pk)
    action = request.POST.get("action")
    try:
        if action == "compute":
            if campaign.status not in RatingCampaign.COMPUTABLE:
                raise TransitionError(_("The rating is computed during verification and after publication."))
            services.compute(campaign)
            messages.success(request, _("The rating has been computed."))
        elif action == "refresh":
            created = services.sync_automatic_entries(campaign)
            messages.success(request, _("Automatic data refreshed: %(count)d new entries.") % {"count": created})
        elif action in CAMPAIGN_ACTIONS:
            target, message = CAMPAIGN_ACTIONS[action]
            services.set_campaign_status(campaign, target, by=request.user)
            messages.success(request, message)
        else:
            raise Http404
    except TransitionError as error:
        messages.error(request, str(error))
    return redirect("ratings:progress", campaign.pk)


@login_required
def verify(request, pk):
    card = get_object_or_404(selectors.cards_verifiable_by(request.user), pk=pk)
    queryset = card.entries.select_related("indicator").order_by("indicator__order", "date", "pk")
    open_for_verification = (
        card.state in RatingCard.UNDER_VERIFICATION and card.campaign.status in RatingCampaign.VERIFIABLE
    )
    entries = list(queryset)
    duplicates = services.portal_duplicates(card, entries)
    formset = None
    if open_for_verification:
        formset = VerifyFormSet(request.POST or None, queryset=queryset, form_kwargs={"duplicates": duplicates})
        formset._queryset = entries  # already loaded: the formset reads the list
    if request.method == "POST":
        if formset is None:
            messages.error(request, _("This card is not waiting for verification."))
            return redirect("ratings:verify", card.pk)
        if formset.is_valid():
            try:
                services.verify_entries(card, [form.decision() for form in formset.forms], by=request.user)
                if "finish" in request.POST:
                    services.finish_verification(card, by=request.user)
                    messages.success(request, _("The card is verified; the coordinator has been told."))
                    return redirect("ratings:progress", card.campaign_id)
                messages.success(request, _("Decisions saved."))
                return redirect("ratings:verify", card.pk)
            except TransitionError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, _("Some decisions have errors: see the messages below."))
    context = {
        "card": card,
        "campaign": card.campaign,
        "formset": formset,
        "entries": entries if formset is None else None,
        "pending": sum(1 for e in entries if e.verification == RatingEntry.Verification.PENDING),
    }
    return render(request, "ratings/verify.html", context)


@login_required
def accept_all(request, pk):
    """«Accept everything checked»: a confirmation listing the pending entries and their claimed
    points, then one click accepts them all (what needs the methodist's own decision is listed apart)."""
    card = get_object_or_404(selectors.cards_verifiable_by(request.user), pk=pk)
    if card.state not in RatingCard.UNDER_VERIFICATION or card.campaign.status not in RatingCampaign.VERIFIABLE:
        messages.error(request, _("This card is not waiting for verification."))
        return redirect("ratings:verify", card.pk)
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("entry") if value.isdigit()]
        try:
            accepted = services.accept_all_checked(card, by=request.user, expected_ids=ids)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext("%(count)d entry accepted.", "%(count)d entries accepted.", len(accepted))
                % {"count": len(accepted)},
            )
            return redirect("ratings:verify", card.pk)
    accept, left = services.acceptable_at_claimed_points(card)
    context = {"card": card, "campaign": card.campaign, "accept": accept, "left": left}
    return render(request, "ratings/accept_all.html", context)


# --- interviews ----------------------------------------------------------------------------


@login_required
def interviews(request, pk):
    campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)
    require(request.user, "ratings.view_interviews", campaign)
    manages = request.user.has_perm("ratings.manage_campaign", campaign)
    my_ids = request.user.coordinated_institution_ids
    form = SlotGenerateForm(
        request.POST or None,
        initial={"first_day": campaign.interviews_start, "last_day": campaign.interviews_end},
    )
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            created = services.generate_slots(campaign, **form.cleaned_data)
            messages.success(request, _("%(count)d interview slots published.") % {"count": created})
            return redirect("ratings:interviews", campaign.pk)
        messages.error(request, _("The slots were not created: correct the form."))
    slots = list(selectors.slots_of(campaign))
    mine = next((s for s in slots if s.booked_by_id in my_ids), None)
    now = timezone.now()
    context = {
        "campaign": campaign,
        "slots": slots,
        "mine": mine,
        "manages": manages,
        "can_book": bool(my_ids) and mine is None and campaign.status != Status.DRAFT,
        "form": form if manages else None,
        "now": now,
    }
    return render(request, "ratings/interviews.html", context)


def _my_institution(user, campaign):
    institution = (
        Institution.objects.filter(pk__in=user.coordinated_institution_ids, district_id=campaign.district_id)
        .order_by("short_name")
        .first()
    )
    if institution is None:
        raise Http404
    return institution


@login_required
@require_POST
def slot_book(request, pk):
    slot = get_object_or_404(
        InterviewSlot.objects.select_related("campaign").filter(
            campaign__in=selectors.campaigns_visible_to(request.user)
        ),
        pk=pk,
    )
    require(request.user, "ratings.book_interview", slot)
    institution = _my_institution(request.user, slot.campaign)
    try:
        services.book_slot(slot, institution, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The interview is booked. Add it to your calendar."))
    return redirect("ratings:interviews", slot.campaign_id)


@login_required
@require_POST
def slot_cancel(request, pk):
    slot = get_object_or_404(InterviewSlot.objects.select_related("campaign"), pk=pk)
    # The booking institution's coordinator or a methodist of the district.
    if not (
        request.user.has_perm("ratings.fill_card", slot)
        or request.user.has_perm("ratings.manage_campaign", slot.campaign)
    ):
        raise Http404
    try:
        services.cancel_booking(slot, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The booking has been cancelled."))
    return redirect("ratings:interviews", slot.campaign_id)


@login_required
def slot_ics(request, pk):
    slot = get_object_or_404(InterviewSlot.objects.select_related("campaign", "booked_by"), pk=pk)
    # A booking is seen by its institution and the district's staff only.
    if slot.booked_by_id is None or not request.user.has_perm("ratings.view_slot", slot):
        raise Http404
    response = HttpResponse(exports.interviews_ics([slot], str(slot.campaign)), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="interview-{slot.pk}.ics"'
    return response


@login_required
def interviews_ics(request, pk):
    campaign = _managed_campaign(request, pk)
    slots = selectors.slots_of(campaign).filter(booked_by__isnull=False).select_related("campaign")
    response = HttpResponse(exports.interviews_ics(slots, str(campaign)), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="interviews-{campaign.pk}.ics"'
    return response
