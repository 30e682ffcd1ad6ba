"""Read a plan of events from an Excel sheet (.xlsx) or a CSV file, as methodists keep them.

A methodist's own sheet rarely starts with the header: title rows come first («План
мероприятий … на 2024/2025 учебный год»), then the header on any row, with the Word plan's
column names («№ п/п», «Наименование мероприятия», «Сроки проведения», …) or the portal's
export («Раздел», «Номер», «Мероприятие», «Сроки», …). Sections are either a «Раздел» column
or rows whose text sits in one cell (usually merged across the row and bold). Numbers are
typed as text («1.1.») or as numbers; dates are often real date cells.

The sheet becomes the same :class:`ParsedPlan` as a Word document, so that the preview and
the all-or-nothing import are the same. Rows are named by Excel's own row numbers and
columns by the names in the sheet's header, so that a methodist finds them at once.

Rules, in short:

* the header is the first of the sheet's first 30 rows that names at least the event and the
  timeframe (matched by meaning, as in Word: :func:`docx_reader.header_field`); the title is
  the text of the rows above it;
* a date cell is written «17.10.2024» (a date-time too: the time of a date typed into Excel is
  midnight); a whole number typed as a number is «3», not «3.0»;
* a row with text in one cell only is a section («1. Повышение квалификации»), unless it reads
  as a line of the legend («ИМЦ – информационно-методический центр»); a row with only a number
  and a title is a section when it is bold or followed by items numbered under it;
* vertically merged cells give their text to every row they cover;
* CSV: «;», «,» or tab separated, UTF-8 (with or without BOM) or Windows-1251.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from innovation_portal.sheet_rows import decode_text  # no Django: this runs in the limited child

from .docx_reader import (
    _AMBIGUOUS,
    _NUMBER_IN_TITLE,
    _TITLE_START,
    ParsedItem,
    ParsedPlan,
    ParsedSection,
    PlanReadError,
    SkippedTable,
    _legend_entry,
    _looks_like_abbreviations,
    _number_key,
    _split_section_number,
    header_field,
)

__all__ = ["read_plan_sheet"]

_MAX_HEADER_ROW = 30

# columns only the portal's own export has
_SHEET_HEADERS = [
    ("section", re.compile(r"^(раздел|разделплана|направлени[ея])$")),
    ("host", re.compile(r"^(местопроведения|площадка|базапроведения|учреждение)")),
    ("ignore", re.compile(r"^(какпрочитанысроки|отметкаовыполнении|выполнение)$")),
]


@dataclass
class _SheetCell:
    text: str
    bold: bool = False
    span: int = 1  # columns covered by a horizontally merged cell
    merged_below: bool = False  # the lower part of a vertically merged cell


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return f"{value:%d.%m.%Y}"
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    text = str(value).replace("\u00ad", "")
    return " ".join(text.split())


def _header_key(text: str) -> str:
    return re.sub(r"[^\w№]", "", text.lower().replace("ё", "е"))


def _column_field(text: str) -> str | None:
    key = _header_key(text)
    for name, pattern in _SHEET_HEADERS:
        if pattern.search(key):
            return name
    return header_field(text)


# --- Loading ----------------------------------------------------------------------------------


def _load_xlsx(data: bytes) -> list[tuple[str, list[list[_SheetCell]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanReadError(
            "Файл не удалось открыть как книгу Excel (.xlsx). Если это старый формат (.xls), "
            "пересохраните его в Excel как «Книга Excel (.xlsx)» или как CSV."
        ) from exc
    sheets = []
    for sheet in workbook.worksheets:
        width = sheet.max_column or 0
        rows = [
            [_SheetCell(_cell_text(cell.value), bool(cell.font and cell.font.b)) for cell in row]
            + [_SheetCell("")] * (width - len(row))
            for row in sheet.iter_rows(max_col=width)
        ]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(rows) or left >= width:
                continue
            origin = rows[top][left]
            origin.span = merged.max_col - merged.min_col + 1
            for r in range(merged.min_row, min(merged.max_row, len(rows))):
                # below the top row: the text of the merged cell belongs to every row it covers
                rows[r][left] = _SheetCell(origin.text, origin.bold, origin.span, merged_below=True)
        sheets.append((sheet.title, rows))
    return sheets


def _load_csv(data: bytes) -> list[tuple[str, list[list[_SheetCell]]]]:
    text = decode_text(data)
    sample = "\n".join(text.splitlines()[:40])
    delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [[_SheetCell(_cell_text(value)) for value in row] for row in reader]
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend(_SheetCell("") for _ in range(width - len(row)))
    return [("CSV", rows)]


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class _Header:
    row: int  # 0-based index in the sheet
    cols: dict[int, str]  # column index -> field
    names: dict[int, str]  # column index -> the name as written


def _find_header(rows: list[list[_SheetCell]]) -> _Header | None:
    for index, row in enumerate(rows[:_MAX_HEADER_ROW]):
        cols, names = {}, {}
        for col, cell in enumerate(row):
            if not cell.text or cell.merged_below:
                continue
            name = _column_field(cell.text)
            if name and name not in cols.values():
                cols[col] = name
                names[col] = cell.text
        if {"title", "timeframe"} <= set(cols.values()):
            return _Header(index, cols, names)
    return None


class _SheetReader:
    def __init__(self, rows: list[list[_SheetCell]], header: _Header):
        self.rows = rows
        self.header = header
        self.warnings: list[tuple[int, str]] = []
        self.legend: list[tuple[str, str]] = []
        self.label = {field: header.names[col] for col, field in header.cols.items()}

    def warn(self, message: str, row: int = 0) -> None:
        self.warnings.append((row, message))

    def column(self, field: str) -> str:
        return f"«{self.label.get(field, field)}»"

    def read(self, title: str) -> ParsedPlan:
        header = self.header
        for col, text in enumerate(c.text for c in self.rows[header.row]):
            if text and col not in header.cols:
                self.warn(f"колонка «{text}» не распознана и пропущена.", header.row + 1)
        self._resolve_responsible()
        fields = [f for f in header.cols.values() if f not in ("ignore", "section", "host")]
        records = []
        for index in range(header.row + 1, len(self.rows)):
            record = self._classify(index)
            if record is not None:
                records.append(record)
        sections = self._assemble(records)
        if not any(section.items for section in sections):
            raise PlanReadError(
                f"Заголовок таблицы плана найден (строка {header.row + 1}), но под ним нет ни одного мероприятия."
            )
        self._check(sections)
        return ParsedPlan(
            title=title,
            columns=[f for f in fields if f != _AMBIGUOUS],
            sections=sections,
            legend=self.legend,
            warnings=[f"Строка {row}: {message}" if row else message for row, message in sorted(self.warnings)],
        )

    def _resolve_responsible(self) -> None:
        cols = self.header.cols
        for col, name in list(cols.items()):
            if name != _AMBIGUOUS:
                continue
            if "organizers" in cols.values():
                cols[col] = "responsible"
                continue
            values = [row[col].text for row in self.rows[self.header.row + 1 :] if col < len(row) and row[col].text]
            abbreviated = sum(1 for v in values if _looks_like_abbreviations(v))
            cols[col] = "organizers" if values and abbreviated * 3 >= len(values) * 2 else "responsible"

    def _values(self, row: list[_SheetCell]) -> dict[str, str]:
        values = {}
        for col, name in self.header.cols.items():
            if name != "ignore":
                values[name] = row[col].text if col < len(row) else ""
        return values

    def _classify(self, index: int):
        row = self.rows[index]
        excel_row = index + 1
        filled = [(col, cell) for col, cell in enumerate(row) if cell.text]
        if not filled:
            return None
        keys = [_header_key(cell.text) for cell in row]
        if keys == [_header_key(cell.text) for cell in self.rows[self.header.row]]:
            return None  # the header repeated
        texts = [cell.text for _col, cell in filled]
        if len(texts) > 2 and texts == [str(n) for n in range(1, len(texts) + 1)]:
            return None  # a row numbering the columns
        values = self._values(row)
        own = [(col, cell) for col, cell in filled if not cell.merged_below]
        if len(filled) == 1 or (len(own) == 1 and own[0][1].span > 1 and len({c.text for _c, c in filled}) == 1):
            text = filled[0][1].text
            entry = _legend_entry(text)
            if entry:
                self.legend.append(entry)
                return None
            if re.match(r"(?i)^(принятые\s+)?(сокращения|условные обозначения)\W*$", text):
                return None
            if "section" not in self.header.cols.values() and (
                filled[0][1].span > 1
                or filled[0][1].bold
                or self.header.cols.get(filled[0][0]) in (None, "number", "title")
            ):
                number, section_title = _split_section_number(text)
                return ("section", excel_row, number, section_title, True)
        details = ("timeframe", "audience", "organizers", "responsible", "expected_result", _AMBIGUOUS, "host")
        if (
            "section" not in self.header.cols.values()
            and values.get("number")
            and values.get("title")
            and not any(values.get(name) for name in details)
            and _number_key(values["number"]) is not None
            and len(_number_key(values["number"])) == 1
        ):
            bold = all(cell.bold for _col, cell in own)
            return ("numbered-short", excel_row, values["number"].rstrip(".)"), values["title"], bold, values)
        return ("item", excel_row, values)

    def _assemble(self, records) -> list[ParsedSection]:
        sections: list[ParsedSection] = []
        by_section_text: dict[str, ParsedSection] = {}
        current: ParsedSection | None = None
        for position, record in enumerate(records):
            kind = record[0]
            if kind == "numbered-short":
                _kind, row, number, title, bold, values = record
                following = self._next_number(records, position + 1)
                key = _number_key(number)
                if bold or (following is not None and len(following) > 1 and following[0] == key[0]):
                    record, kind = ("section", row, number, title, True), "section"
                else:
                    record, kind = ("item", row, values), "item"
            if kind == "section":
                _kind, row, number, title, _bold = record
                current = ParsedSection(number, title, row)
                sections.append(current)
                continue
            _kind, row, values = record
            values = dict(values)
            section_text = values.pop("section", "")
            if section_text:
                if section_text not in by_section_text:
                    number, title = _split_section_number(section_text)
                    if not number:
                        match = re.match(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$", section_text)
                        if match:
                            number, title = match.group(1), match.group(2)
                    by_section_text[section_text] = ParsedSection(number, title, row)
                    sections.append(by_section_text[section_text])
                current = by_section_text[section_text]
            if current is None:
                current = ParsedSection("", "", 0)
                sections.append(current)
            current.items.append(self._item(row, values))
        for section in sections:
            section.items = self._nest(section.items)
        return [s for s in sections if s.items or s.row]

    def _next_number(self, records, start):
        for record in records[start:]:
            if record[0] == "section":
                return None
            values = record[5] if record[0] == "numbered-short" else record[2]
            return _number_key(values.get("number", ""))
        return None

    def _item(self, row: int, values: dict[str, str]) -> ParsedItem:
        number = values.pop("number", "")
        title = values.pop("title", "")
        if number and _number_key(number) is None:
            self.warn(f"в колонке {self.column('number')} не номер пункта: «{number}»; пункт прочитан без номера.", row)
            number = ""
        elif not number:
            match = _NUMBER_IN_TITLE.match(title)
            if match:
                number, title = match.group(1), match.group(2).strip()
        fields = {
            k: v
            for k, v in values.items()
            if k in ("timeframe", "audience", "organizers", "responsible", "expected_result", "host")
        }
        return ParsedItem(number=number, title=title, row=row, **fields)

    def _nest(self, items: list[ParsedItem]) -> list[ParsedItem]:
        top, by_key, seen = [], {}, {}
        for item in items:
            key = _number_key(item.number)
            if key is None:
                top.append(item)
                continue
            if key in seen:
                self.warn(f"номер пункта «{item.number}» повторяется (он уже был в строке {seen[key]}).", item.row)
            seen.setdefault(key, item.row)
            parent = next((by_key[key[:n]] for n in range(len(key) - 1, 0, -1) if key[:n] in by_key), None)
            (parent.children if parent is not None else top).append(item)
            by_key[key] = item
        return top

    def _check(self, sections: list[ParsedSection]) -> None:
        items = [item for section in sections for item in section.iter_items()]
        numbered = sum(1 for item in items if item.number)
        has_number_column = "number" in self.header.cols.values()
        missing = [item for item in items if not item.number]
        if has_number_column and numbered and missing:
            self.warn(
                f"номера есть не у всех пунктов: у {len(missing)} из {len(items)} пунктов колонка "
                f"{self.column('number')} пуста."
            )
            for item in missing:
                self.warn(f"у пункта «{item.title[:60]}» пуста колонка {self.column('number')}.", item.row)
        for item in items:
            if not item.title:
                self.warn(f"пуста колонка {self.column('title')}: у мероприятия нет наименования.", item.row)
            if not item.timeframe and not item.children:
                self.warn(f"пуста колонка {self.column('timeframe')}: у пункта не указаны сроки.", item.row)
        for section in sections:
            if not section.items and section.row:
                self.warn(f"в разделе «{section.title[:60]}» нет ни одного пункта.", section.row)


def read_plan_sheet(data: bytes, name: str = "") -> ParsedPlan:
    """Read a plan from the bytes of an .xlsx or .csv file (chosen by ``name``'s extension).

    Raises :class:`PlanReadError` with a Russian message when the file cannot be opened or no
    sheet has a header with the event and the timeframe columns.
    """
    sheets = _load_csv(data) if name.lower().endswith(".csv") else _load_xlsx(data)
    skipped = []
    for number, (sheet_name, rows) in enumerate(sheets, start=1):
        header = _find_header(rows)
        if header is None:
            filled = [[c.text for c in row] for row in rows if any(c.text for c in row)]
            if filled:
                skipped.append((number, sheet_name, filled[:3]))
            continue
        above = [" ".join(c.text for c in row if c.text) for row in rows[: header.row] if any(c.text for c in row)]
        starts = [i for i, text in enumerate(above) if _TITLE_START.match(text)]
        title = " ".join(above[starts[0] :] if starts else above)
        plan = _SheetReader(rows, header).read(" ".join(title.split()))
        for other, (other_name, other_rows) in enumerate(sheets, start=1):
            if other == number:
                continue
            filled = [[c.text for c in row] for row in other_rows if any(c.text for c in row)]
            if filled:
                reason = f"лист «{other_name}» не импортирован: план читается только с листа «{sheet_name}»."
                plan.skipped_tables.append(SkippedTable(other, reason, filled[:3]))
                plan.warnings.insert(0, reason[0].upper() + reason[1:])
        plan.table = number
        plan.plan_tables = [number]
        return plan
    names = ", ".join(f"«{sheet_name}»" for _n, sheet_name, _r in skipped) or "—"
    raise PlanReadError(
        "В файле не найдена таблица плана: ни на одном листе "
        f"({names}) в первых {_MAX_HEADER_ROW} строках нет строки заголовка с колонками «Мероприятие» "
        "(«Наименование мероприятия») и «Сроки» («Сроки проведения», «Дата»)."
    )
