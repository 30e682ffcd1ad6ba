"""The district office's downloads: competition results, plan execution, and the annual report
on innovation activity to the Committee of Education (one PDF, and an XLSX of its tables).

Each is registered as a background export (exports.registry) with the parameters
`district` (id) and `year` («2025/2026»); the dashboard also offers them directly.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import District
from exports import registry as background
from innovation_portal.pdf import render_pdf
from innovation_portal.spreadsheets import Sheet, xlsx
from innovation_portal.years import parse_period
from plans.models import Execution

from . import selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_params(params):
    """(district, academic year) from an export's parameters; None when they are not usable."""
    district_id = background.int_param(params, "district")
    year = str(params.get("year", "")).strip()
    try:
        period = parse_period(year)
    except ValidationError:
        return None
    if not district_id or not period.is_academic:
        return None
    district = District.objects.filter(pk=district_id).first()
    return (district, period.label) if district else None


def allowed(user, params):
    found = report_params(params)
    return found is not None and user.has_perm("reports.read_district", found[0])


def _stem(district, year):
    return f"{district.slug}-{year.replace('/', '-')}"


# --- Tables (shared by the XLSX files) -------------------------------------------------------


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def registry_table(report):
    headers = [
        _("No."),
        pgettext("report", "Institution"),
        _("Status"),
        _("Level"),
        _("Theme"),
        _("Valid from"),
        pgettext("report", "Valid until"),
    ]
    headers += [_("Decided by"), _("Protocol or order number"), _("Decision date")]
    rows = [
        [
            index,
            a.institution.short_name,
            a.status_kind.name,
            a.status_kind.get_level_display(),
            a.theme,
            a.valid_from,
            a.valid_to,
            a.decision_body,
            a.protocol_number,
            a.decision_date,
        ]
        for index, a in enumerate(report.sites, start=1)
    ]
    return _("Registry of sites"), headers, rows


def sites_by_status_table(report):
    headers = [_("Status"), _("Level"), _("Sites")]
    return _("Sites by status"), headers, [[k.name, level, n] for k, level, n in report.sites_by_status]


def competitions_table(report):
    """One row per call: «handed in», then its stages (they sum to it), and a total row."""
    headers = [_("Call"), _("Status"), pgettext("report", "Deadline"), _("Handed in")]
    headers += [str(stage.label) for stage in selectors.STAGES]
    rows = [
        [
            c.title,
            c.status_kind.name if c.status_kind else "",
            _local(c.closes_at),
            c.counts.handed_in,
            *c.counts.columns,
        ]
        for c in report.competitions
    ]
    if report.competitions:
        totals = report.competition_totals
        rows.append([pgettext("report", "Total"), "", None, totals.handed_in, *totals.columns])
    return _("Competitions"), headers, rows


def decisions_table(report):
    headers = [
        _("Call"),
        pgettext("report", "Institution"),
        _("Theme"),
        _("Decision"),
        _("Status awarded"),
        pgettext("report", "Valid until"),
    ]
    rows = []
    for application in report.decisions:
        award = getattr(application, "award", None)
        rows.append(
            [
                application.call.title,
                application.institution.short_name,
                application.theme,
                application.get_state_display(),
                award.status_kind.name if award else "",
                award.valid_to if award else None,
            ]
        )
    return _("Decisions"), headers, rows


def expertise_table(report):
    headers = [_("Call"), _("Experts assigned"), pgettext("report", "Reviews submitted")]
    rows = [[line.call.title, line.assignments, line.reviews] for line in report.expertise or []]
    return _("Expertise"), headers, rows


def rating_table(report):
    headers = [_("Place"), pgettext("report", "Institution"), _("Group"), pgettext("report", "Total")]
    rows = [[r.rank, r.institution.short_name, r.get_group_display(), float(r.total)] for r in report.rating.results]
    return _("Rating"), headers, rows


def _month_label(month):
    return date_format(month, "F Y") if month else _("no date")


def plans_table(report):
    """Occurrences by month: each row and each column sums to the totals (an undated row last)."""
    labels = dict(Execution.choices)
    headers = [_("Month"), *[str(label) for label in labels.values()], pgettext("report", "Total")]
    rows = [
        [_month_label(month), *[counts.get(status, 0) for status in labels], sum(counts.values())]
        for month, counts in report.plans.months
    ]
    rows.append(
        [pgettext("report", "Total"), *[report.plans.totals.get(status, 0) for status in labels], report.plans.total]
    )
    return _("Plan execution"), headers, rows


