"""Read an annual plan of events (план мероприятий) from a Word .docx document.

Methodists keep the district plan as a Word table: a title paragraph, a table whose first row
names the columns («№ п/п», «Наименование мероприятия», «Сроки проведения», …), section rows
(«Повышение квалификации», «1. Организационно-методическое сопровождение»), numbered items,
sometimes nested (4.12 → 4.12.1 …), and a legend of abbreviations after the table. This
module turns such a document into plain data (:class:`ParsedPlan`) without touching the
database; the Django import builds on it. It does not import Django.

Rules, in the words a methodist would use:

* **The plan table** is the first table with a header row (one of its first three rows) that
  has at least a column for the event («Мероприятие», «Наименование…», «Содержание работы»…)
  and one for the timeframe («Сроки», «Дата», «Срок исполнения»…). Headers are matched by
  meaning, ignoring case, spaces and punctuation, not by position. Unknown columns are
  ignored with a warning. Tables before the plan table (an approval block) are skipped with a
  warning.
* **Continuation tables.** A plan often breaks into several tables (a page break, a PDF
  converted to Word). A later table with the same header, or with no header and the same
  number of columns, continues the plan, unless a paragraph with text other than «Продолжение
  таблицы» stands between them; a repeated header row (and a row numbering the columns «1 2 3
  4») is skipped. Rows are numbered continuously across tables, the header of the first table
  being row 1, and warnings then name the table too («Строка 13 (таблица 2): …»).
* **«Ответственный», «Ответственные», «Исполнитель»** mean the organising bodies
  (``organizers``) when at least two thirds of the filled cells of that column consist only of
  abbreviations («ИМЦ», «ОО, КС, ИМЦ», «ГБОУ № 287»), as in district plans; otherwise (people's
  names, «методисты ИМЦ», as in a roadmap) they mean ``responsible``. A column named
  «Организатор…» («Ответственный организатор») is always ``organizers``; if the plan already
  has an organizers column, «Ответственные» is ``responsible``.
* **Section rows**: a row whose text sits in one cell merged across the whole row, or only in
  the first one or two cells with every other column empty. The section number is taken from
  the number cell or from the text («1. …», «I. …», «Раздел 2. …») and stripped from the
  title. A row with a single-level number and only a title («1. | Повышение квалификации») is a
  section when its text is bold or when the following items are numbered «1.1», «1.2», …;
  otherwise it is an item with empty columns. An unnumbered section-like row inside a numbered
  section, followed by items that continue that section's numbering («Проблемно-практические
  семинары…» before 4.12), is a sub-heading: the section goes on and the following items carry
  it in ``ParsedItem.group``. Items before any section row go into an implicit section with
  ``number=""``, ``title=""`` and ``row=0``. A section without items is reported.
* **Items** keep their number as written («4.12.1», «1.»). A number typed into the title cell
  with the number cell empty («6.5. Обновление банка…») is moved to ``number`` with a warning; a
  number cell that is not a number («—», «3а») is reported and the item gets ``number=""``.
  Nesting is by number prefix inside a section: 4.12.1 becomes a child of 4.12 when 4.12
  exists. Gaps, repeats and numbers outside their section are reported; items without a number
  are reported only when most items of the plan are numbered.
* **A row right after an item, without a number and without a timeframe, whose title starts
  with a lower-case letter or is empty** («направленности.») is the rest of that item that
  Word or a converter carried over to the next page: its texts are appended to the item's
  fields, with a warning.
* **Vertically merged cells** (one audience or result for a run of events) give their text to
  every row they cover; horizontally merged cells count once (cells are de-duplicated by their
  ``<w:tc>`` element) and give their text to the first column they cover.
* Word's automatic list numbering in cells is rendered as the number Word would display.
* **Text** is taken as written: paragraphs of a cell are joined with a space, inner runs of
  whitespace are collapsed to one space, outer whitespace is stripped; nothing else is
  changed («октябрь - апрель», «июль -август» stay as they are). Deleted tracked changes
  (text and rows), field codes and footnote marks are ignored.
* **The title** is the non-empty paragraphs before the first plan table (after any skipped
  table), starting at the first one that begins with «План», «Дорожная карта», «Перечень»,
  «График», «Календарь» or «Программа» if there is one.
* **The legend** is taken from paragraphs and tables after the last plan table and from the
  document's footnotes, wherever a line reads «ABBR – meaning» (en dash, em dash or a hyphen
  with spaces); the abbreviation is the part before the dash and must be mostly capitals.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

__all__ = [
    "ITEM_FIELDS",
    "ParsedItem",
    "ParsedPlan",
    "ParsedSection",
    "PlanReadError",
    "SkippedTable",
    "read_plan_docx",
]


# --------------------------------------------------------------------------------------------
# Public data
# --------------------------------------------------------------------------------------------


class PlanReadError(Exception):
    """The document holds no recognisable plan table. The message is in Russian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedItem:
    number: str
    title: str
    timeframe: str = ""
    audience: str = ""
    organizers: str = ""
    responsible: str = ""
    expected_result: str = ""
    row: int = 0
    children: list[ParsedItem] = field(default_factory=list)
    #: the unnumbered sub-heading row the item sits under inside its section, if any
    group: str = ""
    #: the host institution as named in its own column (spreadsheets: «Место проведения»)
    host: str = ""

    def iter_tree(self) -> Iterator[ParsedItem]:
        """This item and all its descendants, depth first, in document order."""
        yield self
        for child in self.children:
            yield from child.iter_tree()


@dataclass
class ParsedSection:
    number: str
    title: str
    row: int
    items: list[ParsedItem] = field(default_factory=list)

    def iter_items(self) -> Iterator[ParsedItem]:
        for item in self.items:
            yield from item.iter_tree()


@dataclass
class SkippedTable:
    """A table of the document that is not imported as part of the plan, and why.

    The preview lists every one of them so that nothing is dropped silently. ``importable``
    says the table has a plan header of its own (an appendix) and can be imported on its own.
    """

    number: int  # 1-based position among the tables of the document
    reason: str
    rows: list[list[str]]  # its first rows, cell texts as written
    importable: bool = False


@dataclass
class ParsedPlan:
    title: str
    columns: list[str]
    sections: list[ParsedSection]
    legend: list[tuple[str, str]]
    warnings: list[str]
    #: every table of the document that is not part of the plan, with the reason
    skipped_tables: list[SkippedTable] = field(default_factory=list)
    #: the 1-based number of the table the plan was read from
    table: int = 0
    #: the numbers of every table read as the plan (the first and its continuations)
    plan_tables: list[int] = field(default_factory=list)

    def iter_items(self) -> Iterator[ParsedItem]:
        """Every item of every section, nested ones included, in document order."""
        for section in self.sections:
            yield from section.iter_items()


#: the text fields of an item, in the usual column order
ITEM_FIELDS = (
    "number",
    "title",
    "timeframe",
    "audience",
    "organizers",
    "responsible",
    "expected_result",
)

# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

