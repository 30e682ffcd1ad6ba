"""Pages of plans: public pages, feeds and exports, and the methodists' import and execution pages."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
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
from .forms import OccurrenceForm, PlanFilterForm, PlanTableForm, PlanUploadForm
from .models import Execution, PlanImport


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


# --- Import from Word, Excel or CSV (methodists): upload → reading → preview → confirm ------------
#
# The upload only keeps the file and queues its reading (services.start_plan_import); the job's
# page shows the progress, polled by htmx, then the preview of what was read. Nothing of the file
# is opened in a web request.


def _import_jobs(request):
    """The user's own import jobs, in districts they still import into."""
    jobs = PlanImport.objects.filter(requested_by=request.user).select_related("district", "plan")
    if not request.user.is_superuser:
        jobs = jobs.filter(district__in=request.user.district_ids("methodist"))
    return jobs


def _job(request, pk):
    require(request.user, "plans.import_plan")
    return get_object_or_404(_import_jobs(request), pk=pk)


def _upload_form(request, job=None):
    initial = {"district": job.district_id, "period": job.period_label, "kind": job.kind} if job else None
    return PlanUploadForm(initial=initial, user=request.user)


def _preview_page(request, job, errors=None):
    parsed = services.parsed_plan(job)
    preview = services.preview_plan(parsed, job.district, job.period_label, job.kind)
    if errors:
        preview.errors = errors
    context = {"job": job, "preview": preview, "parsed": parsed, "file_name": job.file_name, "table": job.table}
    return render(request, "plans/import_preview.html", context)


@_login_first
@limit_uploads
def import_docx(request):
    """Upload a plan file; it is read in the background and previewed before anything is created."""
    require(request.user, "plans.import_plan")
    form = PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = services.start_plan_import(
            by=request.user, upload=data["file"], district=data["district"], period=data["period"], kind=data["kind"]
        )
        return redirect("plans:import_job", job.pk)
    return render(request, "plans/import_upload.html", {"form": form})


@_login_first
def import_job(request, pk):
    """An upload being read (the progress, polled by htmx), then its preview or the reason it was refused."""
    job = _job(request, pk)
    if not job.is_finished:
        services.expire_stale_plan_imports(PlanImport.objects.filter(pk=job.pk))
        job.refresh_from_db()
    if request.htmx:
        if job.is_finished:
            # The whole page changes (the preview, or the refusal with the form): load it.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "plans/_import_progress.html", {"job": job})
    if job.plan_id:
        messages.info(request, _("This file is already imported."))
        return redirect("plans:detail", pk=job.plan_id)
    if job.state == PlanImport.State.DONE:
        return _preview_page(request, job)
    return render(request, "plans/import_job.html", {"job": job, "form": _upload_form(request, job)})


@_login_first
@require_POST
def import_table(request, pk):
    """Read another table of the uploaded document instead (an appendix offered separately)."""
    job = _job(request, pk)
    form = PlanTableForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The import form was damaged; upload the document again."))
        return redirect("plans:import")
    try:
        other = services.import_another_table(job, by=request.user, table=form.cleaned_data["table"])
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("plans:import")
    return redirect("plans:import_job", other.pk)


@_login_first
@require_POST
def import_confirm(request, pk):
    """Create the plan the job read, all or nothing."""
    job = _job(request, pk)
    try:
        plan, created = services.confirm_plan_import(job, by=request.user)
    except services.PlanImportError as error:
        return _preview_page(request, job, errors=error.errors)
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("plans:import")
    if not created:
        messages.info(request, _("This file is already imported."))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(
        request,
        _("The plan is imported as a draft: %(items)d items, %(flagged)d timeframes to look at.")
        % {"items": plan.items.count(), "flagged": plan.items.filter(needs_review=True).count()},
    )
    return redirect("plans:detail", pk=plan.pk)
