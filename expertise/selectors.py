"""Reads reused by the pages, exports, PDFs, due items and reminders."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.models import RoleAssignment
from applications.models import Application, Call, Criterion
from applications.selectors import listed
from innovation_portal import boundary

from . import results
from .models import AgendaItem, Assignment, CouncilMeeting, ExpertiseClosure, Presentation, Review, Score

Role = RoleAssignment.Role
READERS = (Role.METHODIST, Role.DISTRICT_OFFICE)
# Applications whose expertise is on or done: what the results and the councils work with.
REVIEWED_STATES = Application.IN_EXPERTISE | Application.DECIDED


def reader_district_ids(user):
    return user.district_ids(*READERS)


# --- the expert ---------------------------------------------------------------------------


def visible_assignments(user):
    """The expert's own assignments, never one of an institution they belong to (whatever happened)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(expert=user)
        .exclude(application__institution_id__in=user.affiliation_ids)
        .exclude(application__state__in=[Application.State.DRAFT, Application.State.WITHDRAWN])
        .select_related("application__call", "application__institution", "review")
    )


def my_assignments(user):
    """The expert's list: the applications' listed columns and the review's state, not their texts."""
    queryset = listed(visible_assignments(user), "application__").defer("review__overall_comment")
    return queryset.order_by("state", "due_date", "pk")


@dataclass
class Progress:
    done: int = 0
    total: int = 0

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


def progress_by_call(assignments):
    """[(call, Progress)] of the expert's active assignments, in order of first appearance."""
    calls = {}
    for assignment in assignments:
        if assignment.state not in Assignment.ACTIVE:
            continue
        call = assignment.application.call
        progress = calls.setdefault(call.pk, (call, Progress()))[1]
        progress.total += 1
        progress.done += assignment.state == Assignment.State.COMPLETED
    return list(calls.values())


def next_open_assignment(user, after):
    return (
        visible_assignments(user)
        .filter(state__in=Assignment.OPEN, application__state__in=Application.IN_EXPERTISE)
        .exclude(pk=after.pk)
        .order_by("due_date", "pk")
        .first()
    )


def reviews_beside(assignment):
    """The assignment's own review (any state) and the other experts' submitted ones on the same
    application (the others in the order they were submitted), with their scores: two queries."""
    return list(
        Review.objects.filter(assignment__application_id=assignment.application_id)
        .filter(Q(assignment=assignment) | Q(state__in=Review.COUNTED))
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )


# --- methodists and the district office ---------------------------------------------------


def managed_calls(user):
    """Calls of the user's districts with their expertise progress."""
    active = Q(applications__assignments__state__in=Assignment.ACTIVE)
    queryset = Call.objects.select_related("district", "status_kind").annotate(
        in_expertise=Count("applications", filter=Q(applications__state__in=Application.IN_EXPERTISE), distinct=True),
        assigned=Count("applications__assignments", filter=active, distinct=True),
        done=Count(
            "applications__assignments",
            filter=Q(applications__assignments__state=Assignment.State.COMPLETED),
            distinct=True,
        ),
    )
    if not user.is_superuser:
        queryset = boundary.within(queryset, reader_district_ids(user))
    return queryset.order_by("-closes_at", "title")


def _assignments_prefetch():
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("expert", "review").order_by("pk"),
    )


def call_applications(call):
    """Applications of the call in or past expertise, with their experts (the assignment page)."""
    return (
        Application.objects.filter(call=call, state__in=REVIEWED_STATES)
        .select_related("institution")
        .prefetch_related(_assignments_prefetch())
        .order_by("institution__short_name")
    )


@dataclass
class Results:
    call: Call
    criteria: list
    rows: list  # ranked: complete applications (every application with a review once closed)
    assigned: int = 0
    done: int = 0
    overdue: list = field(default_factory=list)
    incomplete: list = field(default_factory=list)  # shown apart, unranked
    closure: ExpertiseClosure | None = None

    @property
    def flagged(self):
        return [row for row in self.all_rows if row.disagreement]

    @property
    def all_rows(self):
        return self.rows + self.incomplete

    def row_of(self, application_id):
        return next((row for row in self.all_rows if row.key == application_id), None)


def _scores_prefetch():
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("expert", "review", "review__entered_by")
        .prefetch_related(Prefetch("review__scores", queryset=Score.objects.all()))
        .order_by("pk"),
    )


def call_results(call, today=None):
    """Progress, ranking, per-criterion mean and median, spreads and disagreement flags of a call."""
    return calls_results([call], today)[call.pk]


