"""Spreadsheets the methodists and the district office ask for."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title, headers, rows, widths):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def applications_xlsx(call, applications):
    headers = [
        _("No."),
        _("Institution"),
        _("Theme"),
        _("State"),
        _("Submitted"),
        _("Site manager"),
        _("Manager's e-mail"),
        _("Manager's phone"),
        _("Fix by"),
    ]
    rows = [
        [
            index,
            a.institution.short_name,
            a.theme,
            a.get_state_display(),
            _local(a.submitted_at),
            a.manager_name,
            a.manager_email,
            a.manager_phone,
            a.fix_by,
        ]
        for index, a in enumerate(applications, start=1)
    ]
    return _workbook(_("Applications"), headers, rows, [6, 30, 50, 22, 18, 28, 28, 20, 12])


def registry_xlsx(awards):
    headers = [
        _("No."),
        _("District"),
        _("Institution"),
        _("Status"),
        _("Level"),
        _("Theme"),
        _("Valid from"),
        _("Valid until"),
        _("Decided by"),
        _("Protocol or order number"),
        _("Decision date"),
    ]
    rows = [
        [
            index,
            a.institution.district.name,
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
        for index, a in enumerate(awards, start=1)
    ]
    return _workbook(_("Registry"), headers, rows, [6, 22, 30, 32, 14, 50, 12, 12, 28, 14, 12])
