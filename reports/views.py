"""The district office's dashboard and its downloads: thin views over reports.selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from exports import registry as background
from innovation_portal.years import academic_year_of

from . import charts, selectors
from .exports import DIRECT
from .forms import ReportFilterForm


def _require_reports(user):
    if not user.has_perm("reports.view_reports"):
        raise PermissionDenied


def _district(request):
    """The district asked for (or the user's first); another district's answers 404."""
    districts = selectors.report_districts(request.user)
    asked = request.GET.get("district")
    if asked and not asked.isdigit():
        raise Http404
    district = districts.filter(pk=asked).first() if asked else districts.first()
    if district is None or not request.user.has_perm("reports.read_district", district):
        raise Http404
    return districts, district


@login_required
def dashboard(request):
    _require_reports(request.user)
    districts, district = _district(request)
    years = selectors.academic_years(district)
    year = request.GET.get("year") if request.GET.get("year") in years else academic_year_of().label
    form = ReportFilterForm(initial={"district": district, "year": year}, districts=districts, years=years)
    report = selectors.district_report(district, year, with_details=False)
    context = {
        "form": form,
        "district": district,
        "year": year,
        "report": report,
        "stages": selectors.STAGES,
        "charts": charts.dashboard_charts(report),
        "downloads": [(name, background.get(export).label) for name, (export, _type) in DIRECT.items()],
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def download(request, name):
    """A report made while the user waits (the dashboard also offers it in the background)."""
    _require_reports(request.user)
    if name not in DIRECT:
        raise Http404
    _districts, district = _district(request)
    export_name, content_type = DIRECT[name]
    export = background.get(export_name)
    params = {"district": district.pk, "year": request.GET.get("year") or academic_year_of().label}
    if not export.allowed(request.user, params):
        raise Http404
    filename, content = export.build(params, lambda percent: None)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
