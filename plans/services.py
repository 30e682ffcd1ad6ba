"""Writes that carry a rule for plans: import, status, timeframes, occurrences and their marks."""

import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import current_app
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Institution
from innovation_portal import caching
from innovation_portal.safe_office import MB, OfficeFileRefused, OfficeLimits, check_office_file, run_limited
from innovation_portal.workflow import TransitionError
from innovation_portal.years import Period, parse_period

from .importers import plan_from_dict
from .importers.docx_reader import ParsedItem, ParsedPlan
from .models import (
    Execution,
    Plan,
    PlanAbbreviation,
    PlanImport,
    PlanItem,
    PlanItemExecutionChange,
    PlanItemMonth,
    PlanItemOccurrence,
    PlanSection,
    PlanStatusChange,
)
from .timeframes import occurrence_slots, parse_timeframe, section_month

log = logging.getLogger(__name__)

__all__ = [
    "PlanImportError",
    "PlanPreview",
    "TransitionError",
    "change_plan_status",
    "confirm_plan_import",
    "import_plan",
    "link_imported_items",
    "mark_occurrence",
    "match_host_institution",
    "move",
    "preview_plan",
    "run_plan_import",
    "start_plan_import",
    "refresh_item_timeframe",
    "sync_occurrences",
]


class PlanImportError(Exception):
    """An import that cannot be done; ``errors`` name the table rows («Строка 12: …»)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- Reading pieces of an item ------------------------------------------------------------


def as_period(period):
    return period if isinstance(period, Period) else parse_period(str(period))


def apply_timeframe(item, period_start, period_end, parsed=None, month=None):
    """Set the understood-timeframe fields of ``item`` (unsaved) from its text; returns them.

    ``parsed`` is the text already read (an import reads each distinct text once); ``month``
    is the (year, month) of a month section («СЕНТЯБРЬ 2024») the item stands in.
    """
    timeframe = parsed or parse_timeframe(item.timeframe_text, period_start, period_end, month=month)
    item.understood = timeframe.understood
    item.timeframe_kind = timeframe.kind
    item.months = [f"{y:04d}-{m:02d}" for y, m in timeframe.months]
    item.dates = [day.isoformat() for day in timeframe.dates]
    item.deadline = timeframe.deadline
    item.recurrence = timeframe.recurrence or ""
    item.spans = [[first.isoformat(), last.isoformat()] for first, last in timeframe.spans]
    item.timeframe_note = timeframe.note[:500]
    item.needs_review = not timeframe.understood
    if timeframe.dates:
        item.starts_on = min(timeframe.dates)
    elif timeframe.months:
        item.starts_on = date(*timeframe.months[0], 1)
    else:
        item.starts_on = None
    return timeframe


# --- Occurrences ----------------------------------------------------------------------------


def item_slots(item):
    """The occurrences an item's read timeframe stands for (plans.timeframes.occurrence_slots)."""
    spans = [(date.fromisoformat(first), date.fromisoformat(last)) for first, last in item.spans]
    months = [(int(m[:4]), int(m[5:7])) for m in item.months]
    return occurrence_slots(item.understood, item.timeframe_kind, spans, months, item.recurrence or None)


def _holds(slot, day):
    if not slot.is_dated:
        return True  # the one undated occurrence takes any mark
    return day is not None and slot.first <= day <= slot.last


def _match(existing, slots):
    """Pair existing occurrences with the slots of a re-read timeframe, keeping every mark.

    Returns (pairs of (occurrence, slot) to keep or re-window, occurrences left over, slots
    left over). A slot with the same window keeps its occurrence; a marked occurrence whose
    window is gone goes to a new window holding its date (where it was held or planned).
    """
    by_key = {occurrence.key: occurrence for occurrence in existing}
    pairs, free = [], []
    for slot in slots:
        occurrence = by_key.pop(slot.key, None)
        if occurrence is not None:
            pairs.append((occurrence, slot))
        else:
            free.append(slot)
    leftover = []
    for occurrence in sorted(by_key.values(), key=lambda o: (o.first_day or date.min, o.pk)):
        days = [occurrence.first_day, occurrence.executed_on]
        if occurrence.execution == Execution.HELD:
            days.reverse()  # held: where it really happened counts first
        slot = None
        if occurrence.is_marked:
            slot = next((s for day in days for s in free if s.is_dated == (day is not None) and _holds(s, day)), None)
            slot = slot or next((s for s in free if not s.is_dated), None)
        if slot is None:
            leftover.append(occurrence)
        else:
            free.remove(slot)
            pairs.append((occurrence, slot))
    return pairs, leftover, free


