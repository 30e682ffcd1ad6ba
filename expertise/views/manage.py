"""The methodist's pages (the district office reads): assignment, results, reviews, presentations."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal.limits import limit_uploads
from innovation_portal.pdf import render_pdf
from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import exports, selectors, services
from ..forms import (
    AssignForm,
    AutoAssignForm,
    CallSettingsForm,
    CloseExpertiseForm,
    CsvForm,
    PresentationForm,
    ReopenForm,
    ReviewForm,
)
from ..models import Assignment, Presentation, Review


@login_required
def index(request):
    """The menu's «Expertise»: the back-office lists for methodists, the assignments for experts."""
    user = request.user
    if user.has_perm("expertise.view_lists"):
        return redirect("expertise:calls")
    if user.has_perm("expertise.review"):
        return redirect("expertise:mine")
    raise PermissionDenied


def _require_lists(request):
    require(request.user, "expertise.view_lists")


def get_call(request, pk, permission="expertise.read_results"):
    """A call of the user's districts (else 404) on which they hold `permission` (else 403)."""
    _require_lists(request)
    call = get_object_or_404(selectors.managed_calls(request.user), pk=pk)
    require(request.user, permission, call)
    return call


@login_required
def calls(request):
    _require_lists(request)
    return render(request, "expertise/calls.html", {"calls": selectors.managed_calls(request.user)})


def _call_page(request, call, **forms):
    can_manage = request.user.has_perm("expertise.manage_call", call)
    context = {
        "call": call,
        "applications": selectors.call_applications(call),
        "pool": services.expert_pool(call.district_id),
        "can_manage": can_manage,
        "today": timezone.localdate(),
    }
    if can_manage:
        context.update(
            assign_form=forms.get("assign_form") or AssignForm(call=call),
            auto_form=forms.get("auto_form") or AutoAssignForm(call=call),
            csv_form=forms.get("csv_form") or CsvForm(call=call),
            settings_form=forms.get("settings_form") or CallSettingsForm(instance=call),
        )
    return render(request, "expertise/call.html", context)


@login_required
def call(request, pk):
    return _call_page(request, get_call(request, pk))


@login_required
@require_POST
def assign(request, pk):
    call = get_call(request, pk, "expertise.manage_call")
    form = AssignForm(request.POST, call=call)
    if form.is_valid():
        try:
            services.assign_expert(
                form.cleaned_data["application"],
                form.cleaned_data["expert"],
                due_date=form.cleaned_data["due_date"],
                by=request.user,
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The expert has been assigned and told by mail."))
            return redirect("expertise:call", pk=call.pk)
    return _call_page(request, call, assign_form=form)


@login_required
@require_POST
def assign_auto(request, pk):
    call = get_call(request, pk, "expertise.manage_call")
    form = AutoAssignForm(request.POST, call=call)
    if form.is_valid():
        try:
            result = services.assign_automatically(call, by=request.user, **form.cleaned_data)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Assignments made: %d. The experts have been told by mail.") % len(result.created)
            )
            for application, got, wanted in result.short:
                messages.warning(
                    request,
                    _(
                        "%(institution)s has %(got)d of %(wanted)d experts: not enough eligible experts with free capacity."
                    )
                    % {"institution": application.institution, "got": got, "wanted": wanted},
                )
            return redirect("expertise:call", pk=call.pk)
    return _call_page(request, call, auto_form=form)


@login_required
@require_POST
@limit_uploads
def assign_csv(request, pk):
    call = get_call(request, pk, "expertise.manage_call")
    form = CsvForm(request.POST, request.FILES, call=call)
    if form.is_valid():
        try:
            created = services.import_assignments(
                call, form.cleaned_data["file"].read(), due_date=form.cleaned_data["due_date"], by=request.user
            )
        except TransitionError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("Assignments made from the file: %d.") % len(created))
            return redirect("expertise:call", pk=call.pk)
    return _call_page(request, call, csv_form=form)


@login_required
@require_POST
def call_settings(request, pk):
    call = get_call(request, pk, "expertise.manage_call")
    form = CallSettingsForm(request.POST, instance=call)
    if form.is_valid():
        form.save()
        messages.success(request, _("The expertise settings are saved."))
        return redirect("expertise:call", pk=call.pk)
    return _call_page(request, call, settings_form=form)


def get_managed_assignment(request, pk):
    """An assignment of a call of the user's districts (else 404) that they manage (else 403)."""
    _require_lists(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__call", "application__institution", "expert").filter(
            application__call__in=selectors.managed_calls(request.user).values("pk")
        ),
        pk=pk,
    )
    require(request.user, "expertise.manage_call", assignment.application.call)
    return assignment


@login_required
@require_POST
def unassign(request, pk):
    assignment = get_managed_assignment(request, pk)
    try:
        services.remove_assignment(assignment, by=request.user)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The assignment has been removed."))
    return redirect("expertise:call", pk=assignment.application.call_id)


