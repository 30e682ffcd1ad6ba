from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from innovation_portal import due

from .forms import ProfileForm


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
    calendar_url = settings.SITE_URL + reverse("notifications:calendar_feed", args=[request.user.calendar_token])
    return render(request, "accounts/profile.html", {"form": form, "calendar_url": calendar_url})
