"""Councils: meetings, their agenda and decisions, applying them, and the protocol."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import exports, selectors, services
from ..forms import AgendaForm, DecisionFormSet, MeetingForm, MemberFormSet
from ..models import CouncilMeeting
from .manage import _require_lists


def _districts(user):
    if user.is_superuser:
        from accounts.models import District

        return set(District.objects.values_list("pk", flat=True))
    return user.district_ids("methodist")


def get_meeting(request, pk, permission="expertise.read_meeting"):
    _require_lists(request)
    meeting = get_object_or_404(selectors.meetings(request.user), pk=pk)
    require(request.user, permission, meeting)
    return meeting


@login_required
def councils(request):
    _require_lists(request)
    return render(
        request,
        "expertise/councils.html",
        {
            "meetings": selectors.meetings(request.user),
            "can_create": request.user.has_perm("expertise.manage_councils"),
        },
    )


def _meeting_form_page(request, meeting=None):
    district_ids = _districts(request.user)
    data = request.POST or None
    form = MeetingForm(data, instance=meeting, district_ids=district_ids)
    members = MemberFormSet(data, instance=meeting or CouncilMeeting(), district_ids=district_ids, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        created = meeting is None
        with transaction.atomic():
            previous = services.previous_meeting(form.cleaned_data["district"].pk, form.cleaned_data["kind"])
            saved = form.save()
            members.instance = saved
            services.save_members(saved, members)
            if created and previous is not None and not saved.members.exists():
                services.copy_roster(saved, previous)
                messages.info(
                    request,
                    _("The members are copied from the meeting № %(number)s of %(date)s: mark who is present.")
                    % {"number": previous.number, "date": date_format(previous.date, "j E Y")},
                )
        if created:
            messages.success(request, _("The meeting is created. Now add the applications to its agenda."))
        else:
            messages.success(request, _("The meeting is saved."))
        return redirect("expertise:council", pk=saved.pk)
    return render(request, "expertise/council_form.html", {"form": form, "members": members, "meeting": meeting})


@login_required
def council_new(request):
    require(request.user, "expertise.manage_councils")
    return _meeting_form_page(request)


@login_required
def council_edit(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    if not meeting.is_editable:
        messages.error(request, _("The decisions of this meeting have been applied: it can no longer be changed."))
        return redirect("expertise:council", pk=meeting.pk)
    return _meeting_form_page(request, meeting)


# A region's meeting may hold ~2,900 applications: the agenda is shown and decided a page at a
# time (each page's form saves its own rows only; ~10 fields a row stay far below
# DATA_UPLOAD_MAX_NUMBER_FIELDS).
AGENDA_PAGE = 40
POSTED_ROW = re.compile(r"form-\d+-id")


def _decision_formset(meeting, context, data=None, queryset=None):
    queryset = selectors.agenda(meeting) if queryset is None else queryset
    return DecisionFormSet(data, queryset=queryset, form_kwargs={"context": context})


def _agenda_page(request, meeting):
    number = request.POST.get("page") or request.GET.get("page")
    return Paginator(selectors.agenda(meeting), AGENDA_PAGE).get_page(number)


def _posted_rows(meeting, data):
    """The agenda rows a decisions form was sent for, locked until they are saved (nobody saves them in between)."""
    ids = [value for key, value in data.items() if POSTED_ROW.fullmatch(key) and value.isdigit()]
    return selectors.agenda(meeting).filter(pk__in=ids).select_for_update(of=("self",))


def _council_page(request, meeting, agenda_form=None, formset=None):
    can_manage = request.user.has_perm("expertise.manage_meeting", meeting) and meeting.is_editable
    page = _agenda_page(request, meeting)
    if formset is not None:
        items = list(formset.get_queryset())
    else:
        # The formset's rows are the page's rows: the page of the agenda (with its applications) is read once.
        queryset = page.object_list
        items = list(queryset)
        if can_manage:
            formset = _decision_formset(meeting, services.DecisionContext.of(meeting, items), queryset=queryset)
    forms_by_item = {f.instance.pk: f for f in formset.forms} if formset is not None else {}
    scores = selectors.agenda_results(items)
    members = list(meeting.members.all())
    return render(
        request,
        "expertise/council.html",
        {
            "meeting": meeting,
            "rows": [(item, forms_by_item.get(item.pk), scores.get(item.application_id)) for item in items],
            "page": page,
            "first_number": page.start_index() if items else 0,
            "formset": formset,
            "agenda_form": agenda_form or (AgendaForm(meeting=meeting) if can_manage else None),
            "can_manage": can_manage,
            "members": members,
            "present": [m for m in members if m.present],
            "in_future": meeting.date > timezone.localdate(),
        },
    )


@login_required
def council(request, pk):
    return _council_page(request, get_meeting(request, pk))


@login_required
@require_POST
def council_agenda(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    form = AgendaForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            added = services.add_to_agenda(meeting, form.cleaned_data["applications"])
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Added to the agenda: %d.") % len(added))
            return redirect("expertise:council", pk=meeting.pk)
    return _council_page(request, meeting, agenda_form=form)


@login_required
@require_POST
def council_decisions(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    try:
        with transaction.atomic():
            queryset = _posted_rows(meeting, request.POST)
            context = services.DecisionContext.of(meeting, list(queryset))
            formset = _decision_formset(meeting, context, request.POST, queryset=queryset)
            saved = formset.is_valid() and services.record_decisions(meeting, formset, by=request.user, context=context)
    except TransitionError as error:
        messages.error(request, str(error))
        saved = False
    if saved:
        messages.success(request, _("The decisions are saved. Apply them when the protocol is final."))
        page = request.POST.get("page", "")
        url = reverse("expertise:council", args=[meeting.pk])
        return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)
    return _council_page(request, meeting, formset=formset)


@login_required
@require_POST
def council_apply(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    try:
        applied = services.apply_decisions(meeting, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decisions are applied: the registry is updated and the applicants are told."))
        if applied.unreached:
            messages.warning(request, services.undelivered_message(applied.unreached))
    return redirect("expertise:council", pk=meeting.pk)


@login_required
def protocol(request, pk):
    meeting = get_meeting(request, pk)
    content = exports.protocol_pdf(meeting)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protocol-{meeting.pk}.pdf"'
    return response