_W_P = qn("w:p")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_BR = qn("w:br")
_W_CR = qn("w:cr")
_W_NBH = qn("w:noBreakHyphen")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIPPED_TAGS = {
    qn("w:del"),
    qn("w:delText"),
    qn("w:instrText"),
    qn("w:delInstrText"),
    qn("w:moveFrom"),
    qn("w:pPr"),
    qn("w:rPr"),
    qn("w:tcPr"),
    qn("w:trPr"),
    qn("w:tblPr"),
    qn("w:tblGrid"),
    _MC_FALLBACK,
}


def _norm(text: str) -> str:
    """Collapse inner whitespace (newlines, tabs, no-break spaces) to one space and strip."""
    return " ".join(text.split())


def _starts_lower(text: str) -> bool:
    """True when the text starts like the middle of a sentence: a lower-case letter or
    punctuation that cannot open a title."""
    text = text.lstrip()
    if not text:
        return False
    first = text[0]
    if first.isalpha():
        return first.islower()
    return first in ",;:.)]»-–—"


class _TextExtractor:
    """Plain text of WordprocessingML fragments, with automatic list numbers rendered."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering

    def text(self, element) -> str:
        out: list[str] = []
        self._walk(element, out)
        return "".join(out).strip("\n")

    def _walk(self, element, out: list[str]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_TAGS:
                continue
            if tag == _W_P:
                label = self.numbering.label_for(child)
                if out and not out[-1].endswith("\n"):
                    out.append("\n")
                if label:
                    out.append(label + " ")
                self._walk(child, out)
                out.append("\n")
            elif tag == _W_T:
                # a soft hyphen typed as a character (pasted from the web) is not text
                out.append((child.text or "").replace("\u00ad", ""))
            elif tag == _W_TAB:
                out.append("\t")
            elif tag in (_W_BR, _W_CR):
                out.append("\n")
            elif tag == _W_NBH:
                out.append("-")
            else:
                self._walk(child, out)


def _is_bold(element, bold_styles: set[str]) -> bool:
    """All visible text of the element is bold (run formatting or a bold paragraph style)."""
    seen_text = False
    for p in element.iter(_W_P):
        p_style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_bold = p_style is not None and p_style.get(qn("w:val")) in bold_styles
        for r in p.iter(qn("w:r")):
            if not "".join(t.text or "" for t in r.iter(_W_T)).strip():
                continue
            seen_text = True
            b = r.find(f"{qn('w:rPr')}/{qn('w:b')}")
            if b is not None:
                if b.get(qn("w:val"), "true") in ("0", "false", "off"):
                    return False
                continue
            if not style_bold:
                return False
    return seen_text


# --------------------------------------------------------------------------------------------
# Automatic list numbering
# --------------------------------------------------------------------------------------------

_RUSSIAN_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"


def _roman(n: int) -> str:
    values = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for value, letters in values:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int, alphabet: str) -> str:
    if n <= 0:
        return str(n)
    letter = alphabet[(n - 1) % len(alphabet)]
    return letter * ((n - 1) // len(alphabet) + 1)


def _format_counter(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "russianUpper":
        return _letters(n, _RUSSIAN_LETTERS)
    if fmt == "russianLower":
        return _letters(n, _RUSSIAN_LETTERS.lower())
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Renders Word's automatic numbering («1.», «4.12.1») for numbered paragraphs.

    Counters are kept per abstract list and advanced in document order; ``prepare`` must see
    every paragraph of the body before labels are asked for.
    """

    def __init__(self, document=None):
        self.levels: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.labels: dict[int, str] = {}
        # abstract lists that only point to a list style (w:numStyleLink) -> the abstract list
        # holding the levels of that style; they share its counters, as in Word
        self.alias: dict[str, str] = {}
        #: paragraphs numbered by Word whose number could not be rendered
        self.unrendered: set[int] = set()
        if document is not None:
            self._load(document)

    def _load(self, document) -> None:
        root = _part_root(_related_part(document.part, RT.NUMBERING))
        style_links: dict[str, str] = {}  # abstract id -> the list style it points to
        if root is not None:
            for abstract in root.findall(qn("w:abstractNum")):
                link = _child_val(abstract, "w:numStyleLink", None)
                if link:
                    style_links[abstract.get(qn("w:abstractNumId"))] = link
                levels = {}
                for lvl in abstract.findall(qn("w:lvl")):
                    ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                    levels[ilvl] = {
                        "start": int(_child_val(lvl, "w:start", "1") or 1),
                        "fmt": _child_val(lvl, "w:numFmt", "decimal"),
                        "text": _child_val(lvl, "w:lvlText", None),
                    }
                self.levels[abstract.get(qn("w:abstractNumId"))] = levels
            for num in root.findall(qn("w:num")):
                overrides = {}
                for override in num.findall(qn("w:lvlOverride")):
                    start = _child_val(override, "w:startOverride", None)
                    if start is not None:
                        overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start)
                self.nums[num.get(qn("w:numId"))] = (
                    _child_val(num, "w:abstractNumId", None),
                    overrides,
                )
        root = _part_root(_related_part(document.part, RT.STYLES))
        if root is not None:
            based_on: dict[str, str] = {}
            own: dict[str, tuple[str | None, int | None]] = {}
            for style in root.findall(qn("w:style")):
                style_id = style.get(qn("w:styleId"))
                parent = _child_val(style, "w:basedOn", None)
                if parent:
                    based_on[style_id] = parent
                num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
                if num_pr is not None:
                    ilvl = _child_val(num_pr, "w:ilvl", None)
                    own[style_id] = (
                        _child_val(num_pr, "w:numId", None),
                        int(ilvl) if ilvl is not None else None,
                    )
            for style_id in set(based_on) | set(own):
                current, hops = style_id, 0
                while current is not None and current not in own and hops < 20:
                    current, hops = based_on.get(current), hops + 1
                if current in own:
                    self.style_numpr[style_id] = own[current]
        for abstract_id, style_id in style_links.items():
            # «w:numStyleLink»: the levels are those of the list the style numbers with
            num_id, _ilvl = self.style_numpr.get(style_id, (None, None))
            target = self.nums.get(num_id, (None, {}))[0] if num_id else None
            if target and target != abstract_id and self.levels.get(target):
                self.alias[abstract_id] = target

    def prepare(self, body) -> None:
        if not self.nums:
            return
        counters: dict[str, list[int | None]] = {}
        started_nums: set[str] = set()
        # the proxies are kept alive so that id() keeps naming the same paragraph
        self._paragraphs = list(body.iter(_W_P))
        for p in self._paragraphs:
            num_id, ilvl = self._numpr(p)
            if num_id is None or num_id == "0" or num_id not in self.nums:
                continue
            abstract_id, overrides = self.nums[num_id]
            abstract_id = self.alias.get(abstract_id, abstract_id)
            levels = self.levels.get(abstract_id, {})
            level = levels.get(ilvl)
            if level is None:
                self.unrendered.add(id(p))
                continue
            state = counters.setdefault(abstract_id, [None] * 10)
            if num_id not in started_nums:
                started_nums.add(num_id)
                for lvl_index, start in overrides.items():
                    state[lvl_index] = start - 1
                    for deeper in range(lvl_index + 1, 10):
                        state[deeper] = None
            current = state[ilvl]
            state[ilvl] = level["start"] if current is None else current + 1
            for deeper in range(ilvl + 1, 10):
                state[deeper] = None
            if level["fmt"] in ("bullet", "none") or level["text"] is None:
                continue

            def render(match: re.Match, state=state, levels=levels) -> str:
                k = int(match.group(1)) - 1
                lvl = levels.get(k, {"start": 1, "fmt": "decimal"})
                value = state[k] if state[k] is not None else lvl["start"]
                return _format_counter(value, lvl["fmt"])

            self.labels[id(p)] = re.sub(r"%([1-9])", render, level["text"])

    def _numpr(self, p) -> tuple[str | None, int]:
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = ilvl = None
        if num_pr is not None:
            num_id = _child_val(num_pr, "w:numId", None)
            ilvl_val = _child_val(num_pr, "w:ilvl", None)
            ilvl = int(ilvl_val) if ilvl_val is not None else None
        if num_id is None or ilvl is None:
            p_style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if p_style is not None:
                style_num, style_ilvl = self.style_numpr.get(p_style.get(qn("w:val")), (None, None))
                num_id = num_id if num_id is not None else style_num
                ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl or 0

    def label_for(self, p) -> str:
        return self.labels.get(id(p), "")


