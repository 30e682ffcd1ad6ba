"""The call's results as a workbook: the ranking, and every review in full."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exports import registry as background
from innovation_portal.spreadsheets import XLSX_TYPE as XLSX_TYPE  # the views answer with it
from innovation_portal.spreadsheets import Sheet, xlsx

from .results import expert_total


def _num(value):
    return None if value is None else float(value)


def results_xlsx(results):
    """Sheet 1: ranking with mean/median per criterion, spread and flag. Sheet 2: every review in full."""
    criteria = results.criteria
    headers = [_("Place"), _("Institution"), _("Theme"), _("State"), _("Reviews"), _("Weighted total")]
    for criterion in criteria:
        headers += [
            _("%(criterion)s: mean") % {"criterion": criterion.name},
            _("%(criterion)s: median") % {"criterion": criterion.name},
        ]
    headers += [_("Spread"), _("Std. deviation"), _("Experts disagree"), _("Recommendations"), _("Not ranked yet")]
    rows = []
    for row in results.all_rows:
        cells = [
            row.rank,
            row.application.institution.short_name,
            row.application.theme,
            row.application.get_state_display(),
            len(row.reviews),
            _num(row.total),
        ]
        for mean, median in row.criteria_values:
            cells += [_num(mean), _num(median)]
        cells += [
            _num(row.spread),
            _num(row.std),
            _("yes") if row.disagreement else "",
            "; ".join(row.recommendations),
            ""
            if row.rank
            else _("reviews: %(done)d of %(expected)d") % {"done": row.counted, "expected": row.expected},
        ]
        rows.append(cells)
    ranking = Sheet(_("Ranking"), headers, rows, widths=18)

    headers = [_("Institution"), _("Expert"), _("State"), _("Submitted"), _("Total")]
    for criterion in criteria:
        headers += [
            _("%(criterion)s: score") % {"criterion": criterion.name},
            _("%(criterion)s: comment") % {"criterion": criterion.name},
        ]
    headers += [_("Overall comment"), _("Recommendation"), _("Entered from a paper sheet by")]
    lines = []

    weights = {c.pk: c.weight for c in criteria}
    for row in results.all_rows:
        for assignment in row.application.assignments.all():
            review = getattr(assignment, "review", None)
            if review is None:
                continue
            scores = {s.criterion_id: s for s in review.scores.all()}
            values = {k: s.value for k, s in scores.items() if s.value is not None}
            cells = [
                row.application.institution.short_name,
                assignment.expert.full_name,
                review.get_state_display(),
                review.submitted_at,
                _num(expert_total(weights, values)),
            ]
            for criterion in criteria:
                score = scores.get(criterion.pk)
                cells += [score.value if score else None, score.comment if score else ""]
            cells += [
                review.overall_comment,
                review.get_recommendation_display(),
                review.entered_by.full_name if review.entered_by_id else "",
            ]
            lines.append(cells)
    return xlsx([ranking, Sheet(_("Reviews"), headers, lines, widths=24)])


def protocol_pdf(meeting):
    """The council's protocol, ready to sign."""
    from innovation_portal.pdf import render_pdf

    from . import selectors

    members = list(meeting.members.all())
    return render_pdf(
        "expertise/pdf/protocol.html",
        {
            "meeting": meeting,
            "items": selectors.agenda_of(meeting),
            "members": members,
            "present": [m for m in members if m.present],
            "invited": [line.strip() for line in meeting.invited.splitlines() if line.strip()],
        },
    )


# --- Made in the background (exports.registry): the same files, with a progress bar.


def _call_for(user, params):

    from . import selectors

    call = selectors.managed_calls(user).filter(pk=background.int_param(params, "call")).first()
    return call if call is not None and user.has_perm("expertise.read_results", call) else None


def _meeting_for(user, params):
    from . import selectors

    meeting = selectors.meetings(user).filter(pk=background.int_param(params, "meeting")).first()
    return meeting if meeting is not None and user.has_perm("expertise.read_meeting", meeting) else None


@background.register("expertise.results_xlsx", label=gettext_lazy("Expertise results (XLSX)"))
class ResultsXlsxExport:
    @staticmethod
    def allowed(user, params):
        return user.has_perm("expertise.view_lists") and _call_for(user, params) is not None

    @staticmethod
    def title(params):
        return _("Expertise results (XLSX)")

    @staticmethod
    def build(params, progress):
        from applications.models import Call

        from . import selectors

        call = Call.objects.get(pk=background.int_param(params, "call"))
        progress(30)
        return f"expertise-{call.pk}.xlsx", results_xlsx(selectors.call_results(call))


@background.register("expertise.protocol_pdf", label=gettext_lazy("Council protocol (PDF)"))
class ProtocolPdfExport:
    @staticmethod
    def allowed(user, params):
        return user.has_perm("expertise.view_lists") and _meeting_for(user, params) is not None

    @staticmethod
    def title(params):
        return _("Council protocol (PDF)")

    @staticmethod
    def build(params, progress):
        from .models import CouncilMeeting

        meeting = CouncilMeeting.objects.get(pk=background.int_param(params, "meeting"))
        progress(30)
        return f"protocol-{meeting.pk}.pdf", protocol_pdf(meeting)
