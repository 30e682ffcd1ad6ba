"""Plans from the documents methodists keep: Word (.docx), Excel (.xlsx) and CSV.

:func:`read_plan` is the one door: the upload page (through its background task), the
management command and the demo read every file through it. The upload page never calls it in
a web request: the task `plans.read_plan_import` checks the file's archive first
(innovation_portal.safe_office.check_office_file) and then runs :func:`read_plan_file` in a
child process with CPU, memory and time limits (safe_office.run_limited), which answers in
JSON: :func:`plan_to_dict` and :func:`plan_from_dict` carry a ParsedPlan across.
"""

from __future__ import annotations

from dataclasses import asdict

from .docx_reader import ParsedItem, ParsedPlan, ParsedSection, PlanReadError, SkippedTable, read_plan_docx
from .sheet_reader import read_plan_sheet

__all__ = [
    "PLAN_EXTENSIONS",
    "ParsedItem",
    "ParsedPlan",
    "ParsedSection",
    "PlanReadError",
    "SkippedTable",
    "plan_from_dict",
    "plan_to_dict",
    "read_plan",
    "read_plan_file",
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


def read_plan_file(path: str, name: str, table: int | None = None) -> dict:
    """:func:`read_plan` of a file on disk, as JSON-able data (for safe_office.run_limited).

    ``{"plan": plan_to_dict(…)}``, or ``{"error": "…"}`` with the reader's Russian message when
    the file holds no plan: that is an answer for the methodist, not a failure of the child.
    """
    with open(path, "rb") as file:
        data = file.read()
    try:
        return {"plan": plan_to_dict(read_plan(data, name, table=table))}
    except PlanReadError as error:
        return {"error": error.message}


def plan_to_dict(plan: ParsedPlan) -> dict:
    """The parsed plan as plain dicts and lists (JSON-able); :func:`plan_from_dict` reverses it."""
    return asdict(plan)


def _item(data: dict) -> ParsedItem:
    return ParsedItem(**{**data, "children": [_item(child) for child in data.get("children", [])]})


def plan_from_dict(data: dict) -> ParsedPlan:
    """The ParsedPlan that :func:`plan_to_dict` wrote (after a JSON round trip too)."""
    return ParsedPlan(
        title=data["title"],
        columns=list(data["columns"]),
        sections=[
            ParsedSection(
                number=section["number"],
                title=section["title"],
                row=section["row"],
                items=[_item(item) for item in section["items"]],
            )
            for section in data["sections"]
        ],
        legend=[(abbr, meaning) for abbr, meaning in data["legend"]],
        warnings=list(data["warnings"]),
        skipped_tables=[SkippedTable(**skipped) for skipped in data.get("skipped_tables", [])],
        table=data.get("table", 0),
        plan_tables=list(data.get("plan_tables", [])),
    )
