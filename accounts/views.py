from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal import due, exports
from innovation_portal.files import serve

from . import calendar, exporting
from .forms import ProfileForm
from .models import ExportJob, User, new_token
from .notify import absolute_url


def home(request):
    """Anonymous visitors get the public front page; a signed-in user their own tasks."""
    if not request.user.is_authenticated:
        return render(request, "accounts/landing.html")
    context = {
        "due_items": due.items_for(request.user),
        "roles": request.user.role_assignments,
    }
    return render(request, "accounts/home.html", context)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    calendar_url = absolute_url(reverse("accounts:calendar_feed", args=[request.user.calendar_token]))
    return render(request, "accounts/profile.html", {"form": form, "calendar_url": calendar_url})


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "accounts/notifications.html", {"notifications": items, "unread": set(unread)})


@login_required
@require_POST
def export_start(request):
    """Start a background export; the form posts `name` and the export's parameters."""
    params = {key: value for key, value in request.POST.items() if key not in {"name", "csrfmiddlewaretoken"}}
    try:
        job = exporting.start_export(request.user, request.POST.get("name", ""), params)
    except exporting.ExportRefused:
        raise Http404 from None
    return redirect("accounts:export_detail", pk=job.pk)


@login_required
def export_list(request):
    jobs = list(request.user.export_jobs.all()[:50])
    return render(request, "accounts/export_list.html", {"jobs": jobs})


@login_required
def export_detail(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    template = "accounts/_export_status.html" if request.htmx else "accounts/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, state=ExportJob.State.DONE)
    export = exports.get(job.name)
    if export is None or not export.allowed(request.user, job.params):
        raise Http404
    return serve(job.file, job.filename)


def calendar_feed(request, token):
    """The user's own deadlines as an iCalendar feed (calendar programs fetch it without logging in)."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    return HttpResponse(calendar.deadlines_ics(user), content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def calendar_reset(request):
    """A new secret feed address; the old one stops working (e.g. after it was shared by mistake)."""
    request.user.calendar_token = new_token()
    request.user.save(update_fields=["calendar_token"])
    messages.success(request, _("A new calendar address has been made; the old one no longer works."))
    return redirect("accounts:profile")
