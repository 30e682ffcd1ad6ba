"""Plans from the documents methodists keep: Word (.docx), Excel (.xlsx) and CSV.

:func:`read_plan` is the one door: the upload page, the management command and the demo read
every file through it, so that limits on what is opened (sizes, zip contents) are added in
one place.
"""

from __future__ import annotations

from .docx_reader import ParsedItem, ParsedPlan, ParsedSection, PlanReadError, SkippedTable, read_plan_docx
from .sheet_reader import read_plan_sheet

__all__ = [
    "PLAN_EXTENSIONS",
    "ParsedItem",
    "ParsedPlan",
    "ParsedSection",
    "PlanReadError",
    "SkippedTable",
    "read_plan",
]

PLAN_EXTENSIONS = (".docx", ".xlsx", ".csv")


def read_plan(data: bytes, name: str, table: int | None = None) -> ParsedPlan:
    """Read a plan from an uploaded file's bytes; the kind of file comes from its name.

    ``table`` (Word only) reads the plan from that table of the document (an appendix the
    preview offered separately). Raises PlanReadError with a Russian message.
    """
    lowered = name.lower()
    if lowered.endswith(".docx"):
        return read_plan_docx(data, table=table)
    if lowered.endswith((".xlsx", ".csv")):
        return read_plan_sheet(data, name)
    raise PlanReadError("Загрузите план в формате Word (.docx), Excel (.xlsx) или CSV.")
