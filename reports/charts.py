"""Data for the dashboard's charts (drawn by static/reports/dashboard.js with the vendored Chart.js)."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.models import Execution


def dashboard_charts(report):
    executions = Execution
    return {
        "sites": {
            "labels": [kind.short_name or kind.name for kind, _level, _n in report.sites_by_status],
            "datasets": [{"label": _("Sites"), "data": [n for _kind, _level, n in report.sites_by_status]}],
        },
        "competitions": {
            "labels": [call.title[:40] for call in report.competitions],
            "datasets": [
                {"label": _("Awarded"), "data": [c.counts.awarded for c in report.competitions]},
                {"label": _("Not awarded"), "data": [c.counts.not_awarded for c in report.competitions]},
                {
                    "label": _("Under way"),
                    "data": [c.counts.waiting + c.counts.returned + c.counts.in_expertise for c in report.competitions],
                },
            ],
        },
        "plans": {
            "labels": [date_format(month, "M Y") if month else _("no date") for month, _counts in report.plans.months],
            "datasets": [
                {"label": str(label), "data": [counts.get(status, 0) for _month, counts in report.plans.months]}
                for status, label in executions.choices
            ],
        },
        "rating": {
            "labels": report.rating.labels,
            "datasets": [{"label": _("Institutions"), "data": report.rating.counts}],
        },
        "publications": {
            "labels": [c.title[:40] for c in report.collections],
            "datasets": [
                {"label": _("Handed in"), "data": [c.handed_in for c in report.collections]},
                {"label": _("Accepted"), "data": [c.accepted for c in report.collections]},
            ],
        },
    }
