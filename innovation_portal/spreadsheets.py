"""Workbooks the portal hands out: one way to write them.

    xlsx([Sheet(_("Applications"), headers, rows, widths=[6, 30, 50])]) -> bytes

Every sheet gets a bold, wrapped, frozen header row, column widths (given or guessed from the
contents), dates as «dd.mm.yyyy» (times as «dd.mm.yyyy hh:mm», in Moscow time) and text that
wraps. Lines above the header (a title, a summary) and under the table (a legend) are allowed;
a `Line(values, bold=True)` is a row set in bold (a section heading).

Text is never a formula. A theme typed as `=HYPERLINK("http://…","…")` (or starting with `+`,
`-`, `@`, a tab or a carriage return) is written as a string cell with Excel's «quote prefix»:
the spreadsheet shows it as typed and does not evaluate it, even after the cell is edited. The
text itself is not changed (no apostrophe added), so a download round-trips. Control characters
a workbook cannot hold (a pasted vertical tab, a NUL) would make the whole file fail: Word's
line and page breaks become line breaks, the others the replacement character (U+FFFD).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes Excel or LibreOffice read a text as a formula (OWASP «CSV injection»).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 8, 50
MAX_TITLE = 31  # Excel's limit on a sheet's name

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Line:
    """A row with a style of its own: `Line([number, title], bold=True)` for a section heading."""

    values: Sequence
    bold: bool = False


@dataclass
class Sheet:
    title: str
    headers: Sequence
    rows: Iterable[Sequence | Line]
    # One width per column, one width for every column, or None to guess from the contents.
    widths: Sequence[float] | float | None = None
    above: Sequence[Sequence | Line] = field(default_factory=list)  # title, summary: above the header
    below: Sequence[Sequence | Line] = field(default_factory=list)  # a legend: under the table
    freeze_columns: int = 0  # columns kept in view when scrolling right (the header row always is)


def xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The workbook with these sheets, as the bytes of an .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write(book.create_sheet(str(sheet.title)[:MAX_TITLE]), sheet)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(worksheet, sheet):
    lengths = {}  # the longest text per column of the table, to guess widths
    row = 0
    for line in sheet.above:
        row += 1
        _put_row(worksheet, row, line)
    row += 1
    header_row = row
    _put_row(worksheet, row, Line(sheet.headers, bold=True), lengths)
    for line in sheet.rows:
        row += 1
        _put_row(worksheet, row, line, lengths)
    if sheet.below:
        row += 1  # a blank line between the table and the legend
        for line in sheet.below:
            row += 1
            _put_row(worksheet, row, line)
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=sheet.freeze_columns + 1)
    for index in range(1, max(len(sheet.headers), max(lengths, default=0)) + 1):
        worksheet.column_dimensions[get_column_letter(index)].width = _width(sheet.widths, index, lengths)


def _put_row(worksheet, row, line, lengths=None):
    """Write one row; a row of the table (`lengths` given) wraps its text and counts its lengths."""
    bold = isinstance(line, Line) and line.bold
    values = line.values if isinstance(line, Line) else line
    for column, value in enumerate(values, start=1):
        cell = worksheet.cell(row=row, column=column)
        _put(cell, value)
        if bold:
            cell.font = BOLD
        if lengths is not None:
            cell.alignment = WRAP
            if value is not None:
                lengths[column] = max(lengths.get(column, 0), _length(cell.value))


def _put(cell, value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif value is None or isinstance(value, bool | int | float | Decimal):
        cell.value = value
    else:
        text = _storable(str(value))  # lazy translations, display values
        cell.value = text
        if text.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl took a leading «=» for a formula
            cell.quotePrefix = True


def _storable(text):
    if ILLEGAL_CHARACTERS_RE.search(text) is None:
        return text
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", text)


def _length(value):
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(part) for part in str(value).splitlines()), default=0)


def _width(widths, index, lengths):
    if isinstance(widths, int | float):
        return widths
    if widths is not None and index <= len(widths):
        return widths[index - 1]
    return min(max(lengths.get(index, 0) + 2, MIN_WIDTH), MAX_WIDTH)
