"""A plan as JSON, PDF, XLSX and an ICS calendar feed; the year-end execution report."""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exports import registry as background
from innovation_portal.pdf import render_pdf
from innovation_portal.spreadsheets import Line, Sheet, xlsx

from .models import Execution, Plan
from .selectors import plan_for_export, tally

# --- JSON ---------------------------------------------------------------------------------


def item_as_dict(item, children_of):
    return {
        "number": item.number,
        "title": item.title,
        "timeframe": item.timeframe_text,
        "understood": item.understood,
        "months": list(item.months),
        "dates": list(item.dates),
        "audience": item.audience,
        "organizers": [a.abbr for a in item.organizers.all()] or _split_text(item.organizers_text),
        "responsible": item.responsible,
        "expected_result": item.expected_result,
        "children": [item_as_dict(child, children_of) for child in children_of.get(item.pk, [])],
    }


def _split_text(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def plan_as_dict(plan):
    """The plan in the shape `manage.py export_plan --format json` prints."""
    sections, items, _legend = plan_for_export(plan)
    children_of = {}
    for item in items:
        if item.parent_id:
            children_of.setdefault(item.parent_id, []).append(item)
    return {
        "title": plan.title,
        "district": plan.district.name,
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "items": [item_as_dict(i, children_of) for i in section.shown_items if i.parent_id is None],
            }
            for section in sections
        ],
    }


# --- Columns shown in the PDF and XLSX ----------------------------------------------------


def plan_columns(items):
    """The optional columns a plan uses, in the official order (a column nobody filled is left out)."""
    candidates = [
        ("timeframe_text", _("Timeframe")),
        ("audience", _("Target audience")),
        ("organizers_text", _("Organizers")),
        ("responsible", _("Responsible")),
        ("expected_result", _("Expected result")),
    ]
    return [
        (name, label) for name, label in candidates if name == "timeframe_text" or any(getattr(i, name) for i in items)
    ]


def _rows(sections, columns):
    for section in sections:
        yield "section", section, None
        for item in section.shown_items:
            yield "item", item, [getattr(item, name) for name, _label in columns]


# --- PDF ----------------------------------------------------------------------------------


def plan_pdf(plan):
    sections, items, legend = plan_for_export(plan)
    columns = plan_columns(items)
    return render_pdf(
        "plans/pdf/plan.html",
        {
            "plan": plan,
            "columns": [label for _name, label in columns],
            "rows": list(_rows(sections, columns)),
            "legend": legend,
            "column_count": len(columns) + 2,
        },
    )


def _report_tally(items):
    for item in items:
        item.marked_occurrences = [o for o in item.all_occurrences if o.is_marked]
        item.planned_count = len(item.all_occurrences) - len(item.marked_occurrences)
    return tally(o for item in items for o in item.all_occurrences)


def execution_report_pdf(plan):
    """The year-end report: occurrences by month (held / planned / moved / cancelled) and each item's marks."""
    sections, items, _legend = plan_for_export(plan)
    rows, totals, total = _report_tally(items).table()
    return render_pdf(
        "plans/pdf/execution_report.html",
        {
            "plan": plan,
            "sections": sections,
            "labels": [label for _value, label in Execution.choices],
            "tally_rows": rows,
            "tally_totals": totals,
            "tally_total": total,
            "item_count": len(items),
            "today": timezone.localdate(),
        },
    )


# --- XLSX ---------------------------------------------------------------------------------


def plan_xlsx(plan):
    """The plan as a sheet laid out like the document: title, header, section rows, items, legend."""
    sections, items, legend = plan_for_export(plan)
    columns = plan_columns(items)
    headers = [_("No."), _("Event"), *[label for _name, label in columns], _("Host institution")]
    rows = []
    for kind, obj, values in _rows(sections, columns):
        if kind == "section":
            rows.append(Line([obj.number, obj.title], bold=True))
        else:
            rows.append(
                [obj.number, obj.title, *values, obj.host_institution.short_name if obj.host_institution else ""]
            )
    sheet = Sheet(
        _("Plan"),
        headers,
        rows,
        widths=[9, 60] + [28] * (len(headers) - 2),
        above=[[plan.title], [f"{plan.district.name}, {plan.period_label}"], []],
        below=[[abbreviation.abbr, abbreviation.meaning] for abbreviation in legend],
    )
    return xlsx([sheet])


def _month_label(month):
    from django.utils.formats import date_format

    return date_format(month, "F Y") if month else _("no date")


def execution_report_xlsx(plan):
    """Occurrences by month above (rows and columns sum to the totals), then every occurrence with its mark."""
    sections, items, _legend = plan_for_export(plan)
    labels = [str(label) for _value, label in Execution.choices]
    rows_by_month, totals, total = _report_tally(items).table()
    above = [
        [_("Execution of the plan: %(title)s") % {"title": plan.title}],
        [f"{plan.district.name}, {plan.period_label}"],
        [],
        [_("Month"), *labels, _("Total")],
        *[[_month_label(month), *counts, row_total] for month, counts, row_total in rows_by_month],
        [_("Total"), *totals, total],
        [],
    ]
    headers = [
        _("No."),
        _("Event"),
        _("Timeframe"),
        _("Occurrence"),
        _("Execution"),
        _("Date"),
        _("Participants"),
        _("Materials"),
        _("Short report"),
        _("Marked by"),
    ]
    names = dict(Execution.choices)
    rows = []
    for section in sections:
        rows.append(Line([section.number, section.title], bold=True))
        for item in section.shown_items:
            for occurrence in item.all_occurrences:
                rows.append(
                    [
                        item.number,
                        item.title,
                        item.timeframe_text,
                        occurrence.window_text or _("no date"),
                        str(names[occurrence.execution]),
                        occurrence.executed_on,
                        occurrence.participants,
                        occurrence.materials_url or occurrence.materials_file_name,
                        occurrence.report,
                        str(occurrence.marked_by) if occurrence.marked_by_id else "",
                    ]
                )
    sheet = Sheet(_("Execution"), headers, rows, widths=[9, 50, 20, 20, 14, 12, 10, 30, 40, 24], above=above)
    return xlsx([sheet])