def _month_rows(item_id, occurrences):
    months = sorted({month for occurrence in occurrences for month in occurrence.feed_months()})
    return [PlanItemMonth(item_id=item_id, month=month) for month in months]


@transaction.atomic
def sync_occurrences(items):
    """Bring the occurrences of ``items`` (saved, timeframes applied) in line with their timeframes.

    Idempotent: an occurrence whose window is still in the timeframe keeps its mark; a marked one
    whose window is gone moves to a window that holds its date, or stays, flagged
    ``out_of_timeframe`` for the methodist: a mark is never dropped. Unmarked occurrences that
    are no longer in the timeframe go. The calendar months of the items are written again from
    their occurrences (a moved event is shown at its new date). A few queries for any number of items.
    """
    items = [item for item in items if item.pk is not None]
    if not items:
        return
    ids = [item.pk for item in items]
    existing = {}
    for chunk in _chunks(ids):
        for occurrence in PlanItemOccurrence.objects.filter(item_id__in=chunk).order_by("pk"):
            existing.setdefault(occurrence.item_id, []).append(occurrence)
    create, update, delete, kept = [], [], [], {}
    for item in items:
        pairs, leftover, free = _match(existing.get(item.pk, []), item_slots(item))
        current = []
        for occurrence, slot in pairs:
            window = (slot.key, slot.first, slot.last, slot.exact, False)
            if window != (occurrence.key, occurrence.first_day, occurrence.last_day, occurrence.exact,
                          occurrence.out_of_timeframe):  # fmt: skip
                occurrence.key, occurrence.first_day, occurrence.last_day, occurrence.exact = window[:4]
                occurrence.out_of_timeframe = False
                update.append(occurrence)
            current.append(occurrence)
        for occurrence in leftover:
            if occurrence.is_marked:
                if not occurrence.out_of_timeframe:
                    occurrence.out_of_timeframe = True
                    update.append(occurrence)
                current.append(occurrence)
            else:
                delete.append(occurrence.pk)
        for slot in free:
            occurrence = PlanItemOccurrence(
                item_id=item.pk, key=slot.key, first_day=slot.first, last_day=slot.last, exact=slot.exact
            )
            create.append(occurrence)
            current.append(occurrence)
        kept[item.pk] = current
    for chunk in _chunks(delete):
        PlanItemOccurrence.objects.filter(pk__in=chunk).delete()
    # Re-windowed occurrences take keys no row of theirs holds; flagged ones keep theirs.
    PlanItemOccurrence.objects.bulk_update(
        update, ["key", "first_day", "last_day", "exact", "out_of_timeframe"], batch_size=500
    )
    _insert(PlanItemOccurrence, create)
    for chunk in _chunks(ids):
        PlanItemMonth.objects.filter(item_id__in=chunk).delete()
    _insert(PlanItemMonth, [row for item in items for row in _month_rows(item.pk, kept[item.pk])])