def _child_val(element, tag: str, default):
    child = element.find(qn(tag))
    if child is None:
        return default
    return child.get(qn("w:val"), default)


def _related_part(part, reltype: str):
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


# --------------------------------------------------------------------------------------------
# Tables as grids
# --------------------------------------------------------------------------------------------


@dataclass
class _Cell:
    tc: object  # the <w:tc> holding the text (the top cell of a vertical merge)
    text: str
    col: int  # first grid column covered by this cell
    span: int
    continued: bool  # the lower part of a vertical merge: its text was written above
    bold: bool
    clean: str = field(init=False)  # the text with whitespace collapsed

    def __post_init__(self) -> None:
        self.clean = _norm(self.text)


class _Grid:
    """A table laid out on its column grid; ``rows[i][col]`` is the cell covering ``col``."""

    def __init__(self, tbl, extractor: _TextExtractor, bold_styles: set[str]):
        self.tbl = tbl
        self.rows: list[list[_Cell | None]] = []
        for tr in _direct(tbl, _W_TR):
            if tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None:
                continue  # a row deleted with track changes on
            row: list[_Cell | None] = [None] * tr.grid_before
            col = tr.grid_before
            above = self.rows[-1] if self.rows else []
            for tc in _direct(tr, _W_TC):
                span = max(1, tc.grid_span)
                origin = above[col] if col < len(above) else None
                if tc.vMerge == "continue" and origin is not None:
                    cell = _Cell(origin.tc, origin.text, col, span, True, origin.bold)
                else:
                    cell = _Cell(tc, extractor.text(tc), col, span, False, _is_bold(tc, bold_styles))
                row.extend([cell] * span)
                col += span
            self.rows.append(row)
        grid_cols = tbl.find(qn("w:tblGrid"))
        declared = len(grid_cols.findall(qn("w:gridCol"))) if grid_cols is not None else 0
        self.width = max([declared] + [len(r) for r in self.rows])
        for row in self.rows:
            row.extend([None] * (self.width - len(row)))
        widths = []
        if grid_cols is not None:
            for col in grid_cols.findall(qn("w:gridCol")):
                try:
                    widths.append(max(0, int(col.get(qn("w:w"), "0"))))
                except ValueError:
                    widths.append(0)
        #: where each grid column starts and ends, as a share of the table's width
        self.edges: list[tuple[float, float]] | None = None
        if len(widths) == self.width and sum(widths) > 0:
            total, start, self.edges = sum(widths), 0, []
            for width in widths:
                self.edges.append((start / total, (start + width) / total))
                start += width

    def filled_rows(self) -> list[int]:
        return [i for i in range(len(self.rows)) if any(c.clean for c in self.unique(i) if not c.continued)]

    def texts(self, index: int) -> list[str]:
        return [c.clean for c in self.unique(index)]

    def unique(self, index: int) -> list[_Cell]:
        """The distinct cells of a row, left to right (merged cells once, by their <w:tc>)."""
        seen: set[int] = set()
        cells = []
        for cell in self.rows[index]:
            if cell is None or id(cell.tc) in seen:
                continue
            seen.add(id(cell.tc))
            cells.append(cell)
        return cells

    def value(self, index: int, col: int) -> str:
        cell = self.rows[index][col] if col < self.width else None
        if cell is None or cell.col != col:
            return ""
        return cell.clean


def _row_values(grid: _Grid, index: int, cols: dict[int, str], order: list[str] | None = None) -> dict[str, str]:
    """The texts of a row by field. A continuation on its own grid reads a row with as many
    cells as the first table's header by the order of the cells; otherwise cells are read by
    the grid column they start in (several columns may give one field: their texts join)."""
    values = dict.fromkeys(dict.fromkeys(cols.values()), "")
    if order is not None:
        cells = grid.unique(index)
        if len(cells) == len(order):
            for name, cell in zip(order, cells, strict=True):
                if name:
                    values[name] = _norm(f"{values.get(name, '')} {cell.clean}")
            return values
    for col, name in cols.items():
        value = grid.value(index, col)
        if value and value not in values[name]:
            values[name] = _norm(f"{values[name]} {value}")
    return values


