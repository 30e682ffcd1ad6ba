from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from innovation_portal import due, limits

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


class LimitedPasswordResetView(PasswordResetView):
    """Password reset, with letters limited per address and per client.

    The same refusal whether or not the address has an account, so the limit tells nothing
    about who is registered.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        message = limits.too_often(
            self.request,
            group="password-reset-address",
            key=lambda group, request: email,
            rate=settings.RATE_PASSWORD_RESET_ADDRESS,
        ) or limits.too_often(
            self.request, group="password-reset-client", key="ip", rate=settings.RATE_PASSWORD_RESET_CLIENT
        )
        if message:
            form.add_error(None, message)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