def _insert(model, objects):
    """New rows of ``model`` (its pk not needed afterwards) written in one go.

    On PostgreSQL by COPY: a 10,000-row plan sheet makes ~70,000 occurrences and months, whose
    INSERT statements Django takes seconds to build; COPY sends the values as they are (every
    field's value read raw: these models hold dates, numbers, texts, booleans and a file name).
    COPY passes by the page cache's write hook, so the table is reported to it here.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    from psycopg import sql as psycopg_sql

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    files = {f.attname for f in fields if isinstance(f, models.FileField)}
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(model._meta.db_table),
        psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(f.column) for f in fields),
    )
    names = [f.attname for f in fields]
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([(getattr(obj, n).name or "") if n in files else getattr(obj, n) for n in names])
    caching.written(connection, model._meta.db_table)


_ABBREVIATION = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁа-яё]{0,3}[A-ZА-ЯЁ]{1,12}$")


def organizer_codes(text):
    """The abbreviations in an organizers cell: «ОО, КС, ИМЦ» → ["ОО", "КС", "ИМЦ"]."""
    codes = []
    for piece in re.split(r"[,;/]|\s+и\s+", text or ""):
        piece = piece.strip(" .")
        if _ABBREVIATION.match(piece) and piece not in codes:
            codes.append(piece)
    return codes


# «ГБОУ № 624», «ГБОУ школа № 287», «Гимназия № 271», «лицей №590», «детский сад № 26».
_INSTITUTION_REF = re.compile(
    r"(?P<word>ГБОУ|ГБДОУ|ДОУ|ОУ|школ[аыуе]?|гимнази[яиюей]|лице[йяюе]|детск(?:ий|ого|ом) сад[ау]?)"
    r"(?:\s+(?:СОШ|школа|гимназия|лицей|детский сад))?\s*№\s*(?P<number>\d+)",
    re.IGNORECASE,
)
_KIND_BY_WORD = (
    ("гимнази", {Institution.Kind.GYMNASIUM}),
    ("лице", {Institution.Kind.LYCEUM}),
    ("детск", {Institution.Kind.KINDERGARTEN}),
    ("гбдоу", {Institution.Kind.KINDERGARTEN}),
    ("доу", {Institution.Kind.KINDERGARTEN}),
    ("гбоу", {Institution.Kind.SCHOOL, Institution.Kind.GYMNASIUM, Institution.Kind.LYCEUM}),
    ("школ", {Institution.Kind.SCHOOL}),
)


def _normalise(text):
    return re.sub(r"[«»\"“”„']", "", " ".join((text or "").split())).lower()


def _named_institutions(text, institutions):
    """Institutions named in ``text``, in order of appearance, each once."""
    found = []
    for match in _INSTITUTION_REF.finditer(text or ""):
        word = match.group("word").lower()
        kinds = next((k for prefix, k in _KIND_BY_WORD if word.startswith(prefix)), None)
        candidates = [
            i for i in institutions if i.number == match.group("number") and (kinds is None or i.kind in kinds)
        ]
        if len(candidates) == 1:
            found.append((match.start(), candidates[0]))
        elif len(candidates) > 1:
            found.append((match.start(), None))  # ambiguous: counts, but names nobody
    normalised = _normalise(text)
    for institution in institutions:
        if institution.number:
            continue
        name = _normalise(institution.short_name)
        quoted = re.search(r"[«\"](.+?)[»\"]", institution.short_name)
        for needle in filter(None, (name, _normalise(quoted.group(1)) if quoted else "")):
            position = normalised.find(needle)
            if position >= 0:
                found.append((position, institution))
                break
    found.sort(key=lambda pair: pair[0])
    result = []
    for _position, institution in found:
        if institution not in result:
            result.append(institution)
    return result


def match_host_institution(item_title, institutions, *other_texts):
    """The institution an item happens at, when the text says so without doubt.

    A title that starts with an institution («ГБОУ № 624. Семинар …») names the host even if
    a partner is mentioned later («совместно с ГБОУ №5»); otherwise exactly one institution
    must be named in the item's texts. Ambiguous numbers (two schools № 5) name nobody.
    """
    in_title = _named_institutions(item_title, institutions)
    if in_title and in_title[0] is not None:
        first = _INSTITUTION_REF.search(item_title or "")
        if first is not None and first.start() <= 2:
            return in_title[0]
    named = _named_institutions(" | ".join([item_title or "", *other_texts]), institutions)
    if len(named) == 1 and named[0] is not None:
        return named[0]
    return None


# --- Preview and import of a Word plan ----------------------------------------------------

# Field, its column's name for the methodist, and the longest text the database keeps.
_LIMITS = (
    ("number", gettext_lazy("number"), 20),
    ("timeframe", gettext_lazy("timeframe"), 500),
    ("organizers", gettext_lazy("organizers"), 500),
)


@dataclass
class PreviewItem:
    row: int
    number: str
    title: str
    timeframe: str
    understood: bool
    note: str
    host: Institution | None = None
    depth: int = 0


@dataclass
class PlanPreview:
    """What an import would create; nothing is written to the database to build it."""

    title: str
    district: object
    period: Period
    kind: str
    columns: list
    sections: list = field(default_factory=list)  # (number, title, [PreviewItem])
    legend: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    unknown_organizers: list = field(default_factory=list)

    @property
    def items(self):
        return [item for _n, _t, items in self.sections for item in items]

    @property
    def item_count(self):
        return len(self.items)

    @property
    def understood_count(self):
        return sum(1 for item in self.items if item.understood)

    @property
    def not_understood(self):
        return [item for item in self.items if not item.understood]

    @property
    def hosted(self):
        return [item for item in self.items if item.host is not None]

    def summary_lines(self):
        return [
            _("Sections: %(n)d") % {"n": len(self.sections)},
            _("Items: %(n)d") % {"n": self.item_count},
            _("Timeframes understood: %(n)d") % {"n": self.understood_count},
            _("Timeframes not understood: %(n)d") % {"n": len(self.not_understood)},
        ]


def _district_institutions(district):
    return list(
        Institution.objects.filter(district=district, is_active=True).only("id", "number", "kind", "short_name")
    )


def _check_item(item, errors):
    for name, label, limit in _LIMITS:
        value = getattr(item, name) or ""
        if len(value) > limit:
            errors.append(
                _("Row %(row)d: the field «%(field)s» is longer than %(limit)d characters.")
                % {"row": item.row, "field": label, "limit": limit}
            )
    if not (item.title or "").strip():
        errors.append(_("Row %(row)d: the event has no name.") % {"row": item.row})


def preview_plan(parsed: ParsedPlan, district, period, kind=Plan.Kind.PLAN):
    """Read a parsed document against a district and a period, without writing anything."""
    period = as_period(period)
    institutions = _district_institutions(district)
    preview = PlanPreview(
        title=parsed.title,
        district=district,
        period=period,
        kind=kind,
        columns=list(parsed.columns),
        legend=list(parsed.legend),
        warnings=list(parsed.warnings),
    )
    if not parsed.title.strip():
        preview.errors.append(_("The document has no title before the plan table."))
    legend = {abbr for abbr, _meaning in parsed.legend}
    unknown = []

    by_name = {institution.short_name.casefold(): institution for institution in institutions}

    def walk(items, depth, out, month):
        for parsed_item in items:
            _check_item(parsed_item, preview.errors)
            timeframe = parse_timeframe(parsed_item.timeframe, period.start, period.end, month=month)
            if parsed_item.host:
                host = by_name.get(" ".join(parsed_item.host.split()).casefold())
                if host is None:
                    preview.warnings.append(
                        _(
                            "Row %(row)d: no institution «%(name)s» in the district; the item is imported without a host."
                        )
                        % {"row": parsed_item.row, "name": parsed_item.host}
                    )
            else:
                host = match_host_institution(parsed_item.title, institutions, parsed_item.organizers)
            out.append(
                PreviewItem(
                    row=parsed_item.row,
                    number=parsed_item.number,
                    title=parsed_item.title,
                    timeframe=parsed_item.timeframe,
                    understood=timeframe.understood,
                    note=timeframe.note,
                    host=host,
                    depth=depth,
                )
            )
            unknown.extend(c for c in organizer_codes(parsed_item.organizers) if c not in legend and c not in unknown)
            walk(parsed_item.children, depth + 1, out, month)

    for section in parsed.sections:
        items = []
        walk(section.items, 0, items, section_month(section.title, period.start, period.end))
        preview.sections.append((section.number, section.title, items))
    if not preview.items:
        preview.errors.append(_("The plan table has no items."))
    preview.unknown_organizers = unknown
    return preview


@transaction.atomic
def import_plan(parsed: ParsedPlan, district, period, kind=Plan.Kind.PLAN, by=None, source_name=""):
    """Create a draft plan from a parsed document, all or nothing.

    Every timeframe is read within the period; those not understood are flagged
    (``needs_review``) and kept as written. Items naming one of the district's institutions
    get it as their host; organizers are linked to the legend (abbreviations used but not
    explained get a legend line with an empty meaning). Raises PlanImportError, naming the
    rows, when anything cannot be stored; nothing is created then.
    """
    preview = preview_plan(parsed, district, period, kind)
    if preview.errors:
        raise PlanImportError(preview.errors)
    period = preview.period
    plan = Plan.objects.create(
        district=district,
        title=parsed.title.strip(),
        kind=kind,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        source_name=source_name[:255],
        created_by=by,
    )
    abbreviations = {}
    for abbr, meaning in [*parsed.legend, *((code, "") for code in preview.unknown_organizers)]:
        if abbr not in abbreviations:
            abbreviations[abbr] = PlanAbbreviation.objects.create(plan=plan, abbr=abbr[:50], meaning=meaning[:500])
    hosts = {item.row: item.host for item in preview.items}
    order = 0
    created, organizer_links = [], []
    Link = PlanItem.organizers.through

    def create(parsed_item: ParsedItem, section, parent):
        nonlocal order
        order += 1
        item = PlanItem(
            plan=plan,
            section=section,
            parent=parent,
            number=parsed_item.number,
            order=order,
            group=parsed_item.group[:500],
            title=parsed_item.title,
            timeframe_text=parsed_item.timeframe,
            audience=parsed_item.audience,
            organizers_text=parsed_item.organizers,
            responsible=parsed_item.responsible,
            expected_result=parsed_item.expected_result,
            host_institution=hosts.get(parsed_item.row),
            source_row=parsed_item.row or None,
        )
        apply_timeframe(item, period.start, period.end, month=section_month(section.title, period.start, period.end))
        item.save()
        created.append(item)
        organizer_links.extend(
            Link(planitem_id=item.pk, planabbreviation_id=abbreviations[code].pk)
            for code in organizer_codes(parsed_item.organizers)
            if code in abbreviations
        )
        for child in parsed_item.children:
            create(child, section, item)

    for index, parsed_section in enumerate(parsed.sections, start=1):
        section = PlanSection.objects.create(
            plan=plan, number=parsed_section.number, title=parsed_section.title, order=index
        )
        for parsed_item in parsed_section.items:
            create(parsed_item, section, None)
    sync_occurrences(created)
    Link.objects.bulk_create(organizer_links)
    return plan


# --- Plan files read in the background --------------------------------------------------------

MAX_PLAN_FILE_MB = 20
# A plan is a table of a few hundred rows, well under a megabyte unpacked, read in under a second
# (the Admiralteysky plan, 73 items: 0.4 s); a logo or a scanned signature adds a few megabytes.
# What passes the archive's checks and is still slow stops at 15 s of CPU: a 740 KB .docx of
# 118,000 rows (29 MB unpacked) would take 19 s and 760 MB.
PLAN_LIMITS = OfficeLimits(
    max_compressed=MAX_PLAN_FILE_MB * MB,
    max_uncompressed=60 * MB,
    max_member=30 * MB,
    max_members=500,
    cpu_seconds=15,
    memory=1024 * MB,
    wall_seconds=60,
    max_result=30 * MB,
)
# More items than any plan has: the preview and the import of a bigger one would be slow pages.
PLAN_MAX_ITEMS = 5000
# A CSV's lines, counted before it is read (a workbook's rows are bounded by the child's limits).
PLAN_MAX_CSV_LINES = 20000
# A job not started by then never will be (no worker, lost message); one «running» longer than
# its child's wall time lost its worker: it is tried again, PLAN_IMPORT_ATTEMPTS times in all.
PLAN_IMPORT_QUEUE_PATIENCE = timedelta(minutes=10)
PLAN_IMPORT_RUN_PATIENCE = timedelta(seconds=PLAN_LIMITS.wall_seconds + 60)
PLAN_IMPORT_ATTEMPTS = 2

_GONE = gettext_lazy("The uploaded document is no longer kept; upload it again.")


def _queue_plan_import(job):
    job_id = job.pk  # by name: plans.tasks imports this module
    transaction.on_commit(lambda: current_app.tasks["plans.read_plan_import"].delay(import_id=job_id))


def _new_job(*, by, content, file_name, district, period, kind, table):
    job = PlanImport(
        requested_by=by,
        district=district,
        period_label=as_period(period).label,
        kind=kind,
        table=table,
        file_name=file_name[:255],
    )
    job.file.save(file_name, content, save=False)
    job.save()
    _queue_plan_import(job)
    return job


@transaction.atomic
def start_plan_import(*, by, upload, district, period, kind=Plan.Kind.PLAN):
    """Keep an uploaded plan file and queue its reading after commit; the request returns at once.

    Nothing of the file is opened here: `run_plan_import` (the task `plans.read_plan_import`,
    on the heavy queue) checks it and reads it in a limited child process.
    """
    name = upload.name or "plan.docx"
    return _new_job(by=by, content=upload, file_name=name, district=district, period=period, kind=kind, table=None)


@transaction.atomic
def import_another_table(job, *, by, table):
    """Read another table of the same Word document (an appendix offered separately) as a new job."""
    if job.plan_id or not job.file:
        raise TransitionError(_GONE)
    try:
        with job.file.open("rb") as source:
            return _new_job(
                by=by,
                content=File(source, name=job.file_name),
                file_name=job.file_name,
                district=job.district,
                period=job.period_label,
                kind=job.kind,
                table=table,
            )
    except FileNotFoundError:
        raise TransitionError(_GONE) from None


def claim_plan_import(job_id):
    """Take the job for this run: a queued one, or one whose worker died (tried again once); idempotent."""
    now = timezone.now()
    orphaned = Q(state=PlanImport.State.RUNNING, started_at__lt=now - PLAN_IMPORT_RUN_PATIENCE)
    claimable = (Q(state=PlanImport.State.QUEUED) | orphaned) & Q(attempts__lt=PLAN_IMPORT_ATTEMPTS)
    claimed = PlanImport.objects.filter(claimable, pk=job_id).update(
        state=PlanImport.State.RUNNING, started_at=now, attempts=F("attempts") + 1, progress=10, stage="check"
    )
    return claimed == 1


def _job_update(job_id, **fields):
    PlanImport.objects.filter(pk=job_id, state=PlanImport.State.RUNNING).update(**fields)


def _fail_plan_import(job_id, message):
    _job_update(job_id, state=PlanImport.State.FAILED, finished_at=timezone.now(), message=str(message)[:1000])


def check_plan_file(file, name, limits=PLAN_LIMITS):
    """Refuse a plan file that breaks the limits, reading only its archive's directory (or a CSV's size).

    Raises OfficeFileRefused with the Russian reason. A CSV has no archive: its size and its
    number of lines are bounded instead.
    """
    if not name.lower().endswith(".csv"):
        check_office_file(file, limits)
        return
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    if size > limits.max_compressed:
        raise OfficeFileRefused(
            _("The file is too large: at most %(max)d MB is accepted.") % {"max": limits.max_compressed // MB}
        )
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(MB), b""))
    file.seek(0)
    if lines > PLAN_MAX_CSV_LINES:
        raise OfficeFileRefused(
            ngettext(
                "The file has %(count)d line; a plan of at most %(max)d lines is accepted.",
                "The file has %(count)d lines; a plan of at most %(max)d lines is accepted.",
                lines,
            )
            % {"count": lines, "max": PLAN_MAX_CSV_LINES}
        )


def _item_count(parsed):
    def count(items):
        return sum(1 + count(item["children"]) for item in items)

    return sum(count(section["items"]) for section in parsed["sections"])


def run_plan_import(job_id):
    """Check and read one uploaded plan file, once; the parsed plan or the Russian reason is kept on the job.

    The archive is checked here (its directory only), then the reader runs in a child process
    with CPU, memory and time limits, so a zip bomb or a file built to be slow is refused with
    a reason instead of holding the worker. Returns the job's final state (None when another
    run has it or it is finished).
    """
    limits = PLAN_LIMITS
    if not claim_plan_import(job_id):
        return None
    job = PlanImport.objects.get(pk=job_id)
    if not job.file:
        _fail_plan_import(job_id, _GONE)
        return PlanImport.State.FAILED
    suffix = os.path.splitext(job.file_name)[1].lower()[:6]
    try:
        with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
            with job.file.open("rb") as source:
                shutil.copyfileobj(source, copy, length=MB)
            copy.flush()
            copy.seek(0)
            check_plan_file(copy, job.file_name, limits)
            _job_update(job_id, progress=30, stage="read")
            answer = run_limited("plans.importers:read_plan_file", copy.name, job.file_name, job.table, limits=limits)
    except OfficeFileRefused as error:
        _fail_plan_import(job_id, error)
        return PlanImport.State.FAILED
    except FileNotFoundError:
        _fail_plan_import(job_id, _GONE)
        return PlanImport.State.FAILED
    except Exception:
        log.exception("Reading the plan file of import %s failed", job_id)
        _fail_plan_import(job_id, _("The file could not be read. Save it again (.docx, .xlsx or CSV) and retry."))
        return PlanImport.State.FAILED
    if "error" in answer:
        _fail_plan_import(job_id, answer["error"])
        return PlanImport.State.FAILED
    items = _item_count(answer["plan"])
    if items > PLAN_MAX_ITEMS:
        _fail_plan_import(
            job_id,
            ngettext(
                "The file has %(count)d item; a plan of at most %(max)d items is accepted.",
                "The file has %(count)d items; a plan of at most %(max)d items is accepted.",
                items,
            )
            % {"count": items, "max": PLAN_MAX_ITEMS},
        )
        return PlanImport.State.FAILED
    _job_update(
        job_id,
        state=PlanImport.State.DONE,
        progress=100,
        stage="",
        parsed=answer["plan"],
        finished_at=timezone.now(),
    )
    return PlanImport.State.DONE


def expire_stale_plan_imports(queryset=None):
    """Jobs that never started are failed; those whose worker died are queued again, or failed after the last try.

    Returns how many jobs were failed or queued again (the beat's `plans.resume_stale_imports`
    and the progress page call it, so no page waits forever).
    """
    now = timezone.now()
    queryset = PlanImport.objects.all() if queryset is None else queryset
    lost = queryset.filter(state=PlanImport.State.QUEUED, created_at__lt=now - PLAN_IMPORT_QUEUE_PATIENCE).update(
        state=PlanImport.State.FAILED,
        finished_at=now,
        message=_("The file was not read: the server is busy or its worker is down. Upload it again later."),
    )
    orphaned = queryset.filter(state=PlanImport.State.RUNNING, started_at__lt=now - PLAN_IMPORT_RUN_PATIENCE)
    dead = orphaned.filter(attempts__gte=PLAN_IMPORT_ATTEMPTS).update(
        state=PlanImport.State.FAILED,
        finished_at=now,
        message=_("Reading the file was interrupted twice. Upload it again."),
    )
    again = list(orphaned.filter(attempts__lt=PLAN_IMPORT_ATTEMPTS).values_list("pk", flat=True))
    for job_id in again:
        current_app.tasks["plans.read_plan_import"].delay(import_id=job_id)
    return lost + dead + len(again)


def parsed_plan(job):
    """The ParsedPlan a finished job read (from its JSON)."""
    return plan_from_dict(job.parsed)


@transaction.atomic
def confirm_plan_import(job, *, by):
    """Import the plan a job read, all or nothing; returns (plan, created).

    The plan is built from what the job read (the file is not opened again). A second
    confirmation (a double click, a reload) finds the job's plan and creates nothing.
    Raises PlanImportError naming the rows, or TransitionError when the job has nothing to import.
    """
    job = PlanImport.objects.select_for_update().get(pk=job.pk)
    if job.plan_id:
        return job.plan, False
    if job.state != PlanImport.State.DONE:
        raise TransitionError(_GONE)
    plan = import_plan(parsed_plan(job), job.district, job.period_label, job.kind, by=by, source_name=job.file_name)
    job.plan = plan
    job.save(update_fields=["plan"])
    # The file was kept for «import another table»; the plan is made, so it goes.
    name = job.file.name
    storage = job.file.storage
    if name:
        PlanImport.objects.filter(pk=job.pk).update(file="")
        transaction.on_commit(lambda: storage.delete(name))
    return plan, True


def purge_plan_imports(keep=timedelta(days=1)):
    """Delete import jobs older than `keep`, with their files; returns how many."""
    old = PlanImport.objects.filter(created_at__lt=timezone.now() - keep)
    removed = 0
    for job in old.only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        removed += 1
    old.delete()
    return removed


# --- Editing ------------------------------------------------------------------------------


@transaction.atomic
def refresh_item_timeframe(item):
    """Re-read a saved item's timeframe (after a methodist edited it): its occurrences and calendar months."""
    plan = item.plan
    month = section_month(item.section.title, plan.period_start, plan.period_end) if item.section_id else None
    apply_timeframe(item, plan.period_start, plan.period_end, month=month)
    item.save(
        update_fields=[
            "understood",
            "timeframe_kind",
            "months",
            "dates",
            "deadline",
            "recurrence",
            "spans",
            "timeframe_note",
            "starts_on",
            "needs_review",
        ]
    )
    sync_occurrences([item])
    return item


