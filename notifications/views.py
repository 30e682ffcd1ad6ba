from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User, new_token

from . import calendar
from . import unread as counts


@login_required
def notification_list(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
        counts.forget(request.user.pk)
    return render(request, "notifications/notifications.html", {"notifications": items, "unread": set(unread)})


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
