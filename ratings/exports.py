"""Downloads of the rating: the table with points per indicator (XLSX), the table (PDF), interviews (ICS)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from exports import registry as background
from innovation_portal.pdf import render_pdf
from innovation_portal.spreadsheets import Line, Sheet, xlsx


def rating_xlsx(campaign, indicators, results_list):
    """One row per institution: places, every indicator's points, the total and the change."""
    header = [_("Place"), _("Place in the group"), _("Institution"), _("Group")]
    header += [f"{indicator.order}. {indicator.name}" for indicator in indicators]
    header += [_("Total"), _("Last year's total"), _("Change")]
    rows = [
        [result.rank, result.group_rank, result.institution.short_name, result.get_group_display()]
        + [result.points.get(indicator.code, 0) for indicator in indicators]
        + [
            float(result.total),
            float(result.previous_total) if result.previous_total is not None else None,
            float(result.change) if result.change is not None else None,
        ]
        for result in results_list
    ]
    sheet = Sheet(
        _("Rating"),
        header,
        rows,
        widths=[8, 10, 40, 14] + [14] * (len(header) - 4),
        above=[Line([f"{campaign.title} {campaign.academic_year}, {campaign.district}"], bold=True)],
        freeze_columns=3,
    )
    return xlsx([sheet])


def rating_pdf(campaign, indicators, results_list):
    for result in results_list:
        result.ordered_points = [result.points.get(indicator.code, 0) for indicator in indicators]
    return render_pdf(
        "ratings/pdf/rating.html",
        {"campaign": campaign, "indicators": indicators, "results": results_list, "printed": timezone.localdate()},
    )


def interviews_ics(slots, name):
    """A calendar with the interviews (booked slots) for a coordinator's or a methodist's calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Innovation portal//ratings//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = settings.SITE_URL.split("://")[-1].split("/")[0]
    for slot in slots:
        event = Event()
        event.add("uid", f"rating-interview-{slot.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        event.add(
            "summary",
            _("Interview on the innovation activity rating: %(institution)s") % {"institution": slot.booked_by},
        )
        if slot.place:
            event.add("location", slot.place)
        event.add("description", f"{slot.campaign.title} {slot.campaign.academic_year}")
        calendar.add_component(event)
    return calendar.to_ical()


# --- Made in the background (exports.registry) -----------------------------------


def _campaign(user, params):
    from .selectors import results_readable_by

    campaign_id = background.int_param(params, "campaign")
    return results_readable_by(user).filter(pk=campaign_id).first() if campaign_id else None


def _rating_title(params, label):
    from .models import RatingCampaign

    campaign = RatingCampaign.objects.select_related("district").filter(pk=background.int_param(params, "campaign"))
    campaign = campaign.first()
    return f"{label}: {campaign}" if campaign else label


def _rating_parts(params):
    from . import selectors
    from .models import RatingCampaign

    campaign = RatingCampaign.objects.select_related("district").get(pk=background.int_param(params, "campaign"))
    return campaign, list(campaign.indicators.all()), list(selectors.results(campaign))


def _stem(campaign):
    return f"rating-{campaign.academic_year.replace('/', '-')}"


@background.register("ratings.rating_xlsx", label=gettext_lazy("Rating (XLSX)"))
class RatingXlsxExport:
    @staticmethod
    def allowed(user, params):
        return _campaign(user, params) is not None

    @staticmethod
    def title(params):
        return _rating_title(params, _("Rating (XLSX)"))

    @staticmethod
    def build(params, progress):
        campaign, indicators, rows = _rating_parts(params)
        progress(50)
        return f"{_stem(campaign)}.xlsx", rating_xlsx(campaign, indicators, rows)


@background.register("ratings.rating_pdf", label=gettext_lazy("Rating (PDF)"))
class RatingPdfExport:
    @staticmethod
    def allowed(user, params):
        return _campaign(user, params) is not None

    @staticmethod
    def title(params):
        return _rating_title(params, _("Rating (PDF)"))

    @staticmethod
    def build(params, progress):
        campaign, indicators, rows = _rating_parts(params)
        progress(30)
        return f"{_stem(campaign)}.pdf", rating_pdf(campaign, indicators, rows)