def calls_results(calls, today=None):
    """{call id: Results} of several calls, read together: the same queries for one call or ten."""
    today = today or timezone.localdate()
    calls = {call.pk: call for call in calls}
    if not calls:
        return {}
    criteria_of = {pk: [] for pk in calls}
    for criterion in Criterion.objects.filter(call_id__in=calls).order_by("call_id", "order", "pk"):
        criteria_of[criterion.call_id].append(criterion)
    applications_of = {pk: [] for pk in calls}
    # The closure of the expertise comes with the applications' call (a reverse one-to-one): no
    # query of its own; a call with no application in expertise has nothing to rank anyway.
    applications = (
        Application.objects.filter(call_id__in=calls, state__in=REVIEWED_STATES)
        .select_related("institution", "call__expertise_closure__closed_by")
        .prefetch_related(_scores_prefetch())
    )
    closures = {}
    for application in applications:
        applications_of[application.call_id].append(application)
        closure = _closure_of(application.call)
        if closure is not None:
            closures[application.call_id] = closure
    return {
        pk: _results(call, criteria_of[pk], applications_of[pk], today, closures.get(pk)) for pk, call in calls.items()
    }


def _closure_of(call):
    try:
        return call.expertise_closure
    except ExpertiseClosure.DoesNotExist:
        return None


def _results(call, criteria, applications, today, closure=None):
    weights = {c.pk: c.weight for c in criteria}
    rows, assigned, done, overdue = [], 0, 0, []
    for application in applications:
        application.call = call
        reviews, expected = [], 0
        for assignment in application.assignments.all():
            if assignment.state in Assignment.ACTIVE:
                assigned += 1
                expected += 1
            if assignment.state == Assignment.State.COMPLETED:
                done += 1
            if assignment.state in Assignment.OPEN and assignment.due_date < today:
                overdue.append(assignment)
            review = getattr(assignment, "review", None)
            if review is not None and review.is_counted:
                reviews.append(review)
        score_maps = [{s.criterion_id: s.value for s in r.scores.all() if s.value is not None} for r in reviews]
        row = results.row_for(
            application.pk, weights, score_maps, call.disagreement_threshold, call.aggregation, expected
        )
        row.application = application
        row.reviews = reviews
        row.criteria_values = [row.per_criterion[c.pk] for c in criteria]
        row.recommendations = [r.get_recommendation_display() for r in reviews if r.recommendation]
        row.paper = sum(1 for r in reviews if r.entered_by_id)
        # A decided application waits for nothing, whatever its reviews.
        row.waiting = application.state in Application.IN_EXPERTISE and not row.complete
        rows.append(row)
    overdue.sort(key=lambda a: (a.due_date, a.pk))
    ranked, apart = results.split(rows, closed=closure is not None)
    return Results(call, criteria, ranked, assigned, done, overdue, apart, closure)


def application_reviews(application):
    """Every assignment of an application with its review and scores (conclusion, full view)."""
    return list(
        application.assignments.select_related("expert", "review", "review__entered_by")
        .prefetch_related(Prefetch("review__scores", queryset=Score.objects.select_related("criterion")))
        .order_by("pk")
    )


def readable_applications(user):
    """Applications in or past expertise of the user's districts (methodist, district office)."""
    queryset = Application.objects.filter(state__in=REVIEWED_STATES).select_related(
        "call", "call__district", "call__status_kind", "institution"
    )
    if user.is_superuser:
        return queryset
    return boundary.within(queryset, reader_district_ids(user))


def presentations_of(call):
    return Presentation.objects.filter(call=call).select_related("application__institution").order_by("starts_at")


def my_presentations(user):
    return (
        Presentation.objects.filter(application__institution_id__in=user.coordinated_institution_ids)
        .select_related("call", "application__institution")
        .order_by("starts_at")
    )


def meetings(user):
    queryset = (
        CouncilMeeting.objects.select_related("district")
        .prefetch_related("members")
        .annotate(items=Count("agenda", distinct=True))
    )
    if not user.is_superuser:
        queryset = boundary.within(queryset, reader_district_ids(user))
    return queryset.order_by("-date", "-pk")


def agenda(meeting):
    """The agenda's items with what the council page and the protocol show of them (a fixed number of queries)."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("application__institution", "application__call__status_kind")
        .prefetch_related("recused")
        .order_by("order", "pk")
    )


def agenda_of(meeting):
    return list(agenda(meeting))


def agenda_results(items):
    """{application_id: results.Row} for the agenda's applications (the council sees the scores)."""
    calls = {item.application.call_id: item.application.call for item in items if item.application_id}
    found = {}
    for outcome in calls_results(calls.values()).values():
        for row in outcome.all_rows:
            found[row.key] = row
    return found
