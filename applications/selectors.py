"""Reads reused by views, exports and due items."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, RoleAssignment
from innovation_portal import boundary

from .models import (
    Application,
    Call,
    CallQuestion,
    ExperienceRow,
    Extension,
    RoadmapEvent,
    SourceRow,
    StaffRow,
    StatusAward,
)

Role = RoleAssignment.Role

# The application's tables: {key: (row model, the columns a snapshot or a copy carries)}.
ROW_MODELS = {
    "experience": (ExperienceRow, ["order", "project", "years", "works"]),
    "staff": (StaffRow, ["order", "full_name", "position", "degree", "works"]),
    "sources": (SourceRow, ["order", "title", "annotation"]),
    "roadmap": (RoadmapEvent, ["order", "section", "name", "timeframe", "audience", "planned_result"]),
}


def visible_applications(user):
    """Applications the user may open: their institution's, or their districts' (methodist, office)."""
    queryset = Application.objects.select_related("call", "call__district", "call__status_kind", "institution")
    if user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    districts = user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE)
    # Methodists and the district office see what was handed in, not a school's private drafts.
    return queryset.filter(
        Q(institution_id__in=user.coordinated_institution_ids)
        | (boundary.q(Application, districts) & ~Q(state=Application.State.DRAFT))
    )


def with_contents(queryset):
    """Everything the application's page, PDF and completeness read, in a fixed number of queries."""
    return queryset.select_related("district_programme").prefetch_related(
        *content_prefetches(), "answers__question", "events__by"
    )


def content_prefetches():
    """What the application's document reads (applications.document), without its history: for
    prefetch_related_objects() on an application already loaded with another row (an expert's
    assignment)."""
    return (
        "experience",
        "staff",
        "sources",
        "roadmap",
        "attachments",
        "answers",
        Prefetch("call__questions", queryset=CallQuestion.objects.order_by("order", "pk")),
    )


# --- applications counted by stage ----------------------------------------------------------
#
# One derivation for every count of a call's applications (the methodists' list of calls, the
# dashboard, the annual report's PDF and XLSX, the competition results): «подано» is the
# HANDED_IN group, and the columns are its stages, which split that group exactly, so a row
# always sums to its total. Drafts are the school's own; withdrawn applications left the
# competition: neither is counted.

State = Application.State


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    states: frozenset


STAGES = (
    Stage("waiting", _("Waiting for the check"), Application.WAITING_CHECK),
    Stage("returned", _("Returned"), Application.AWAITING_FIXES),
    Stage("in_expertise", _("In expertise"), Application.IN_EXPERTISE),
    Stage("awarded", _("Awarded"), frozenset({State.AWARDED})),
    Stage("not_awarded", _("Not awarded"), frozenset({State.NOT_AWARDED})),
)
_staged = [state for stage in STAGES for state in stage.states]
if len(_staged) != len(set(_staged)) or set(_staged) != Application.HANDED_IN:
    raise AssertionError("applications.selectors.STAGES must split Application.HANDED_IN exactly")


@dataclass(frozen=True)
class StageCounts:
    """A call's handed-in applications by stage: `counts.awarded`, `counts.columns`, `counts.handed_in`."""

    by_stage: dict

    @property
    def handed_in(self):
        return sum(self.by_stage.values())

    @property
    def columns(self):
        return [self.by_stage[stage.key] for stage in STAGES]

    def __getattr__(self, key):
        try:
            return self.__dict__["by_stage"][key]
        except KeyError:
            raise AttributeError(key) from None


def count_states(states):
    """{state: n} → StageCounts (states outside HANDED_IN are left out)."""
    return StageCounts({stage.key: sum(states.get(state, 0) for state in stage.states) for stage in STAGES})