def plan_list_table(report):
    headers = [_("Plan"), _("Period"), _("Items"), _("Events"), _("Held")]
    rows = [[p.title, p.period_label, p.item_count, p.occurrence_count, p.held] for p in report.plans.plans]
    return _("Plans"), headers, rows


def collections_table(report):
    headers = [_("Collection"), _("Series"), _("Deadline for articles"), _("Handed in"), _("Accepted")]
    rows = [[c.display_title, c.series.name, _local(c.deadline), c.handed_in, c.accepted] for c in report.collections]
    return _("Collections"), headers, rows


def articles_table(report):
    headers = [pgettext("report", "Institution"), _("Article"), _("Authors"), _("Collection")]
    rows = [
        [a.institution.short_name, a.title, ", ".join(x.full_name for x in a.authors.all()), a.collection.title]
        for a in report.articles
    ]
    return _("Accepted articles"), headers, rows


def workbook(tables):
    """One sheet per table (innovation_portal.spreadsheets: bold frozen header, text never a formula)."""
    return xlsx([Sheet(str(title), [str(h) for h in headers], rows) for title, headers, rows in tables])


def annual_tables(report):
    tables = [
        registry_table(report),
        sites_by_status_table(report),
        competitions_table(report),
        decisions_table(report),
    ]
    if report.expertise is not None:
        tables.append(expertise_table(report))
    tables += [rating_table(report), plan_list_table(report), plans_table(report)]
    tables += [collections_table(report), articles_table(report)]
    return tables


def annual_pdf(report):
    labels = dict(Execution.choices)
    month_rows = [
        (_month_label(month), [counts.get(status, 0) for status in labels], sum(counts.values()))
        for month, counts in report.plans.months
    ]
    return render_pdf(
        "reports/pdf/annual.html",
        {
            "report": report,
            "stages": selectors.STAGES,
            "execution_labels": list(labels.values()),
            "execution_rows": month_rows,
            "execution_totals": [report.plans.totals.get(status, 0) for status in labels],
        },
    )


# --- Registered exports ----------------------------------------------------------------------


class _DistrictExport:
    label = ""
    kind = ""

    @staticmethod
    def allowed(user, params):
        return allowed(user, params)

    @classmethod
    def title(cls, params):
        found = report_params(params)
        if found is None:
            return str(cls.label)
        district, year = found
        return f"{cls.label}: {district.short_name}, {year}"


@background.register("reports.annual_pdf", label=gettext_lazy("Annual report on innovation activity (PDF)"))
class AnnualReportPdf(_DistrictExport):
    @staticmethod
    def build(params, progress):
        district, year = report_params(params)
        report = selectors.district_report(district, year)
        progress(40)
        return f"annual-report-{_stem(district, year)}.pdf", annual_pdf(report)


@background.register("reports.annual_xlsx", label=gettext_lazy("Annual report on innovation activity: tables (XLSX)"))
class AnnualReportXlsx(_DistrictExport):
    @staticmethod
    def build(params, progress):
        district, year = report_params(params)
        report = selectors.district_report(district, year)
        progress(50)
        return f"annual-report-{_stem(district, year)}.xlsx", workbook(annual_tables(report))


@background.register("reports.results_xlsx", label=gettext_lazy("Competition results (XLSX)"))
class CompetitionResultsXlsx(_DistrictExport):
    @staticmethod
    def build(params, progress):
        district, year = report_params(params)
        report = selectors.district_report(district, year)
        progress(50)
        tables = [competitions_table(report), decisions_table(report)]
        if report.expertise is not None:
            tables.append(expertise_table(report))
        return f"competition-results-{_stem(district, year)}.xlsx", workbook(tables)


@background.register("reports.plans_xlsx", label=gettext_lazy("Plan execution (XLSX)"))
class PlanExecutionXlsx(_DistrictExport):
    @staticmethod
    def build(params, progress):
        district, year = report_params(params)
        report = selectors.district_report(district, year, with_details=False)
        progress(50)
        return f"plan-execution-{_stem(district, year)}.xlsx", workbook([plan_list_table(report), plans_table(report)])


# The dashboard's direct downloads, by the name in the address.
DIRECT = {
    "annual-report.pdf": ("reports.annual_pdf", "application/pdf"),
    "annual-report.xlsx": ("reports.annual_xlsx", XLSX_TYPE),
    "competition-results.xlsx": ("reports.results_xlsx", XLSX_TYPE),
    "plan-execution.xlsx": ("reports.plans_xlsx", XLSX_TYPE),
}
