from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from innovation_portal import limits
from innovation_portal.files import serve

from . import registry, services
from .models import ExportJob


@login_required
@require_POST
def start(request):
    """Start a background export; the form posts `name` and the export's parameters."""
    params = {key: value for key, value in request.POST.items() if key not in {"name", "csrfmiddlewaretoken"}}
    try:
        job = services.start_export(request.user, request.POST.get("name", ""), params, request=request)
    except services.ExportRefused:
        raise Http404 from None
    except services.ExportLimited as error:
        return limits.refused(request, str(error))
    return redirect("exports:detail", pk=job.pk)


@login_required
@require_POST
def retry(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, state=ExportJob.State.FAILED)
    try:
        again = services.retry(job, request=request)
    except services.ExportRefused:
        raise Http404 from None
    except services.ExportLimited as error:
        return limits.refused(request, str(error))
    return redirect("exports:detail", pk=again.pk)


@login_required
def job_list(request):
    jobs = list(request.user.export_jobs.all()[:50])
    return render(request, "exports/export_list.html", {"jobs": jobs})


@login_required
def detail(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    template = "exports/_export_status.html" if request.htmx else "exports/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def download(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, state=ExportJob.State.DONE)
    export = registry.get(job.name)
    if export is None or not export.allowed(request.user, job.params):
        raise Http404
    return serve(job.file, job.filename)