@transaction.atomic
def link_organizers(item):
    """Link an item's organizers text to the plan's legend (after an edit)."""
    codes = organizer_codes(item.organizers_text)
    item.organizers.set(PlanAbbreviation.objects.filter(plan_id=item.plan_id, abbr__in=codes))


def _chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def parent_number(number):
    """«4.12.1.» → «4.12»; a top-level number («4.») has no parent."""
    number = (number or "").rstrip(".")
    return number.rsplit(".", 1)[0] if "." in number else ""


@transaction.atomic
def link_imported_items(plan, items):
    """After a spreadsheet import saved ``items`` of ``plan`` (in bulk, timeframes applied):
    their parents by number, occurrences, calendar months and organizers from the legend, for all at once.

    A few queries whatever the number of items. The parent of «4.12.1.» is the plan's item
    «4.12» or «4.12.» (the first in the plan's order when both exist).
    """
    items = [item for item in items if item.pk is not None]
    if not items:
        return
    first = {}
    for pk, number, order in (
        PlanItem.objects.filter(plan=plan).order_by("order", "pk").values_list("pk", "number", "order")
    ):
        first.setdefault(number, (order, pk))
    reparented = []
    for item in items:
        wanted = parent_number(item.number)
        candidates = [first[n] for n in (wanted, wanted + ".") if wanted and n in first]
        parent_id = min(candidates)[1] if candidates else None
        if parent_id == item.pk:
            parent_id = None
        if item.parent_id != parent_id:
            item.parent_id = parent_id
            reparented.append(item)
    PlanItem.objects.bulk_update(reparented, ["parent"], batch_size=500)

    ids = [item.pk for item in items]
    Link = PlanItem.organizers.through
    for chunk in _chunks(ids):
        Link.objects.filter(planitem_id__in=chunk).delete()
    sync_occurrences(items)
    legend = dict(PlanAbbreviation.objects.filter(plan=plan).values_list("abbr", "pk"))
    Link.objects.bulk_create(
        [
            Link(planitem_id=item.pk, planabbreviation_id=legend[code])
            for item in items
            for code in organizer_codes(item.organizers_text)
            if code in legend
        ],
        batch_size=500,
    )


