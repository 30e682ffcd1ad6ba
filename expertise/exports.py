"""The call's results as a workbook: the ranking, and every review in full."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .results import expert_total

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(sheet, headers, rows, width=18):
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _num(value):
    return None if value is None else float(value)


def results_xlsx(results):
    """Sheet 1: ranking with mean/median per criterion, spread and flag. Sheet 2: every review in full."""
    criteria = results.criteria
    book = Workbook()
    ranking = book.active
    ranking.title = _("Ranking")[:31]
    headers = [_("Place"), _("Institution"), _("Theme"), _("State"), _("Reviews"), _("Weighted total")]
    for criterion in criteria:
        headers += [
            _("%(criterion)s: mean") % {"criterion": criterion.name},
            _("%(criterion)s: median") % {"criterion": criterion.name},
        ]
    headers += [_("Spread"), _("Experts disagree"), _("Recommendations")]
    rows = []
    for row in results.rows:
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
        cells += [_num(row.spread), _("yes") if row.disagreement else "", "; ".join(row.recommendations)]
        rows.append(cells)
    _sheet(ranking, headers, rows)

    full = book.create_sheet(_("Reviews")[:31])
    headers = [_("Institution"), _("Expert"), _("State"), _("Submitted"), _("Total")]
    for criterion in criteria:
        headers += [
            _("%(criterion)s: score") % {"criterion": criterion.name},
            _("%(criterion)s: comment") % {"criterion": criterion.name},
        ]
    headers += [_("Overall comment"), _("Recommendation")]
    lines = []

    weights = {c.pk: c.weight for c in criteria}
    for row in results.rows:
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
                timezone.localtime(review.submitted_at).replace(tzinfo=None) if review.submitted_at else None,
                _num(expert_total(weights, values)),
            ]
            for criterion in criteria:
                score = scores.get(criterion.pk)
                cells += [score.value if score else None, score.comment if score else ""]
            cells += [review.overall_comment, review.get_recommendation_display()]
            lines.append(cells)
    _sheet(full, headers, lines, width=24)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