def _direct(element, tag: str) -> Iterator:
    """Children with the given tag, looking through content controls (<w:sdt>)."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _direct(content, tag)


# --------------------------------------------------------------------------------------------
# Header recognition
# --------------------------------------------------------------------------------------------

_HEADER_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("number", re.compile(r"^(№|n|no|номер)(пп|п)?$|^пп$")),
    ("timeframe", re.compile(r"^(срок|дата|период|времяпроведения|когда)")),
    ("audience", re.compile(r"^(целев|участник|категори|аудитори|длякого|контингент)")),
    ("organizers", re.compile(r"^(ответственн\w*)?(со)?организатор")),
    ("responsible?", re.compile(r"^(ответствен|исполнител)")),
    ("expected_result", re.compile(r"^(ожидаем|планируем|результат|прогнозируем)")),
    (
        "title",
        re.compile(
            r"^(наименование|название|мероприяти|направлени\w*деятельност|содержани"
            r"|тема|видыработ|формыработ)"
        ),
    ),
]

_AMBIGUOUS = "responsible?"


def _header_key(text: str) -> str:
    return re.sub(r"[^\w№]", "", text.lower().replace("ё", "е"))


def _header_field(text: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    for name, pattern in _HEADER_PATTERNS:
        if pattern.search(key):
            return name
    return None


def header_field(text: str) -> str | None:
    """The item field a column header names («Сроки проведения» -> "timeframe"), by meaning;
    «Ответственные» gives the ambiguous marker, decided by the column's values. Shared with
    the spreadsheet reader."""
    return _header_field(text)


@dataclass
class _Header:
    index: int  # row index of the header in its table
    cols: dict[int, str]  # grid column -> field (or the ambiguous marker)
    unknown: list[str]  # texts of columns that were not recognised
    duplicates: list[str]  # texts of columns naming a field already found


def _find_header(grid: _Grid, max_rows: int = 3) -> _Header | None:
    for index in range(min(max_rows, len(grid.rows))):
        header = _header_from_row(grid, index)
        if header is not None:
            return header
    return None


def _header_from_row(grid: _Grid, index: int) -> _Header | None:
    cols: dict[int, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for cell in grid.unique(index):
        if cell.continued:
            continue
        name = _header_field(cell.clean)
        if name is None:
            if cell.clean:
                unknown.append(cell.clean)
        elif name in cols.values():
            duplicates.append(cell.clean)
        else:
            cols[cell.col] = name
    if {"title", "timeframe"} <= set(cols.values()):
        return _Header(index, cols, unknown, duplicates)
    return None


# header texts as methodists write them, for recognising a header repeated inside the plan
_KNOWN_HEADER_TEXTS = (
    "№ п/п",
    "№",
    "п.п",
    "N",
    "номер",
    "Наименование мероприятия",
    "Мероприятие",
    "Мероприятия",
    "Направления деятельности",
    "Содержание работы",
    "Наименование",
    "Содержание",
    "Тема",
    "Сроки",
    "Сроки проведения",
    "Срок проведения",
    "Срок исполнения",
    "Сроки исполнения",
    "Дата",
    "Дата проведения",
    "Срок",
    "Целевая аудитория",
    "Участники",
    "Категория участников",
    "Ответственный организатор",
    "Ответственные организаторы",
    "Организатор",
    "Организаторы",
    "Ответственные",
    "Ответственный",
    "Ответственные исполнители",
    "Исполнители",
    "Исполнитель",
    "Ожидаемый результат",
    "Ожидаемые результаты",
    "Планируемый результат",
    "Планируемые результаты",
    "Результат",
    "Результаты",
)
_KNOWN_HEADERS = {_header_key(text) for text in _KNOWN_HEADER_TEXTS}


def _same_columns(header: _Header, first: _Header) -> bool:
    """A later header names the same fields as the plan's (a header repeated on a new page);
    a missing or extra «№» column does not make it another table."""
    ours, theirs = set(header.cols.values()) - {"number"}, set(first.cols.values()) - {"number"}
    return ours == theirs and len(header.unknown) == len(first.unknown)


def _is_plain_header(grid: _Grid, index: int) -> bool:
    """A row made only of usual column names, with at least the event and the timeframe."""
    header = _header_from_row(grid, index)
    if header is None or header.unknown:
        return False
    return all(_header_key(c.clean) in _KNOWN_HEADERS for c in grid.unique(index) if c.clean)


_ABBR_TOKEN = re.compile(r"[A-ZА-ЯЁ]{2,}(?:[ -][A-ZА-ЯЁ]{2,})*(?:\s*№\s*\d+)?")


def _looks_like_abbreviations(value: str) -> bool:
    tokens = [t.strip() for t in re.split(r"[,;/\n]|\sи\s", value) if t.strip()]
    return bool(tokens) and all(_ABBR_TOKEN.fullmatch(t) for t in tokens)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

# «6.5. Обновление банка…» typed into the title cell; components of up to three digits, so
# that a date opening the title («10.10.2023 Круглый стол») is not taken for a number
_NUMBER_IN_TITLE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.)\s+(\S.*)$", re.S)
_SECTION_NUMBER = re.compile(
    r"^(?:(?i:раздел|часть)\s+(?P<word>[IVXLC]+|\d+)[.:)]?"
    r"|(?P<arabic>\d+(?:\.\d+)+\.?|\d+[.)])"
    r"|(?P<roman>[IVXLC]+)[.)])\s*(?P<title>(?![\d.])\S.*)$",
    re.S,
)


def _number_key(number: str) -> tuple[int, ...] | None:
    stripped = number.strip().rstrip(".)")
    if not stripped or not re.fullmatch(r"\d+(?:\.\d+)*", stripped):
        return None
    return tuple(int(part) for part in stripped.split("."))


def _split_section_number(text: str) -> tuple[str, str]:
    """«1. Повышение квалификации» -> ("1", "Повышение квалификации"); also «I.», «Раздел 2.»."""
    match = _SECTION_NUMBER.match(text)
    if not match:
        return "", text
    number = match.group("word") or match.group("arabic") or match.group("roman")
    return number.rstrip(".)"), match.group("title").strip()


# --------------------------------------------------------------------------------------------
# Legend
# --------------------------------------------------------------------------------------------

_LEGEND_PREFIX = re.compile(
    r"^(?:принятые\s+|список\s+)?(?:сокращени[яй]|условные\s+обозначения|обозначения)\s*:?\s*",
    re.I,
)
_LEGEND_LINE = re.compile(r"^(?P<abbr>.+?)\s*(?:\s[-–—]\s|[–—]|\s-(?=\S)|(?<=\S)-\s)\s*(?P<meaning>.+)$")


def _legend_entry(line: str) -> tuple[str, str] | None:
    line = _norm(_LEGEND_PREFIX.sub("", _norm(line)))
    line = re.sub(r"^(?:\d+[.)]?\s+|[•·*]\s*)", "", line)
    match = _LEGEND_LINE.match(line)
    if not match:
        return None
    abbr = match.group("abbr").strip(" :")
    meaning = match.group("meaning").strip().rstrip(";,.").strip()
    letters = [ch for ch in abbr if ch.isalpha()]
    uppers = [ch for ch in letters if ch.isupper()]
    if not meaning or len(abbr) > 25 or len(abbr.split()) > 4:
        return None
    if len(uppers) < 2 or len(uppers) * 2 < len(letters):
        return None
    return abbr, meaning


def _legend_from_text(text: str) -> list[tuple[str, str]]:
    entries = []
    for line in re.split(r"[\n;]", text):
        entry = _legend_entry(line)
        if entry:
            entries.append(entry)
    return entries


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_TITLE_START = re.compile(r"^(план|дорожная\s+карта|перечень|график|календар|программа)", re.I)
# «Продолжение таблицы 1», «Продолжение табл. 1», «(продолжение)», «Окончание таблицы 1»,
# «Продолжение приложения 1»: a caption over a continued table, in any wording
_BETWEEN_TABLES = re.compile(r"^\W*(продолжение|окончание)\b.{0,60}$", re.I | re.S)
_NO_TABLE_MESSAGE = "В документе не найдена таблица плана: нет строки заголовка с колонками «Мероприятие» и «Сроки»."


@dataclass
class _PlanTable:
    table_no: int  # 1-based position among all tables of the document
    grid: _Grid
    header: _Header | None  # None for a continuation without a header of its own
    cols: dict[int, str]  # grid column -> field
    first_row: int  # index of the first row below the header
    row_offset: int  # row number in the plan = row_offset + row index
    #: a continuation on a grid of its own: the fields in the order of the first table's
    #: columns, used for a row with as many cells as the first table's header has
    order: list[str] | None = None


@dataclass
class _Row:
    row: int
    table_no: int
    kind: str  # item, section, continuation, numbered-short
    values: dict[str, str]
    cells: list[_Cell]
    bold: bool = False
    section_number: str = ""
    section_title: str = ""
    #: fields whose cell is the lower part of a vertical merge (its text written above)
    merged_above: set[str] = field(default_factory=set)


class _Reader:
    def __init__(self, source, table: int | None = None):
        self.chosen = table or 0  # the table to read the plan from (an appendix), 0 = the first plan table
        self._skipped: list[SkippedTable] = []
        try:
            if isinstance(source, os.PathLike):
                source = os.fspath(source)
            elif isinstance(source, bytes | bytearray):
                source = io.BytesIO(source)
            self.document = Document(source)
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise PlanReadError(
                "Файл не удалось открыть как документ Word (.docx). Если это старый формат "
                "(.doc) или PDF, пересохраните его в Word как «Документ Word (.docx)»."
            ) from exc
        self.body = self.document.element.body
        self.numbering = _Numbering(self.document)
        self.numbering.prepare(self.body)
        self.extractor = _TextExtractor(self.numbering)
        self.bold_styles = self._bold_styles()
        self._warnings: list[tuple[int, int | None, str]] = []
        self._unnumbered: list[int] = []  # rows of items with an empty number cell
        self._row_texts: dict[int, list[str]] = {}  # the cells of every plan row, for messages
        self._unrendered_numbers = False
        self._row_tables: dict[int, int] = {}

    # -- helpers ---------------------------------------------------------------------------

    def _bold_styles(self) -> set[str]:
        root = _part_root(_related_part(self.document.part, RT.STYLES))
        bold = set()
        if root is not None:
            for style in root.findall(qn("w:style")):
                b = style.find(f"{qn('w:rPr')}/{qn('w:b')}")
                if b is not None and b.get(qn("w:val"), "true") not in ("0", "false", "off"):
                    bold.add(style.get(qn("w:styleId")))
        return bold

    def warn(self, message: str, row: int = 0, table_no: int | None = None) -> None:
        """Record a warning; ``row`` 0 means a warning about the document, not a row."""
        self._warnings.append((row, table_no, message))

    def _blocks(self, element=None) -> Iterator:
        """Body paragraphs and tables in document order (looking into content controls)."""
        element = self.body if element is None else element
        for child in element:
            if child.tag in (_W_P, _W_TBL):
                yield child
            elif child.tag == _W_SDT:
                content = child.find(_W_SDT_CONTENT)
                if content is not None:
                    yield from self._blocks(content)

    def _text(self, element) -> str:
        return _norm(self.extractor.text(element))

    # -- main ------------------------------------------------------------------------------

    def read(self) -> ParsedPlan:
        tables: list[_PlanTable] = []
        before: list[tuple[str, int]] = []  # paragraphs before the plan: (text, tables seen)
        after: list = []  # blocks after the last plan table
        between: list = []  # paragraphs since the last table of the plan
        table_no = 0
        next_row = 1
        closed = False  # an appendix started: later tables no longer continue the plan
        appendix_no = 0  # the appendix a headerless table may continue
        for block in self._blocks():
            if block.tag == _W_P:
                if tables:
                    after.append(block)
                    between.append(block)
                else:
                    text = self._text(block)
                    if text:
                        before.append((text, table_no))
                continue
            table_no += 1
            grid = _Grid(block, self.extractor, self.bold_styles)
            if not grid.filled_rows():
                self._skip(table_no, grid, "таблица пустая.")
                continue
            header = _find_header(grid)
            if not tables and (header is None or table_no < self.chosen):
                if header is not None:
                    self._skip(table_no, grid, "выбрана другая таблица для импорта.", importable=True)
                elif self.chosen:
                    self._skip(table_no, grid, "таблица стоит до выбранной таблицы плана.")
                else:
                    self._skip(
                        table_no,
                        grid,
                        "таблица стоит до таблицы плана, и в ней нет строки заголовка с колонками "
                        "«Мероприятие» и «Сроки» (например, гриф утверждения).",
                    )
                continue
            if header is not None and not tables:
                offset = next_row - header.index
                tables.append(_PlanTable(table_no, grid, header, dict(header.cols), header.index + 1, offset))
                self._report_header(header, offset + header.index, table_no)
                next_row = offset + len(grid.rows)
                after, between = [], []
            elif header is not None and not closed and _same_columns(header, tables[0].header):
                tables.append(_PlanTable(table_no, grid, header, dict(header.cols), header.index + 1, next_row))
                self._report_header(header, next_row + header.index, table_no)
                next_row += len(grid.rows)
                after, between = [], []
            elif header is not None:
                closed, appendix_no = True, table_no
                names = ", ".join(f"«{_short(t, 30)}»" for t in grid.texts(header.index) if t)
                self._skip(
                    table_no,
                    grid,
                    f"у таблицы другие колонки ({names}), чем у таблицы плана: похоже на приложение. "
                    "В план она не добавлена; её можно импортировать отдельно.",
                    importable=True,
                )
            elif not closed and (order := self._continues(grid, tables, between)) is not False:
                cols, table_order = order
                tables.append(_PlanTable(table_no, grid, None, cols, 0, next_row, table_order))
                next_row += len(grid.rows)
                after, between = [], []
            elif closed and appendix_no and not self._has_text(between):
                self._skip(table_no, grid, f"продолжение таблицы {appendix_no}, которая не вошла в план.")
                appendix_no = table_no
            else:
                after.append(block)
                between.append(block)
                if self._legend_like(grid):
                    reason = "прочитана как расшифровка сокращений."
                else:
                    reason = (
                        "в таблице нет строки заголовка с колонками «Мероприятие» и «Сроки», и она не похожа "
                        "на продолжение таблицы плана (другие колонки или нумерация не продолжается)."
                    )
                self._skip(table_no, grid, reason)
        if not tables:
            raise PlanReadError(self._no_plan_message())

        for table in tables:
            for index in range(len(table.grid.rows)):
                self._row_tables[table.row_offset + index] = table.table_no
        multi_table = len(tables) > 1
        for table in tables[1:]:
            how = "с повторённой строкой заголовка" if table.header else "без строки заголовка"
            self.warn(
                f"Таблица {table.table_no} ({how}) прочитана как продолжение таблицы плана: "
                f"строки {table.row_offset}–{table.row_offset + len(table.grid.rows) - 1}."
            )

        self._resolve_ambiguous_columns(tables)
        sections = self._assemble(self._collect_rows(tables))
        if not any(section.items for section in sections):
            raise PlanReadError(
                "Таблица плана найдена, но в ней нет ни одного мероприятия: под строкой "
                "заголовка нет заполненных строк."
            )
        self._check_items(sections)

        first = tables[0]
        pre_header = [c.clean for i in range(first.header.index) for c in first.grid.unique(i) if c.clean]
        columns = [first.cols.get(c.col, "") for c in first.grid.unique(first.header.index) if not c.continued]
        return ParsedPlan(
            title=self._title(before, pre_header),
            columns=columns,
            sections=sections,
            legend=self._legend(after),
            warnings=self._format_warnings(multi_table),
            skipped_tables=self._skipped,
            table=first.table_no,
            plan_tables=[table.table_no for table in tables],
        )

    # -- tables ----------------------------------------------------------------------------

    def _report_header(self, header: _Header, row: int, table_no: int) -> None:
        for text in header.unknown:
            self.warn(f"колонка «{text}» не распознана и пропущена.", row, table_no)
        for text in header.duplicates:
            self.warn(f"колонка «{text}» повторяет уже найденную колонку и пропущена.", row, table_no)

    def _skip(self, table_no: int, grid: _Grid, reason: str, importable: bool = False) -> None:
        rows = [grid.texts(i) for i in grid.filled_rows()[:3]]
        self._skipped.append(SkippedTable(table_no, reason, rows, importable))
        self.warn(f"Таблица {table_no} не импортирована: {reason}")

    def _has_text(self, blocks: list) -> bool:
        """Something other than a continuation caption stands in ``blocks``."""
        for block in blocks:
            text = self._text(block) if block.tag == _W_P else "table"
            if text and not _BETWEEN_TABLES.match(text):
                return True
        return False

    def _continues(self, grid: _Grid, tables: list[_PlanTable], between: list):
        """A headerless table continuing the plan, judged by its cells.

        It continues the plan when its rows have the plan's columns (the same grid, a grid one
        column wider or narrower, as PDF converters make, or rows with as many cells as the
        header has), it is not a legend, its numbering does not start again, and either only
        empty paragraphs or a caption («Продолжение таблицы 1», «(окончание)») stand before
        it, or its numbering goes on from the plan's last item. Returns the columns of the new
        table and the order of fields for rows with the header's number of cells, or False.
        """
        previous, first = tables[-1], tables[0]
        if self._legend_like(grid):
            return False
        header_fields = [first.cols.get(c.col, "") for c in first.grid.unique(first.header.index) if not c.continued]
        counts = [len(grid.unique(i)) for i in grid.filled_rows()]
        same_cells = bool(counts) and max(set(counts), key=counts.count) == len(header_fields)
        if grid.width == previous.grid.width:
            cols, order = dict(previous.cols), previous.order
        elif abs(grid.width - first.grid.width) <= 1 or same_cells:
            cols, order = self._columns_by_position(grid, first), header_fields
        else:
            return False
        first_number = self._first_number(grid, cols, order)
        last_number = self._last_number(tables)
        if first_number is not None and last_number is not None and first_number <= last_number:
            return False  # the numbering starts again: another table
        goes_on = first_number is not None and last_number is not None
        if self._has_text(between) and not goes_on:
            return False
        return cols, order

    @staticmethod
    def _columns_by_position(grid: _Grid, first: _PlanTable) -> dict[int, str]:
        """Each grid column of ``grid`` takes the field of the first table's column it lies under most."""
        header_cells = [c for c in first.grid.unique(first.header.index) if not c.continued]
        if grid.edges is None or first.grid.edges is None:
            # no widths: the columns in order, the extra one (if any) joining the last
            fields = [first.cols.get(c.col, "") for c in header_cells]
            return {
                col: fields[min(col, len(fields) - 1)] for col in range(grid.width) if fields[min(col, len(fields) - 1)]
            }
        cols = {}
        for col, (left, right) in enumerate(grid.edges):
            best, best_overlap = "", 0.0
            for cell in header_cells:
                c_left = first.grid.edges[cell.col][0]
                c_right = first.grid.edges[min(cell.col + cell.span, first.grid.width) - 1][1]
                overlap = min(right, c_right) - max(left, c_left)
                if overlap > best_overlap:
                    best, best_overlap = first.cols.get(cell.col, ""), overlap
            if best:
                cols[col] = best
        return cols

    def _first_number(self, grid: _Grid, cols: dict[int, str], order) -> tuple[int, ...] | None:
        """The number of the table's first row, when that row is a numbered item (a section
        row first may restart the numbering, as plans numbered per section do)."""
        filled = grid.filled_rows()
        if not filled:
            return None
        return _number_key(_row_values(grid, filled[0], cols, order).get("number", ""))

    def _last_number(self, tables: list[_PlanTable]) -> tuple[int, ...] | None:
        for table in reversed(tables):
            for index in reversed(table.grid.filled_rows()):
                if index < table.first_row:
                    break
                if len([c for c in table.grid.unique(index) if c.clean and not c.continued]) == 1:
                    return None  # a section row: the numbering may start again after it
                key = _number_key(_row_values(table.grid, index, table.cols, table.order).get("number", ""))
                if key is not None:
                    return key
        return None

    def _legend_like(self, grid: _Grid) -> bool:
        filled = [i for i in range(len(grid.rows)) if any(c.clean for c in grid.unique(i))]
        if not filled:
            return True
        hits = 0
        for i in filled:
            cells = [c.clean for c in grid.unique(i) if c.clean]
            line = f"{cells[0]} – {cells[1]}" if len(cells) >= 2 else cells[0]
            hits += _legend_entry(line) is not None
        return hits * 2 > len(filled)

    def _no_plan_message(self) -> str:
        tables = [b for b in self._blocks() if b.tag == _W_TBL]
        if not tables:
            return (
                "В документе не найдена таблица плана: в нём нет ни одной таблицы, а план "
                "должен быть таблицей с колонками «Мероприятие» и «Сроки»."
            )
        for block in tables:
            grid = _Grid(block, self.extractor, self.bold_styles)
            for index in range(min(3, len(grid.rows))):
                names = {_header_field(c.clean) for c in grid.unique(index)}
                if "title" in names and "timeframe" not in names:
                    return (
                        "В документе не найдена таблица плана: колонка мероприятий есть, а "
                        "колонки сроков («Сроки», «Сроки проведения», «Дата») нет."
                    )
        return _NO_TABLE_MESSAGE

    def _resolve_ambiguous_columns(self, tables: list[_PlanTable]) -> None:
        """Decide whether «Ответственные» means organising bodies or responsible people."""
        groups: list[list[_PlanTable]] = []
        for table in tables:
            if table.header is not None or not groups:
                groups.append([table])
            else:
                groups[-1].append(table)
        for group in groups:
            head = group[0]
            decided = None
            for col, name in list(head.cols.items()):
                if name != _AMBIGUOUS:
                    continue
                if "organizers" in head.cols.values():
                    decided = "responsible"
                else:
                    values = [t.grid.value(index, col) for t in group for index in range(t.first_row, len(t.grid.rows))]
                    values = [v for v in values if v]
                    abbreviated = sum(1 for v in values if _looks_like_abbreviations(v))
                    enough = values and abbreviated * 3 >= len(values) * 2
                    decided = "organizers" if enough else "responsible"
                head.cols[col] = decided
            for table in group[1:]:
                if table.order is None and table.grid.width == head.grid.width:
                    table.cols = dict(head.cols)
                elif decided is not None:
                    # a continuation on a grid of its own keeps its columns; only the name is decided
                    table.cols = {col: decided if name == _AMBIGUOUS else name for col, name in table.cols.items()}
                    if table.order is not None:
                        table.order = [decided if name == _AMBIGUOUS else name for name in table.order]

    def _collect_rows(self, tables: list[_PlanTable]) -> list[_Row]:
        first = tables[0]
        header_keys = [_header_key(c.clean) for c in first.grid.unique(first.header.index)]
        rows: list[_Row] = []
        for table in tables:
            grid = table.grid
            for index in range(table.first_row, len(grid.rows)):
                cells = grid.unique(index)
                own = [c for c in cells if not c.continued and c.clean]
                if not own:
                    continue  # an empty row, or only the lower part of merged cells
                if [_header_key(c.clean) for c in cells] == header_keys:
                    continue  # the header repeated on a new page
                if _is_plain_header(grid, index):
                    continue  # a repeated header worded a little differently
                texts = [c.clean for c in own]
                if len(texts) > 2 and texts == [str(n) for n in range(1, len(texts) + 1)]:
                    continue  # a row numbering the columns: 1 2 3 4 5
                row_no = table.row_offset + index
                values = _row_values(grid, index, table.cols, table.order)
                row = self._classify(row_no, table, index, cells, own, values)
                self._row_texts[row_no] = [c.clean for c in cells]
                number_cols = [col for col, name in table.cols.items() if name == "number"]
                for col in number_cols:
                    cell = grid.rows[index][col]
                    unrendered = self.numbering.unrendered
                    if cell is not None and not cell.continued and any(id(p) in unrendered for p in cell.tc.iter(_W_P)):
                        self._unrendered_numbers = True
                rows.append(row)
        return rows

    def _classify(self, row_no, table, index, cells, own, values) -> _Row:
        grid = table.grid
        row = _Row(row_no, table.table_no, "item", values, cells)
        row.bold = all(c.bold for c in own)
        for col, name in table.cols.items():
            cell = grid.rows[index][col] if col < grid.width else None
            if cell is not None and cell.col == col and cell.continued:
                row.merged_above.add(name)
        merged_title = values.get("title") and "title" in row.merged_above
        if merged_title and ("number" in row.merged_above or not values.get("number")):
            # one event over two rows: the title (and number) merged down, the date and the
            # audience of this row its own
            row.kind = "subrow"
            return row
        title_cols = [col for col, name in table.cols.items() if name == "title"]
        if len(own) == 1 and own[0].span >= 2 and len(own[0].clean) > 1:
            # a section row merged over some columns only (a column «Отметка о выполнении»
            # added later, or a row merged over the first three columns), the rest empty
            start, end = own[0].col, own[0].col + own[0].span
            if any(start <= col < end for col in title_cols) and not _number_key(own[0].clean):
                return self._as_section(row, own[0].clean)
        has_number_column = "number" in table.cols.values()
        number = values.get("number", "")
        title = values.get("title", "")
        details = ("timeframe", "audience", "organizers", "responsible", "expected_result")
        has_details = any(values.get(name) for name in details)

        if len(own) == 1 and own[0].span >= grid.width:
            # one cell merged across the whole row
            return self._as_section(row, own[0].clean)
        if not number and not values.get("timeframe") and (not title or _starts_lower(title)):
            # the rest of the previous item carried over to a new page
            row.kind = "continuation"
            return row
        if has_details:
            return row
        if has_number_column and _number_key(number) is not None:
            if title:  # «1. | Повышение квалификации»: a section or an item, decided later
                row.kind = "numbered-short"
                row.section_number = number.rstrip(".)")
                row.section_title = title
            return row
        # text only in the first one or two cells, or in a cell merged over the rest of the row
        if all(c.col + c.span <= 2 or (c.col <= 1 and c.col + c.span >= grid.width) for c in own):
            return self._as_section(row, _norm(" ".join(c.clean for c in own)))
        return row

    @staticmethod
    def _as_section(row: _Row, text: str) -> _Row:
        row.kind = "section"
        row.section_number, row.section_title = _split_section_number(text)
        return row

    # -- assembling ------------------------------------------------------------------------

    def _assemble(self, rows: list[_Row]) -> list[ParsedSection]:
        for i, row in enumerate(rows):
            if row.kind == "numbered-short":
                # «1. | Повышение квалификации» is a section when bold or followed by 1.1, 1.2…
                key = _number_key(row.section_number)
                following = self._next_item_key(rows, i + 1)
                opens = following is not None and following[: len(key)] == key
                opens = opens and len(following) > len(key)
                row.kind = "section" if len(key) == 1 and (row.bold or opens) else "item"

        sections: list[ParsedSection] = []
        current: ParsedSection | None = None
        group = ""
        last_item: ParsedItem | None = None
        after_item = False  # the previous row was an item (or its continuation)
        for i, row in enumerate(rows):
            if row.kind == "section":
                after_item = False
                if not row.section_number and self._is_subheading(current, rows, i):
                    group = row.section_title
                    self.warn(
                        f"строка без номера «{_short(group)}» внутри раздела {current.number} "
                        f"прочитана как подзаголовок: следующие пункты остаются в разделе "
                        f"{current.number}.",
                        row.row,
                    )
                    continue
                current = ParsedSection(row.section_number, row.section_title, row.row)
                sections.append(current)
                group = ""
            elif row.kind == "continuation" and last_item is not None and after_item:
                self._append_continuation(last_item, row)
            elif row.kind == "subrow" and last_item is not None and after_item:
                self._append_subrow(last_item, row)
            else:
                item = self._item(row)
                item.group = group
                if current is None:
                    current = ParsedSection("", "", 0)
                    sections.append(current)
                current.items.append(item)
                last_item = item
            after_item = row.kind != "section"
        for section in sections:
            section.items = self._nest(section)
        return sections

    def _is_subheading(self, current: ParsedSection | None, rows: list[_Row], i: int) -> bool:
        if current is None or not re.fullmatch(r"\d+", current.number):
            return False
        following = self._next_item_key(rows, i + 1)
        return following is not None and len(following) > 1 and following[0] == int(current.number)

    def _append_continuation(self, item: ParsedItem, row: _Row) -> None:
        appended = []
        for name, value in row.values.items():
            if value and name != "number":
                setattr(item, name, _norm(f"{getattr(item, name)} {value}"))
                appended.append(value)
        label = f"«{item.number}»" if item.number else f"«{_short(item.title)}»"
        self.warn(
            f"строка без номера и сроков («{_short(' '.join(appended))}») присоединена к пункту "
            f"{label} из строки {item.row}: похоже, строка таблицы перенесена на новую страницу.",
            row.row,
        )

    def _append_subrow(self, item: ParsedItem, row: _Row) -> None:
        """A second row of one event (number and title merged over both rows): its own
        timeframe, audience and other cells join the item's, separated by «; »."""
        added = []
        for name, value in row.values.items():
            if not value or name in row.merged_above or name in ("number", "title"):
                continue
            current = getattr(item, name)
            if value not in current.split("; "):
                setattr(item, name, f"{current}; {value}" if current else value)
                added.append(value)
        label = f"«{item.number}»" if item.number else f"«{_short(item.title)}»"
        if added:
            self.warn(
                f"вторая строка пункта {label} (номер и наименование объединены на две строки): "
                f"её сроки и другие ячейки («{_short('; '.join(added))}») добавлены к пункту.",
                row.row,
            )

    def _next_item_key(self, rows: list[_Row], start: int) -> tuple[int, ...] | None:
        """The number of the first item after ``start``, before any other section row."""
        for row in rows[start:]:
            if row.kind == "section":
                return None
            if row.kind in ("item", "numbered-short"):
                number = row.values.get("number", "")
                if not number:
                    match = _NUMBER_IN_TITLE.match(row.values.get("title", ""))
                    number = match.group(1) if match else ""
                return _number_key(number)
        return None

    def _item(self, row: _Row) -> ParsedItem:
        values = dict(row.values)
        number = values.pop("number", "")
        title = values.pop("title", "")
        has_number_column = "number" in row.values
        if number and _number_key(number) is None:
            self.warn(
                f"не удалось определить номер пункта «{number}»; пункт прочитан без номера.",
                row.row,
            )
            number = ""
        elif not number:
            match = _NUMBER_IN_TITLE.match(title)
            if match:
                number, title = match.group(1), match.group(2).strip()
                if has_number_column:
                    self.warn(
                        f"номер пункта «{number}» записан в колонке наименования, а колонка "
                        "номера пуста; номер взят из наименования.",
                        row.row,
                    )
            elif has_number_column and not row.values.get("number"):
                self._unnumbered.append(row.row)
        return ParsedItem(number=number, title=title, row=row.row, **values)

    def _nest(self, section: ParsedSection) -> list[ParsedItem]:
        """Nest items by number prefix and report gaps, repeats and stray numbers."""
        top: list[ParsedItem] = []
        by_key: dict[tuple[int, ...], ParsedItem] = {}
        first_row: dict[tuple[int, ...], int] = {}
        last_key: dict[int, tuple[int, ...]] = {}  # id(parent or section) -> last child key
        section_no = int(section.number) if re.fullmatch(r"\d+", section.number) else None
        for item in section.items:
            key = _number_key(item.number)
            if key is None:
                top.append(item)
                continue
            parent = next((by_key[key[:n]] for n in range(len(key) - 1, 0, -1) if key[:n] in by_key), None)
            if parent is not None:
                parent.children.append(item)
            else:
                top.append(item)
                if section_no is not None and len(key) > 1 and key[0] != section_no:
                    self.warn(f"пункт «{item.number}» стоит в разделе {section.number}.", item.row)
            owner = id(parent if parent is not None else section)
            previous = last_key.get(owner)
            if key in first_row:
                self.warn(
                    f"номер пункта «{item.number}» повторяется (он уже был в строке {first_row[key]}).",
                    item.row,
                )
            elif previous is not None and previous[:-1] == key[:-1]:
                if key[-1] < previous[-1]:
                    self.warn(
                        f"нарушен порядок нумерации: пункт «{item.number}» идёт после {_format_key(previous)}.",
                        item.row,
                    )
                elif key[-1] > previous[-1] + 1:
                    missing = [_format_key(previous[:-1] + (n,)) for n in range(previous[-1] + 1, key[-1])]
                    what = (
                        f"пропущен номер {missing[0]}"
                        if len(missing) == 1
                        else f"пропущены номера {missing[0]}–{missing[-1]}"
                    )
                    self.warn(
                        f"после пункта {_format_key(previous)} идёт «{item.number}»: {what}.",
                        item.row,
                    )
            first_row.setdefault(key, item.row)
            last_key[owner] = key
            by_key[key] = item
        return top

    def _check_items(self, sections: list[ParsedSection]) -> None:
        items = [item for section in sections for item in section.iter_items()]
        numbered = sum(1 for item in items if item.number)
        if numbered:  # a plan that numbers its items, but not these
            for item in items:
                if item.row in self._unnumbered:
                    self.warn(f"у пункта «{_short(item.title)}» не указан номер.", item.row)
            missing = sum(1 for item in items if item.row in self._unnumbered)
            if missing:
                self.warn(
                    f"номера есть не у всех пунктов: у {missing} из {len(items)} пунктов номер не указан "
                    "или не прочитан; проверьте нумерацию в документе."
                )
        if self._unrendered_numbers:
            self.warn(
                "в колонке номеров есть автоматическая нумерация Word, которую не удалось прочитать: "
                "у этих пунктов номера пустые. Проверьте номера после импорта или замените "
                "автонумерацию обычным текстом."
            )
        for section in sections:
            if not section.items and section.row:
                self.warn(f"в разделе «{_short(section.title)}» нет ни одного пункта.", section.row)
            for item in section.iter_items():
                label = f"«{item.number}»" if item.number else f"«{_short(item.title)}»"
                if not item.title:
                    looks = " | ".join(f"«{_short(t, 30)}»" for t in self._row_texts.get(item.row, []))
                    self.warn(
                        f"у пункта {label} не заполнено наименование мероприятия. Строка выглядит так: "
                        f"{looks}; ожидались номер, наименование мероприятия в своей колонке и сроки, "
                        "или название раздела в объединённой ячейке.",
                        item.row,
                    )
                if not item.timeframe and not item.children:
                    self.warn(f"у пункта {label} не указаны сроки.", item.row)

    # -- title, legend, warnings -----------------------------------------------------------

    def _title(self, before: list[tuple[str, int]], pre_header: list[str]) -> str:
        starts = [i for i, (text, _) in enumerate(before) if _TITLE_START.match(text)]
        if starts:
            chosen = [text for text, _ in before[starts[0] :]]
        elif before:
            last_table = before[-1][1]
            chosen = [text for text, seen in before if seen == last_table]
        else:
            chosen = pre_header
        return _norm(" ".join(chosen))

    def _legend(self, blocks) -> list[tuple[str, str]]:
        entries: list[tuple[str, str]] = []
        for block in blocks:
            if block.tag == _W_P:
                entries.extend(_legend_from_text(self.extractor.text(block)))
                continue
            grid = _Grid(block, self.extractor, self.bold_styles)
            for index in range(len(grid.rows)):
                cells = [c.clean for c in grid.unique(index) if c.clean]
                entry = None
                if len(cells) >= 2:
                    entry = _legend_entry(f"{cells[0]} – {' '.join(cells[1:])}")
                if entry:
                    entries.append(entry)
                else:
                    for cell in cells:
                        entries.extend(_legend_from_text(cell))
        entries.extend(self._footnote_legend())
        unique: dict[str, str] = {}
        for abbr, meaning in entries:
            unique.setdefault(abbr, meaning)
        return list(unique.items())

    def _footnote_legend(self) -> list[tuple[str, str]]:
        root = _part_root(_related_part(self.document.part, RT.FOOTNOTES))
        if root is None:
            return []
        entries = []
        for note in root.findall(qn("w:footnote")):
            if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            entries.extend(_legend_from_text(self.extractor.text(note)))
        return entries

    def _format_warnings(self, multi_table: bool) -> list[str]:
        out = []
        for row, table_no, message in sorted(self._warnings, key=lambda w: w[0]):
            if not row:
                out.append(message)
                continue
            where = f"Строка {row}"
            if multi_table:
                where += f" (таблица {table_no or self._row_tables.get(row, '?')})"
            out.append(f"{where}: {message}")
        return out


def _part_root(part):
    if part is None:
        return None
    return part.element if hasattr(part, "element") else parse_xml(part.blob)


def _short(text: str, limit: int = 60) -> str:
    text = _norm(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _format_key(key: tuple[int, ...]) -> str:
    return "«" + ".".join(str(n) for n in key) + "»"


def read_plan_docx(path_or_file: str | os.PathLike | IO[bytes] | bytes, table: int | None = None) -> ParsedPlan:
    """Read a plan of events from a .docx given as a path, a binary file object (an uploaded
    file) or its bytes. ``table`` (1-based, among all tables of the document) reads the plan
    from that table instead of the first plan table: an appendix offered separately.

    Raises :class:`PlanReadError` with a Russian message for the methodist when the file is
    not a .docx or holds no table recognisable as a plan.
    """
    return _Reader(path_or_file, table).read()