@transaction.atomic
def refresh_plan_timeframes(plan):
    """Re-read every item of a plan, e.g. after its period was corrected (marks are kept, see sync_occurrences)."""
    items = list(plan.items.select_related("plan"))
    for item in items:
        apply_timeframe(item, plan.period_start, plan.period_end)
    PlanItem.objects.bulk_update(
        items,
        ["understood", "timeframe_kind", "months", "dates", "deadline", "recurrence", "spans", "timeframe_note",
         "starts_on", "needs_review"],
        batch_size=500,
    )  # fmt: skip
    sync_occurrences(items)


# --- The doors: plan status and occurrence execution ---------------------------------------


@dataclass
class Mark:
    """What a person says of one occurrence: held / moved / cancelled / planned, and with what."""

    execution: str
    executed_on: date | None = None
    participants: int | None = None
    materials_url: str = ""
    materials_file: object = None  # an uploaded file, kept beside the earlier one's name
    report: str = ""


def _check_mark(occurrence, mark, today):
    if mark.execution in (Execution.HELD, Execution.MOVED) and mark.executed_on is None:
        raise TransitionError(_("Give the date the event was held on or moved to."))
    if mark.execution == Execution.HELD and mark.executed_on > today:
        raise TransitionError(
            _("The event cannot be marked held on %(date)s: that day has not come yet.")
            % {"date": mark.executed_on.strftime("%d.%m.%Y")}
        )
    if mark.execution == Execution.MOVED and mark.executed_on == occurrence.first_day and occurrence.exact:
        raise TransitionError(_("Give the new date the event is moved to."))


