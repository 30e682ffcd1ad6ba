"""The visitors' home page, an institution's public page and the embeddable widgets.

Widgets are small pages made to be shown in an <iframe> on the ИМЦ's and the schools' own
sites: they are the only pages of the portal that another site may frame (the policy's
`frame-ancestors` is settings.WIDGET_FRAME_ANCESTORS there, and X-Frame-Options is left off);
every other page keeps `frame-ancestors 'none'` and X-Frame-Options: DENY.
"""

from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt

from accounts import views as account_views
from accounts.models import District
from innovation_portal.caching import cache_for_anonymous

from . import selectors

INSTITUTION_MODELS = ("accounts.Institution", "accounts.District", *selectors.REGISTRY_MODELS)


def home(request):
    """Visitors get the public front page (cached); a signed-in user their own home page (accounts)."""
    if request.user.is_authenticated:
        return account_views.home(request)
    return landing(request)


@cache_for_anonymous(*selectors.HOME_MODELS)
def landing(request):
    page = selectors.front_page(request.GET.get("district", ""))
    return render(request, "public/home.html", {"page": page})


@cache_for_anonymous(*INSTITUTION_MODELS, *selectors.PLAN_MODELS)
def institution(request, pk):
    institution = selectors.public_institution(pk)
    context = {
        "institution": institution,
        "statuses": selectors.institution_statuses(institution),
        "events": selectors.institution_events(institution),
    }
    return render(request, "public/institution.html", context)


# --- widgets ----------------------------------------------------------------------------------


def widget(*models):
    """A page other sites may frame: cached like the public pages, framable only by the allowed sites."""

    def decorator(view):
        cached = cache_for_anonymous(*models)(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # The list is read at each request (not at import), so it follows the settings in force.
            framable = csp_replace({"frame-ancestors": settings.WIDGET_FRAME_ANCESTORS})(cached)
            return framable(request, *args, **kwargs)

        return xframe_options_exempt(wrapped)

    return decorator


def _district(request):
    """The district of ``?district=<slug>``: None when not given, 404 when unknown."""
    slug = request.GET.get("district", "")
    if not slug:
        return None
    return get_object_or_404(District, slug=slug)


@widget(*INSTITUTION_MODELS)
def widget_statuses(request, pk):
    institution = selectors.public_institution(pk)
    context = {"institution": institution, "statuses": selectors.institution_statuses(institution)}
    return render(request, "public/widgets/statuses.html", context)


@widget(*INSTITUTION_MODELS)
def widget_registry(request):
    district = _district(request)
    context = {"district": district, "awards": selectors.district_registry(district)}
    return render(request, "public/widgets/registry.html", context)


@widget("accounts.Institution", "accounts.District", *selectors.PLAN_MODELS)
def widget_events(request):
    district = _district(request)
    month = timezone.localdate().replace(day=1)
    context = {"district": district, "month": month, "items": selectors.month_events(district, month)}
    return render(request, "public/widgets/events.html", context)


@widget("accounts.Institution", "accounts.District", *selectors.RATING_MODELS)
def widget_rating(request, pk):
    campaign = selectors.published_rating(pk)
    context = {"campaign": campaign, "results": selectors.rating_results(campaign)}
    return render(request, "public/widgets/rating.html", context)
