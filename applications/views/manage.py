"""The methodist's pages: calls, their applications, the XLSX list, technical check, extensions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from innovation_portal.permissions import require
from innovation_portal.workflow import TransitionError

from .. import exports, selectors, services
from ..completeness import automatic_results, missing_items
from ..forms import ExtensionDecisionForm, ExtensionForm, TechnicalCheckForm
from ..models import Application, ExtensionRequest
from .common import get_application


def _require_lists(request):
    require(request.user, "applications.view_call_lists")


@login_required
def calls(request):
    _require_lists(request)
    return render(request, "applications/manage/calls.html", {"calls": selectors.managed_calls(request.user)})


def _managed_call(request, pk):
    _require_lists(request)
    return get_object_or_404(selectors.managed_calls(request.user), pk=pk)


@login_required
def call_applications(request, pk):
    call = _managed_call(request, pk)
    state = request.GET.get("state") or None
    if state not in Application.State.values:
        state = None
    return render(
        request,
        "applications/manage/call.html",
        {
            "call": call,
            "applications": selectors.listed(selectors.call_applications(call, state)),
            "state": state,
            "states": [s for s in Application.State if s != Application.State.DRAFT],
            "can_extend": request.user.has_perm("applications.grant_extension", call),
            "can_check": request.user.has_perm("applications.check_application", call),
            "extensions": call.extensions.select_related("institution"),
            "extension_requests": call.extension_requests.select_related("institution", "requested_by", "decided_by"),
        },
    )


@login_required
def call_export(request, pk):
    call = _managed_call(request, pk)
    content = exports.applications_xlsx(call, selectors.call_applications(call, request.GET.get("state") or None))
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="applications-{call.pk}.xlsx"'
    return response


@login_required
def extensions(request, pk):
    call = _managed_call(request, pk)
    require(request.user, "applications.grant_extension", call)
    form = ExtensionForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_extension(
                call,
                form.cleaned_data["institution"],
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The deadline has been extended for %s.") % form.cleaned_data["institution"])
            return redirect("applications:manage_call", pk=call.pk)
    return render(
        request,
        "applications/manage/extensions.html",
        {"call": call, "form": form, "extensions": call.extensions.select_related("institution", "granted_by")},
    )


@login_required
def extension_request(request, pk):
    """A methodist answers a coordinator's extension request: grants it until a date, or refuses with a reason."""
    _require_lists(request)
    item = get_object_or_404(
        ExtensionRequest.objects.select_related("call", "institution", "requested_by").filter(
            call__in=selectors.managed_calls(request.user).values("pk")
        ),
        pk=pk,
    )
    call = item.call
    require(request.user, "applications.grant_extension", call)
    form = ExtensionDecisionForm(request.POST or None, call=call)
    if request.method == "POST" and item.state != ExtensionRequest.State.PENDING:
        form.is_valid()
        form.add_error(None, _("This request has already been answered."))
    elif request.method == "POST" and form.is_valid():
        grant = form.cleaned_data["decision"] == ExtensionDecisionForm.GRANT
        try:
            services.decide_extension_request(
                item, by=request.user, grant=grant, until=form.cleaned_data["until"], answer=form.cleaned_data["answer"]
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The extension has been granted.") if grant else _("The request is refused."))
            return redirect("applications:manage_call", pk=call.pk)
    return render(request, "applications/manage/extension_request.html", {"call": call, "item": item, "form": form})


@login_required
def check(request, pk):
    """The technical check: the checklist with automatic lines ticked, then admit or return."""
    application = get_application(
        request,
        pk,
        "applications.check_application",
        queryset=selectors.with_contents(selectors.visible_applications(request.user)),
    )
    if application.state not in Application.WAITING_CHECK:
        messages.info(request, _("This application is not waiting for a technical check."))
        return redirect("applications:detail", pk=application.pk)
    missing = missing_items(application)
    form = TechnicalCheckForm(
        request.POST or None, items=application.call.checklist.all(), automatic=automatic_results(application, missing)
    )
    if request.method == "POST" and form.is_valid():
        admit = form.cleaned_data["decision"] == TechnicalCheckForm.ADMIT
        try:
            services.technical_check(
                application,
                by=request.user,
                admit=admit,
                results=form.results(),
                remarks=form.cleaned_data["remarks"],
                fix_by=form.cleaned_data["fix_by"],
            )
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Admitted to the content expertise.") if admit else _("Returned to the coordinator with remarks."),
            )
            return redirect("applications:manage_call", pk=application.call_id)
    return render(
        request,
        "applications/manage/check.html",
        {"application": application, "form": form, "missing": missing, "previous": application.technical_checks.all()},
    )