def stage_counts(calls):
    """{call id: StageCounts} for these calls, in one query."""
    states = defaultdict(dict)
    rows = (
        Application.objects.filter(call__in=calls, state__in=Application.HANDED_IN)
        .values_list("call_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for call_id, state, n in rows:
        states[call_id][state] = n
    return {call.pk: count_states(states[call.pk]) for call in calls}


def managed_calls(user):
    """Calls in the districts the user works with, with counts per state."""
    queryset = Call.objects.select_related("district", "status_kind").annotate(
        handed_in=Count("applications", filter=Q(applications__state__in=Application.HANDED_IN)),
        waiting=Count("applications", filter=Q(applications__state__in=Application.WAITING_CHECK)),
    )
    if user.is_superuser:
        return queryset
    return boundary.within(queryset, user.district_ids(Role.METHODIST, Role.DISTRICT_OFFICE))


# What a list of applications shows of each one. Application rows average 6.5 KB (the texts of
# the application, half of it in TOAST); a list shows a few short columns and defers the rest.
LIST_COLUMNS = (
    "call",
    "institution",
    "state",
    "state_changed_at",
    "submitted_at",
    "fix_by",
    "theme",
    "created_at",
    "updated_at",
)


def listed(queryset, prefix=""):
    """`queryset` (of applications, or of rows that reach them through `prefix`, e.g.
    "application__") reading only the listed columns of the applications (the rest deferred,
    so the rows' other models and select_related are untouched)."""
    heavy = [
        f.name
        for f in Application._meta.concrete_fields
        if not f.primary_key and f.name not in LIST_COLUMNS and not f.is_relation
    ]
    return queryset.defer(*(prefix + name for name in heavy))


def call_applications(call, state=None):
    queryset = call.applications.exclude(state=Application.State.DRAFT).select_related("institution")
    if state:
        queryset = queryset.filter(state=state)
    return queryset.order_by("institution__short_name")


# --- who may apply, and by when ----------------------------------------------------------
#
# One rule for the call's page, the start of an application, the coordinator's home page and
# the reminders: the institutions that may apply, each one's deadline (the call's, or a later
# personal extension) and which of them have not handed anything in yet.


def deadline(call, extended_until=None):
    """The moment after which an institution can no longer submit: the call's, or its extension's."""
    return max(call.closes_at, extended_until) if extended_until else call.closes_at


def extensions_of(calls, institution_ids=None):
    """{(call id, institution id): the extension's end} for these calls (and institutions), in one query."""
    queryset = Extension.objects.filter(call__in=calls)
    if institution_ids is not None:
        queryset = queryset.filter(institution_id__in=institution_ids)
    return {
        (call_id, institution_id): until
        for call_id, institution_id, until in queryset.values_list("call_id", "institution_id", "until")
    }


def deadline_for(call, institution):
    """The moment after which this institution can no longer submit to the call."""
    return deadline(call, extensions_of([call], [institution.pk]).get((call.pk, institution.pk)))


def end_of_day(day):
    """The last moment of a day in Moscow: a fix-by date includes the whole day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def submission_deadline(application):
    """The application's deadline: the fix-by date once returned with one, else its institution's."""
    if application.state == Application.State.RETURNED and application.fix_by:
        return end_of_day(application.fix_by)
    return deadline_for(application.call, application.institution)


def eligible_institutions(calls, institution_ids=None, day=None):
    """{call id: [institutions that may apply]}, in two queries whatever the number of calls.

    The district's active institutions; for an annual report, only those holding the call's
    status kind on `day` (today by default). `institution_ids` narrows to some institutions
    (a coordinator's).
    """
    calls = list(calls)
    district_ids = {c.district_id for c in calls}
    institutions = Institution.objects.filter(district_id__in=district_ids, is_active=True)
    awards = StatusAward.objects.current(day).filter(institution__district_id__in=district_ids)
    if institution_ids is not None:
        institutions = institutions.filter(pk__in=institution_ids)
        awards = awards.filter(institution_id__in=institution_ids)
    institutions = list(institutions.order_by("pk"))
    report_kinds = {c.status_kind_id for c in calls if c.purpose == Call.Purpose.ANNUAL_REPORT}
    sites = defaultdict(set)  # status kind → institutions holding it on the day
    if report_kinds:
        awards = awards.filter(status_kind_id__in=report_kinds)
        for kind_id, institution_id in awards.values_list("status_kind_id", "institution_id"):
            sites[kind_id].add(institution_id)
    return {
        call.pk: [
            i
            for i in institutions
            if i.district_id == call.district_id
            and (call.purpose != Call.Purpose.ANNUAL_REPORT or i.pk in sites[call.status_kind_id])
        ]
        for call in calls
    }


def eligible_institution_ids(call, institution_ids=None):
    """Institutions that may apply to the call (see `eligible_institutions`), as a set of ids."""
    return {i.pk for i in eligible_institutions([call], institution_ids)[call.pk]}


def handed_in(calls, institution_ids=None):
    """{(call id, institution id)} that have answered the call: anything but a draft or a withdrawn one.

    A returned application counts: its fix-by date (not the call's) is what it waits for.
    """
    queryset = Application.objects.filter(call__in=calls).exclude(
        state__in=[Application.State.DRAFT, Application.State.WITHDRAWN]
    )
    if institution_ids is not None:
        queryset = queryset.filter(institution_id__in=institution_ids)
    return set(queryset.values_list("call_id", "institution_id"))


@dataclass(frozen=True)
class Awaited:
    """An eligible institution that has not handed anything in to a call, and its own deadline."""

    call: Call
    institution: Institution
    deadline: datetime.datetime
    extended: bool


def awaited(calls, institution_ids=None, day=None):
    """Every (call, eligible institution) with nothing handed in yet, with its deadline; four queries."""
    calls = list(calls)
    if not calls:
        return []
    eligible = eligible_institutions(calls, institution_ids, day)
    answered = handed_in(calls, institution_ids)
    extensions = extensions_of(calls, institution_ids)
    found = []
    for call in calls:
        for institution in eligible[call.pk]:
            if (call.pk, institution.pk) in answered:
                continue
            until = extensions.get((call.pk, institution.pk))
            found.append(Awaited(call, institution, deadline(call, until), until is not None))
    return found


def calls_for_coordinator(user, now=None):
    """Published calls of the coordinator's districts that are open now, or open for them by an extension.

    (An extension always ends after the call's deadline: `deadline()` in SQL.)
    """
    now = now or timezone.now()
    institution_ids = user.coordinated_institution_ids
    extended = Extension.objects.filter(institution_id__in=institution_ids, until__gte=now).values("call_id")
    districts = user.district_ids(Role.COORDINATOR)
    return (
        boundary.within(Call.objects.filter(is_published=True, opens_at__lte=now), districts)
        .filter(Q(closes_at__gte=now) | Q(pk__in=extended))
        .select_related("status_kind", "district")
        .order_by("closes_at")
    )


def earlier_applications(institution_ids):
    """Every application of these institutions, any call and state, newest first: what can be copied."""
    return (
        Application.objects.filter(institution_id__in=institution_ids)
        .select_related("call")
        .order_by("-created_at", "-pk")
    )


def applications_of(user):
    """The coordinator's applications, for their list (the listed columns only)."""
    queryset = Application.objects.filter(institution_id__in=user.coordinated_institution_ids)
    return listed(queryset.select_related("call", "institution")).order_by("-created_at", "-pk")


def registry(*, district=None, status_kind=None, level=None, year=None, current=True, day=None):
    """The registry of innovation sites: current ones by default, filtered as on the public page."""
    queryset = StatusAward.objects.select_related("institution", "institution__district", "status_kind")
    if current:
        queryset = queryset.current(day)
    if district:
        queryset = queryset.filter(institution__district=district)
    if status_kind:
        queryset = queryset.filter(status_kind=status_kind)
    if level:
        queryset = queryset.filter(status_kind__level=level)
    if year:
        queryset = queryset.in_period(year.start, year.end)
    return queryset.order_by(
        "institution__district__name", "status_kind__order", "status_kind__name", "institution__short_name"
    )


# --- what a resubmission changed ---------------------------------------------------------


def last_snapshot(application):
    """The snapshot kept at the application's latest submission, or None."""
    event = application.events.filter(snapshot__isnull=False).order_by("-at", "-pk").first()
    return event.snapshot if event else None


def _field_labels(call):
    from .layouts import layout_for

    labels = {f.name: str(f.label_for()) for f in layout_for(call).fields}
    tables = {t.key: str(t.title) for t in layout_for(call).tables}
    return labels, tables


def snapshot_changes(call, old, new):
    """Readable lines «label: old → new», and rows added or removed per table, between two snapshots."""
    from django.utils.translation import gettext as _

    labels, table_titles = _field_labels(call)
    lines = []
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    for name, value in new_fields.items():
        before = old_fields.get(name, "")
        if before != value:
            label = labels.get(name) or str(Application._meta.get_field(name).verbose_name)
            lines.append(f"{label}: {before or '—'} → {value or '—'}")
    for key, rows in new.get("tables", {}).items():
        before = list(old.get("tables", {}).get(key, []))
        added = []
        for row in rows:
            if row in before:
                before.remove(row)
            else:
                added.append(row)
        title = table_titles.get(key) or str(ROW_MODELS[key][0]._meta.verbose_name_plural)
        for row in added:
            lines.append(_("%(table)s: row added: %(row)s") % {"table": title, "row": row})
        for row in before:
            lines.append(_("%(table)s: row removed: %(row)s") % {"table": title, "row": row})
    old_files, new_files = old.get("files", []), new.get("files", [])
    for item in new_files:
        if item not in old_files:
            lines.append(_("File added: %s") % item)
    for item in old_files:
        if item not in new_files:
            lines.append(_("File removed: %s") % item)
    return lines


def resubmission_changes(application):
    """(resubmitted?, [changed lines]) for the application's page: its last two submissions compared.

    Reads the events already loaded by with_contents(), so no extra query.
    """
    snapshots = [e.snapshot for e in application.events.all() if e.snapshot is not None]
    if len(snapshots) < 2 or application.state == Application.State.DRAFT:
        return False, []
    return True, snapshot_changes(application.call, snapshots[-2], snapshots[-1])
