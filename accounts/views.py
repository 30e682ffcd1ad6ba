from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
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
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        request.user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "accounts/notifications.html", {"notifications": items, "unread": set(unread)})