# --- ICS ----------------------------------------------------------------------------------
#
# Every occurrence is an all-day event: a dated one on its days, one known only to the month (or
# months) spanning them, marked free/transparent: both
# Yandex Calendar and Outlook show such an event as a bar across the days at the top of the
# calendar without blocking anyone's time. iCalendar task components were not used because neither of them shows
# tasks from a subscribed feed. Items whose timeframe is not understood are left out.


def _host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"


def item_events(item, stamp):
    """One all-day event per occurrence, with a UID of its own: a moved occurrence is updated in place
    at its new date (the old one is in no feed); an undated one is left out."""
    from icalendar import Event

    url = settings.SITE_URL + reverse("plans:detail", args=[item.plan_id]) + f"#item-{item.pk}"
    description = "\n".join(
        part
        for part in (
            _("Timeframe: %(text)s") % {"text": item.timeframe_text},
            item.audience and _("Audience: %(text)s") % {"text": item.audience},
            item.organizers_text and _("Organizers: %(text)s") % {"text": item.organizers_text},
            item.plan.title,
        )
        if part
    )
    summary = f"{item.number} {item.title}".strip()
    events = []
    for occurrence in item.all_occurrences:
        window = occurrence.feed_window()
        if window is None:
            continue
        first, last, exact = window
        event = Event()
        event.add("uid", f"plan-occurrence-{occurrence.pk}@{_host()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last + timedelta(days=1))
        event.add("summary", summary if exact else f"{summary} ({item.timeframe_text})")
        event.add("description", description)
        event.add("url", url)
        if item.host_institution:
            event.add("location", item.host_institution.short_name)
        event.add("status", "CANCELLED" if occurrence.execution == Execution.CANCELLED else "CONFIRMED")
        if not exact:
            event.add("transp", "TRANSPARENT")
            event.add("x-microsoft-cdo-busystatus", "FREE")
        events.append(event)
    return events


def calendar_ics(name, items):
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Innovation portal//plans//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    stamp = datetime.now(tz=timezone.get_current_timezone()).replace(microsecond=0)
    for item in items:
        for event in item_events(item, stamp):
            calendar.add_component(event)
    return calendar.to_ical()


def plan_ics(plan):
    from .selectors import occurrences_prefetch

    items = list(
        plan.items.select_related("plan", "host_institution").prefetch_related(occurrences_prefetch()).order_by("order")
    )
    return calendar_ics(f"{plan.district.short_name}: {Plan.Kind(plan.kind).label} {plan.period_label}", items)


# --- Made in the background (exports.registry) -----------------------------------
#
# The same files as the direct downloads above, for a large plan: the user presses the
# button, watches the progress bar and downloads when ready. The rules are the pages' rules.


def _plan(user, params, visible):
    from .selectors import report_plans, visible_plans

    plan_id = background.int_param(params, "plan")
    queryset = (visible_plans if visible else report_plans)(user)
    return queryset.filter(pk=plan_id).first() if plan_id else None


def _stem(plan):
    return f"plan-{plan.district.slug}-{plan.period_label.replace('/', '-')}-{plan.pk}"


def _plan_title(params, label):
    plan = Plan.objects.select_related("district").filter(pk=background.int_param(params, "plan")).first()
    return f"{label}: {plan.title[:200]} ({plan.district.short_name})" if plan else label


class _PlanFile:
    """A plan's file made in the background; subclasses name the file and the function."""

    visible = True  # the public plan's rule; False: the execution report's (methodists, office)
    suffix = ""
    make = None

    @classmethod
    def allowed(cls, user, params):
        return _plan(user, params, visible=cls.visible) is not None

    @classmethod
    def title(cls, params):
        return _plan_title(params, str(cls.label))

    @classmethod
    def build(cls, params, progress):
        plan = Plan.objects.select_related("district").get(pk=background.int_param(params, "plan"))
        progress(20)
        return f"{_stem(plan)}{cls.suffix}", cls.make(plan)


@background.register("plans.plan_pdf", label=gettext_lazy("Plan of events (PDF)"))
class PlanPdfExport(_PlanFile):
    suffix, make = ".pdf", staticmethod(plan_pdf)


@background.register("plans.plan_xlsx", label=gettext_lazy("Plan of events (XLSX)"))
class PlanXlsxExport(_PlanFile):
    suffix, make = ".xlsx", staticmethod(plan_xlsx)


@background.register("plans.report_pdf", label=gettext_lazy("Execution report (PDF)"))
class ExecutionPdfExport(_PlanFile):
    visible, suffix, make = False, "-execution.pdf", staticmethod(execution_report_pdf)