@login_required
def paper_review(request, pk):
    """The methodist types in a paper score sheet on behalf of the assigned expert."""
    assignment = get_managed_assignment(request, pk)
    application = assignment.application
    call = application.call
    criteria = list(call.criteria.all())
    current = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    refusal = services.edit_refusal(assignment)
    form = ReviewForm(request.POST or None, criteria=criteria, review=current, disabled=bool(refusal))
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.enter_paper_review(
                assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
                recommendation=form.cleaned_data["recommendation"],
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The paper score sheet of %(expert)s is entered.") % {"expert": assignment.expert}
            )
            return redirect("expertise:application", pk=application.pk)
    context = {"assignment": assignment, "application": application, "call": call, "form": form}
    context.update(review=current, refusal=refusal)
    return render(request, "expertise/paper_review.html", context)


@login_required
def reopen(request, pk):
    """The methodist reopens a declined assignment or a submitted review, with a reason for the expert."""
    assignment = get_managed_assignment(request, pk)
    today = timezone.localdate()
    initial_due = max(assignment.due_date, today + datetime.timedelta(days=7))
    form = ReopenForm(request.POST or None, initial={"due_date": initial_due})
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_assignment(
                assignment, by=request.user, reason=form.cleaned_data["reason"], due_date=form.cleaned_data["due_date"]
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assignment is reopened; the expert has been told."))
            return redirect("expertise:call", pk=assignment.application.call_id)
    return render(request, "expertise/reopen.html", {"assignment": assignment, "form": form})


def _results_page(request, call, close_form=None):
    context = {
        "results": selectors.call_results(call),
        "call": call,
        "can_manage": request.user.has_perm("expertise.manage_call", call),
        "close_form": close_form or CloseExpertiseForm(),
    }
    return render(request, "expertise/results.html", context)


@login_required
def results(request, pk):
    return _results_page(request, get_call(request, pk))


@login_required
@require_POST
def close_expertise(request, pk):
    call = get_call(request, pk, "expertise.manage_call")
    form = CloseExpertiseForm(request.POST)
    if form.is_valid():
        try:
            services.close_expertise(call, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The expertise is closed: every application with a review is ranked."))
            return redirect("expertise:results", pk=call.pk)
    return _results_page(request, call, close_form=form)


@login_required
def results_xlsx(request, pk):
    call = get_call(request, pk)
    response = HttpResponse(exports.results_xlsx(selectors.call_results(call)), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="expertise-{call.pk}.xlsx"'
    return response


def get_application(request, pk):
    _require_lists(request)
    application = get_object_or_404(selectors.readable_applications(request.user), pk=pk)
    require(request.user, "expertise.read_results", application)
    return application


def conclusion_context(application):
    call = application.call
    criteria = list(call.criteria.all())
    assignments = selectors.application_reviews(application)
    reviews = [a.review for a in assignments if getattr(a, "review", None) is not None and a.review.is_counted]
    row = selectors.call_results(call).row_of(application.pk)
    table = []
    for criterion in criteria:
        values = []
        for review in reviews:
            score = next((s for s in review.scores.all() if s.criterion_id == criterion.pk), None)
            values.append(score)
        table.append((criterion, values, row.per_criterion[criterion.pk] if row else (None, None)))
    decision = (
        application.agenda_items.exclude(decision="").select_related("meeting").order_by("-meeting__date").first()
    )
    return {
        "application": application,
        "call": call,
        "criteria": criteria,
        "reviews": reviews,
        "assignments": assignments,
        "table": table,
        "row": row,
        "decision": decision,
        "today": timezone.localdate(),
    }


@login_required
def application(request, pk):
    """Every review of one application in full, for the methodist and the council."""
    item = get_application(request, pk)
    return render(request, "expertise/application.html", conclusion_context(item))


@login_required
def conclusion(request, pk):
    item = get_application(request, pk)
    content = render_pdf("expertise/pdf/conclusion.html", conclusion_context(item))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="conclusion-{item.pk}.pdf"'
    return response


@login_required
def presentations(request, pk):
    call = get_call(request, pk)
    can_manage = request.user.has_perm("expertise.manage_call", call)
    form = PresentationForm(request.POST or None, call=call)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.schedule_presentation(
                    data["application"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    minutes=data["minutes"],
                    note=data["note"],
                    by=request.user,
                )
            except TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The slot is saved; the institution has been told."))
                return redirect("expertise:presentations", pk=call.pk)
    return render(
        request,
        "expertise/presentations.html",
        {"call": call, "slots": selectors.presentations_of(call), "form": form, "can_manage": can_manage},
    )


@login_required
@require_POST
def presentation_delete(request, pk):
    _require_lists(request)
    slot = get_object_or_404(
        Presentation.objects.filter(call__in=selectors.managed_calls(request.user).values("pk")), pk=pk
    )
    require(request.user, "expertise.manage_call", slot.call)
    slot.delete()
    messages.success(request, _("The slot has been removed."))
    return redirect("expertise:presentations", pk=slot.call_id)
