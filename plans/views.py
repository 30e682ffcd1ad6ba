"""Pages of plans: public pages, feeds and exports, and the methodists' import and execution pages."""

import json
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Institution
from innovation_portal.caching import cache_for_anonymous
from innovation_portal.files import serve
from innovation_portal.limits import limit_uploads
from innovation_portal.permissions import fetch, require
from innovation_portal.workflow import TransitionError

from . import exports, selectors, services
from .forms import OccurrenceForm, PlanConfirmForm, PlanFilterForm, PlanUploadForm
from .importers import PlanReadError, read_plan
from .models import Execution

IMPORT_SESSION_KEY = "plans_import_uploads"
IMPORT_FOLDER = "plans/import-uploads"


def _login_first(view):
    """Anonymous visitors go to the login page; signed-in users without permission get 404 (the view decides)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _file_stem(plan):
    return f"plan-{plan.district.slug}-{plan.period_label.replace('/', '-')}-{plan.pk}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Public pages ---------------------------------------------------------------------------


def plan_list(request):
    plans = list(selectors.visible_plans(request.user).order_by("-period_start", "district__name", "pk"))
    return render(request, "plans/plan_list.html", {"plans": plans})


@cache_for_anonymous(
    "plans.Plan",
    "plans.PlanSection",
    "plans.PlanAbbreviation",
    "plans.PlanItem",  # with its organizers (the many-to-many table comes with the model)
    "plans.PlanItemMonth",
    "plans.PlanItemOccurrence",
    "accounts.Institution",
    "accounts.District",
)
def plan_detail(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    choices = selectors.filter_choices(plan)
    form = PlanFilterForm(request.GET or None, plan=plan, choices=choices)
    filters = form.filters() if request.GET else {}
    items = list(selectors.plan_items(plan, **filters))
    context = {
        "plan": plan,
        "form": form,
        "filtered": any(filters.values()),
        "sections": selectors.sections_with_items(plan, items),
        "item_count": len(items),
        "legend": [a for a in plan.abbreviations.all() if a.meaning],
        "can_manage": request.user.has_perm("plans.manage_plan", plan),
        "can_report": request.user.has_perm("plans.view_execution_report", plan),
        "ics_url": request.build_absolute_uri(reverse("plans:plan_ics", args=[plan.pk])),
    }
    return render(request, "plans/plan_detail.html", context)


def this_month(request):
    month = selectors.parse_month(request.GET.get("month"), timezone.localdate().replace(day=1))
    items = selectors.month_items(request.user, month)
    plans = {}
    for item in items:
        plans.setdefault(item.plan_id, (item.plan, []))[1].append(item)
    context = {
        "month": month,
        "previous": selectors.shift_month(month, -1),
        "next": selectors.shift_month(month, 1),
        "plans": list(plans.values()),
        "item_count": len(items),
    }
    return render(request, "plans/this_month.html", context)


def calendar(request):
    month = selectors.parse_month(request.GET.get("month"), timezone.localdate().replace(day=1))
    items = selectors.month_items(request.user, month)
    weeks, whole_month = selectors.calendar_weeks(month, items)
    context = {
        "month": month,
        "previous": selectors.shift_month(month, -1),
        "next": selectors.shift_month(month, 1),
        "weeks": weeks,
        "whole_month": whole_month,
        "today": timezone.localdate(),
    }
    return render(request, "plans/calendar.html", context)


def plan_ics(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    response = HttpResponse(exports.plan_ics(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_file_stem(plan)}.ics"'
    return response


def institution_ics(request, pk):
    institution = get_object_or_404(Institution.objects.select_related("district"), pk=pk, is_active=True)
    items = selectors.institution_items(institution)
    response = HttpResponse(
        exports.calendar_ics(institution.short_name, items), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="institution-{institution.pk}.ics"'
    return response


def plan_pdf(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    return _download(exports.plan_pdf(plan), f"{_file_stem(plan)}.pdf", "application/pdf")


def plan_xlsx(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    return _download(exports.plan_xlsx(plan), f"{_file_stem(plan)}.xlsx", XLSX)


def plan_json(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    body = json.dumps(exports.plan_as_dict(plan), ensure_ascii=False, indent=2)
    return _download(body.encode(), f"{_file_stem(plan)}.json", "application/json; charset=utf-8")


def approval_document(request, pk):
    plan = get_object_or_404(selectors.visible_plans(request.user), pk=pk)
    return serve(plan.approval_document, plan.approval_document_name or None)


# --- Execution: occurrences marked by methodists, host coordinators, responsible people ------


def _execution_context(request, plan):
    month = selectors.parse_month(request.GET.get("month"))
    only_open = request.GET.get("open") == "1"
    items = selectors.execution_items(plan, month=month, only_open=only_open)
    rows, totals, total = selectors.tally(selectors.plan_occurrences([plan])).table()
    return {
        "plan": plan,
        "items": items,
        # The whole plan's figures, whatever the filter: the same as the report's totals row.
        "summary": [(value, label, totals[i]) for i, (value, label) in enumerate(Execution.choices)],
        "labels": [label for _value, label in Execution.choices],
        "tally_rows": rows,
        "tally_totals": totals,
        "tally_total": total,
        "month": month,
        "only_open": only_open,
        "months": plan.months,
    }


@_login_first
def execution(request, pk):
    plan = get_object_or_404(selectors.managed_plans(request.user), pk=pk)
    return render(request, "plans/execution.html", _execution_context(request, plan))


@_login_first
def own_events(request):
    """A coordinator's (or a responsible person's) events to mark, each occurrence with its mark."""
    items = selectors.own_items(request.user)
    return render(request, "plans/own_events.html", {"items": items})


def _back_to(request, occurrence):
    if request.user.has_perm("plans.manage_plan", occurrence.item.plan):
        return f"{reverse('plans:execution', args=[occurrence.item.plan_id])}#item-{occurrence.item_id}"
    return f"{reverse('plans:own_events')}#item-{occurrence.item_id}"


@_login_first
def mark_occurrence(request, pk):
    """Mark one occurrence: the form, and who marked what before (the history)."""
    occurrence = fetch(selectors.markable_occurrences(request.user), request.user, "plans.mark_occurrence", pk=pk)
    initial = {
        "execution": occurrence.execution,
        "executed_on": occurrence.executed_on,
        "participants": occurrence.participants,
        "materials_url": occurrence.materials_url,
        "report": occurrence.report,
    }
    form = OccurrenceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mark = services.Mark(
            data["execution"],
            executed_on=data["executed_on"],
            participants=data["participants"],
            materials_url=data["materials_url"],
            materials_file=data["materials_file"],
            report=data["report"],
        )
        try:
            services.mark_occurrence(occurrence, mark, by=request.user)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved: %(item)s") % {"item": occurrence})
            return redirect(_back_to(request, occurrence))
    history = occurrence.changes.select_related("by").order_by("at", "pk")
    return render(request, "plans/occurrence.html", {"occurrence": occurrence, "form": form, "history": history})


@_login_first
def occurrence_materials(request, pk):
    occurrence = get_object_or_404(selectors.materials_occurrences(request.user), pk=pk)
    return serve(occurrence.materials_file, occurrence.materials_file_name or None)


@_login_first
def report_pdf(request, pk):
    plan = get_object_or_404(selectors.report_plans(request.user), pk=pk)
    return _download(exports.execution_report_pdf(plan), f"{_file_stem(plan)}-execution.pdf", "application/pdf")


@_login_first
def report_xlsx(request, pk):
    plan = get_object_or_404(selectors.report_plans(request.user), pk=pk)
    return _download(exports.execution_report_xlsx(plan), f"{_file_stem(plan)}-execution.xlsx", XLSX)


# --- Import from Word, Excel or CSV (methodists): upload → preview → confirm ---------------------


def _preview_page(request, parsed, data, token, file_name, table=None, errors=None):
    preview = services.preview_plan(parsed, data["district"], data["period"], data["kind"])
    if errors:
        preview.errors = errors
    confirm = PlanConfirmForm(
        initial={
            "token": token,
            "district": data["district"].pk,
            "period": data["period"],
            "kind": data["kind"],
            "table": table,
        },
        user=request.user,
    )
    context = {"preview": preview, "confirm": confirm, "file_name": file_name, "table": table, "parsed": parsed}
    return render(request, "plans/import_preview.html", context)


def _read_upload(token, request, table=None):
    """The parsed plan of an upload kept between the steps, or None when it is gone."""
    uploads = request.session.get(IMPORT_SESSION_KEY, {})
    upload = uploads.get(token)
    if upload is None or not default_storage.exists(upload["path"]):
        return None, None
    with default_storage.open(upload["path"], "rb") as handle:
        data = handle.read()
    try:
        return read_plan(data, upload["name"], table=table), upload
    except PlanReadError:
        return None, None


def _forget_upload(token, request):
    uploads = request.session.get(IMPORT_SESSION_KEY, {})
    upload = uploads.pop(token, None)
    request.session[IMPORT_SESSION_KEY] = uploads
    if upload is not None:
        default_storage.delete(upload["path"])


@_login_first
@limit_uploads
def import_docx(request):
    """Upload a plan in Word and see what would be created before anything is."""
    require(request.user, "plans.import_plan")
    form = PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            parsed = read_plan(upload.read(), upload.name)
        except PlanReadError as error:
            form.add_error("file", error.message)
        else:
            token = uuid.uuid4().hex
            upload.seek(0)
            extension = upload.name.lower().rsplit(".", 1)[-1]
            # Kept under MEDIA_ROOT (never served) until the methodist confirms or starts again.
            path = default_storage.save(f"{IMPORT_FOLDER}/{token}.{extension}", upload)
            uploads = request.session.get(IMPORT_SESSION_KEY, {})
            uploads[token] = {"path": path, "name": upload.name[:255]}
            request.session[IMPORT_SESSION_KEY] = uploads
            return _preview_page(request, parsed, form.cleaned_data, token, upload.name)
    return render(request, "plans/import_upload.html", {"form": form})


@_login_first
@require_POST
def import_table(request):
    """The preview of another table of the uploaded document (an appendix offered separately)."""
    require(request.user, "plans.import_plan")
    form = PlanConfirmForm(request.POST, user=request.user)
    if not form.is_valid() or not form.cleaned_data.get("table"):
        messages.error(request, _("The import form was damaged; upload the document again."))
        return redirect("plans:import")
    data = form.cleaned_data
    parsed, upload = _read_upload(data["token"], request, table=data["table"])
    if parsed is None:
        messages.error(request, _("The uploaded document is no longer kept; upload it again."))
        return redirect("plans:import")
    return _preview_page(request, parsed, data, data["token"], upload["name"], table=data["table"])


@_login_first
@require_POST
def import_confirm(request):
    require(request.user, "plans.import_plan")
    form = PlanConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The import form was damaged; upload the document again."))
        return redirect("plans:import")
    data = form.cleaned_data
    parsed, upload = _read_upload(data["token"], request, table=data.get("table"))
    if parsed is None:
        messages.error(request, _("The uploaded document is no longer kept; upload it again."))
        return redirect("plans:import")
    try:
        plan = services.import_plan(
            parsed, data["district"], data["period"], data["kind"], by=request.user, source_name=upload["name"]
        )
    except services.PlanImportError as error:
        return _preview_page(
            request, parsed, data, data["token"], upload["name"], table=data.get("table"), errors=error.errors
        )
    _forget_upload(data["token"], request)
    messages.success(
        request,
        _("The plan is imported as a draft: %(items)d items, %(flagged)d timeframes to look at.")
        % {"items": plan.items.count(), "flagged": plan.items.filter(needs_review=True).count()},
    )
    return redirect("plans:detail", pk=plan.pk)
