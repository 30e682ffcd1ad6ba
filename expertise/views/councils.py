"""Councils: meetings, their agenda and decisions, applying them, and the protocol."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import exports, selectors, services
from ..forms import AgendaForm, DecisionFormSet, MeetingForm
from ..models import AgendaItem
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


@login_required
def council_new(request):
    require(request.user, "expertise.manage_councils")
    form = MeetingForm(request.POST or None, district_ids=_districts(request.user))
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("The meeting is created. Now add the applications to its agenda."))
        return redirect("expertise:council", pk=meeting.pk)
    return render(request, "expertise/council_form.html", {"form": form})


@login_required
def council_edit(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    if not meeting.is_editable:
        messages.error(request, _("The decisions of this meeting have been applied: it can no longer be changed."))
        return redirect("expertise:council", pk=meeting.pk)
    form = MeetingForm(request.POST or None, instance=meeting, district_ids=_districts(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The meeting is saved."))
        return redirect("expertise:council", pk=meeting.pk)
    return render(request, "expertise/council_form.html", {"form": form, "meeting": meeting})


def _council_page(request, meeting, agenda_form=None, formset=None):
    items = selectors.agenda_of(meeting)
    can_manage = request.user.has_perm("expertise.manage_meeting", meeting) and meeting.is_editable
    if can_manage and formset is None:
        formset = DecisionFormSet(queryset=AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk"))
    forms_by_item = {f.instance.pk: f for f in formset.forms} if formset is not None else {}
    scores = selectors.agenda_results(items)
    return render(
        request,
        "expertise/council.html",
        {
            "meeting": meeting,
            "rows": [(item, forms_by_item.get(item.pk), scores.get(item.application_id)) for item in items],
            "formset": formset,
            "agenda_form": agenda_form or (AgendaForm(meeting=meeting) if can_manage else None),
            "can_manage": can_manage,
            "members": list(meeting.members.all()),
            "present": list(meeting.present.all()),
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
    formset = DecisionFormSet(request.POST, queryset=AgendaItem.objects.filter(meeting=meeting).order_by("order", "pk"))
    if formset.is_valid():
        try:
            services.record_decisions(meeting, formset, by=request.user)
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The decisions are saved. Apply them when the protocol is final."))
            return redirect("expertise:council", pk=meeting.pk)
    return _council_page(request, meeting, formset=formset)


@login_required
@require_POST
def council_apply(request, pk):
    meeting = get_meeting(request, pk, "expertise.manage_meeting")
    try:
        services.apply_decisions(meeting, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decisions are applied: the registry is updated and the applicants are told."))
    return redirect("expertise:council", pk=meeting.pk)


@login_required
def protocol(request, pk):
    meeting = get_meeting(request, pk)
    content = exports.protocol_pdf(meeting)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protocol-{meeting.pk}.pdf"'
    return response