def mark_occurrence(occurrence, mark, *, by, reason=""):
    """Mark one occurrence held / moved / cancelled (or back to planned); audited, one door.

    Held needs the day it was held on, never a day still to come; moved needs the new date,
    which then moves the event in the calendar, the "this month" lists and the ICS feeds (its
    old date appears in none of them). The participants, a link and a file of materials go with
    a held mark (a correction without a new file keeps the earlier one); any other mark clears them. The history row keeps who, when and what.
    """
    today = timezone.localdate()
    _check_mark(occurrence, mark, today)
    if mark.execution == Execution.PLANNED:
        mark = Mark(Execution.PLANNED)
    updates = {
        "executed_on": mark.executed_on,
        "participants": mark.participants if mark.execution == Execution.HELD else None,
        "materials_url": (mark.materials_url or "").strip() if mark.execution == Execution.HELD else "",
        "report": (mark.report or "").strip(),
        "marked_by": by,
        "state_changed_at": timezone.now(),
    }
    if mark.execution != Execution.HELD:
        updates.update(materials_file="", materials_file_name="")
    with transaction.atomic():
        if (
            mark.materials_file is not None
            and mark.execution == Execution.HELD
            and (PlanItemOccurrence.workflow.can_move(occurrence.execution, mark.execution))
        ):
            occurrence.materials_file.save(mark.materials_file.name, mark.materials_file, save=False)
            updates.update(
                materials_file=occurrence.materials_file.name, materials_file_name=mark.materials_file.name[:255]
            )
        PlanItemOccurrence.workflow.move(
            occurrence,
            mark.execution,
            by=by,
            reason=reason,
            history=PlanItemExecutionChange.writer(
                item_id=occurrence.item_id,
                occurrence=occurrence,
                executed_on=mark.executed_on,
                participants=updates["participants"],
                report=updates["report"],
            ),
            updates=updates,
        )
        occurrences = list(PlanItemOccurrence.objects.filter(item_id=occurrence.item_id))
        PlanItemMonth.objects.filter(item_id=occurrence.item_id).delete()
        PlanItemMonth.objects.bulk_create(_month_rows(occurrence.item_id, occurrences))
    return occurrence


def move(obj, to, *, by, reason="", executed_on=None, report="", **mark):
    """The one door for a plan's status and an occurrence's execution mark; every move is audited.

    A plan: approve, publish or withdraw (publishing makes the plan, its calendar and feeds
    public; withdrawing hides them again). An occurrence: see mark_occurrence().
    """
    if isinstance(obj, Plan):
        return Plan.workflow.move(obj, to, by=by, reason=reason, history=PlanStatusChange.writer(plan=obj))
    if not isinstance(obj, PlanItemOccurrence):
        raise TypeError(f"plans.services.move() does not move a {type(obj).__name__}")
    return mark_occurrence(obj, Mark(to, executed_on=executed_on, report=report, **mark), by=by, reason=reason)


def change_plan_status(plan, to, *, by, reason=""):
    """Approve, publish or withdraw a plan: see move()."""
    return move(plan, to, by=by, reason=reason)
