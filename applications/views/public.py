"""The public registry of innovation sites, its exports and certificates."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from innovation_portal.caching import cache_for_anonymous
from innovation_portal.pdf import render_pdf

from .. import exports, selectors
from ..forms import RegistryFilterForm
from ..models import StatusAward


def _filtered(request):
    form = RegistryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {"current": True}
    return form, selectors.registry(**filters), filters


# The registry shows awards (and their status kinds) of institutions: not applications, whose
# drafts are autosaved all day long.
@cache_for_anonymous("applications.StatusAward", "applications.StatusKind", "accounts.Institution", "accounts.District")
def registry(request):
    form, awards, filters = _filtered(request)
    query = request.GET.urlencode()
    return render(request, "applications/registry.html", {"form": form, "awards": awards, "query": query})


def registry_xlsx(request):
    _form, awards, _filters = _filtered(request)
    response = HttpResponse(exports.registry_xlsx(awards), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="registry.xlsx"'
    return response


def registry_pdf(request):
    _form, awards, filters = _filtered(request)
    content = render_pdf(
        "applications/pdf/registry.html", {"awards": awards, "filters": filters, "today": timezone.localdate()}
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="registry.pdf"'
    return response


def certificate(request, pk):
    """A certificate of a status: public, as the registry it confirms is public."""
    award = get_object_or_404(
        StatusAward.objects.select_related("institution", "institution__district", "status_kind"), pk=pk
    )
    content = render_pdf("applications/pdf/certificate.html", {"award": award})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{award.pk}.pdf"'
    return response
