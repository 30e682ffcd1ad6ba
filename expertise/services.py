"""Every write of the expertise that carries a rule: assigning, reviewing, declining, deciding.

Assignments, reviews and council meetings change state only through `move()` below (the
older `set_assignment_state`, `set_review_state`, `set_meeting_status` call it), which reads
the moves from the model's workflow and writes a ReviewEvent or a CouncilMeetingEvent. Applications move through
the competitions app's own services (`start_expertise`, `decide`, `award_status`).
"""

import csv
import datetime
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import RoleAssignment, User
from applications import services as applications
from applications.models import Application, Call
from innovation_portal.importing import decode_text
from innovation_portal.workflow import TransitionError
from notifications.notify import notify

from . import planning
from .models import (
    AgendaItem,
    Assignment,
    ConflictDeclaration,
    CouncilMeeting,
    CouncilMeetingEvent,
    CouncilMember,
    ExpertiseClosure,
    ExpertProfile,
    Presentation,
    Review,
    ReviewEvent,
    Score,
)

AState = Assignment.State
RState = Review.State
MStatus = CouncilMeeting.Status
AppState = Application.State
Role = RoleAssignment.Role

# How long the applicant has to revise when the council's decision gives no date.
REVISION_TIME = datetime.timedelta(days=14)

DEFAULT_PER_APPLICATION = 3
DEFAULT_CAP = 5


# --- the doors ----------------------------------------------------------------------------


def _assignment_history(assignment):
    return ReviewEvent.writer(assignment=assignment, subject=ReviewEvent.Subject.ASSIGNMENT)


def _review_history(review):
    return ReviewEvent.writer(assignment=review.assignment, subject=ReviewEvent.Subject.REVIEW)


def _meeting_history(meeting):
    return CouncilMeetingEvent.writer(meeting=meeting)


HISTORY = {Assignment: _assignment_history, Review: _review_history, CouncilMeeting: _meeting_history}


def move(obj, to, *, by, reason="", updates=None):
    """The one door of the expertise's stateful models: an Assignment, a Review or a CouncilMeeting.

    Checks the move against the model's workflow, saves with a conditional update and writes
    the history row (ReviewEvent for assignments and reviews, CouncilMeetingEvent for meetings).
    """
    try:
        history = HISTORY[type(obj)](obj)
    except KeyError:
        raise TypeError(f"expertise.services.move() does not move a {type(obj).__name__}") from None
    return type(obj).workflow.move(obj, to, by=by, reason=reason, history=history, updates=updates)


def set_assignment_state(assignment, to, *, by, reason="", updates=None):
    return move(assignment, to, by=by, reason=reason, updates=updates)


def set_review_state(review, to, *, by, reason="", updates=None):
    return move(review, to, by=by, reason=reason, updates=updates)


def set_meeting_status(meeting, to, *, by, reason="", updates=None):
    return move(meeting, to, by=by, reason=reason, updates=updates)


# --- the pool -----------------------------------------------------------------------------


@dataclass
class PoolMember:
    user: User
    institution: object  # where the expert works (their expert role's institution), may be None
    affiliation_ids: frozenset
    profile: ExpertProfile | None

    @property
    def topics(self):
        return self.profile.topic_list if self.profile else []

    @property
    def is_available(self):
        return self.profile is None or self.profile.is_active


def expert_pool(district_id):
    """The district's experts: users with the expert role there, their affiliations and profiles."""
    roles = list(
        RoleAssignment.objects.filter(role=Role.EXPERT, district_id=district_id, user__is_active=True)
        .select_related("user", "institution")
        .order_by("user__full_name", "pk")
    )
    user_ids = {r.user_id for r in roles}
    affiliations = defaultdict(set)
    for user_id, institution_id in RoleAssignment.objects.filter(
        user_id__in=user_ids, institution__isnull=False
    ).values_list("user_id", "institution_id"):
        affiliations[user_id].add(institution_id)
    profiles = {p.user_id: p for p in ExpertProfile.objects.filter(district_id=district_id, user_id__in=user_ids)}
    members = {}
    for role in roles:
        if role.user_id not in members:
            members[role.user_id] = PoolMember(
                role.user, role.institution, frozenset(affiliations[role.user_id]), profiles.get(role.user_id)
            )
    return list(members.values())


def conflict_refusal(expert, application):
    """Why this expert may not review this application, or None. The rule nobody can bypass."""
    if RoleAssignment.objects.filter(user=expert, institution_id=application.institution_id).exists():
        return _("%(expert)s works at %(institution)s and cannot review its application.") % {
            "expert": expert,
            "institution": application.institution,
        }
    if ConflictDeclaration.objects.filter(expert=expert, institution_id=application.institution_id).exists():
        return _("%(expert)s has declared a conflict of interest with %(institution)s.") % {
            "expert": expert,
            "institution": application.institution,
        }
    return None


def _methodists_link(call):
    return reverse("expertise:call", args=[call.pk])


# --- assigning ----------------------------------------------------------------------------


def _check_assignable(application, expert, due_date, today=None):
    today = today or timezone.localdate()
    if application.state not in Application.IN_EXPERTISE:
        raise TransitionError(
            _("%(institution)s: only an application admitted to expertise can get experts (it is «%(state)s».)")
            % {"institution": application.institution, "state": application.get_state_display()}
        )
    if not expert.roles.filter(role=Role.EXPERT, district_id=application.call.district_id).exists():
        raise TransitionError(_("%s is not an expert of this district.") % expert)
    refusal = conflict_refusal(expert, application)
    if refusal:
        raise TransitionError(refusal)
    if due_date is None or due_date < today:
        raise TransitionError(_("Give a due date that is not in the past."))
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise TransitionError(
            _("%(expert)s has already been asked to review %(institution)s.")
            % {"expert": expert, "institution": application.institution}
        )


def _create(application, expert, due_date, by):
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application,
                expert=expert,
                due_date=due_date,
                assigned_by=by,
                state_changed_at=timezone.now(),
            )
    except IntegrityError:
        raise TransitionError(
            _("%(expert)s has already been asked to review %(institution)s.")
            % {"expert": expert, "institution": application.institution}
        ) from None
    ReviewEvent.objects.create(
        assignment=assignment, subject=ReviewEvent.Subject.ASSIGNMENT, from_state="", to_state=AState.ASSIGNED, by=by
    )
    if application.state == AppState.ADMITTED:
        # The first expert starts the application's content expertise.
        applications.start_expertise(application, by=by)
    return assignment


def _tell_experts(assignments):
    by_expert = defaultdict(list)
    for assignment in assignments:
        by_expert[assignment.expert].append(assignment)
    for expert, items in by_expert.items():
        lines = "\n".join(
            _("— %(call)s: %(institution)s, due %(due)s")
            % {
                "call": a.application.call,
                "institution": _("application No. %d") % a.application.pk
                if a.application.call.blind
                else a.application.institution,
                "due": date_format(a.due_date, "j E Y"),
            }
            for a in items
        )
        notify(
            [expert],
            kind="expertise_assigned",
            obj=items[0],
            title=_("You have new applications to review: %d") % len(items),
            body=lines,
            url=reverse("expertise:mine"),
        )


@transaction.atomic
def assign_expert(application, expert, *, due_date, by, today=None):
    """Ask one expert to review one application (by hand). The expert is told by mail.

    Refused for an expert of the applicant institution, one who declared a conflict with
    it, one outside the district's pool, or twice. Moves an admitted application to
    «under expertise».
    """
    application = Application.objects.select_for_update().select_related("call", "institution").get(pk=application.pk)
    _check_assignable(application, expert, due_date, today)
    assignment = _create(application, expert, due_date, by)
    _tell_experts([assignment])
    return assignment


def _targets_and_experts(call, cap):
    members = [m for m in expert_pool(call.district_id) if m.is_available]
    in_expertise = list(
        Application.objects.filter(call=call, state__in=Application.IN_EXPERTISE)
        .select_related("institution", "district_programme", "call", "call__status_kind")
        .order_by("pk")
    )
    rows = Assignment.objects.filter(application__call=call).values_list("application_id", "expert_id", "state")
    active = defaultdict(int)
    asked = defaultdict(set)
    load = defaultdict(int)
    for application_id, expert_id, state in rows:
        asked[application_id].add(expert_id)
        if state in Assignment.ACTIVE:
            active[application_id] += 1
            load[expert_id] += 1
    conflicts = defaultdict(set)
    for expert_id, institution_id in ConflictDeclaration.objects.filter(
        expert_id__in=[m.user.pk for m in members]
    ).values_list("expert_id", "institution_id"):
        conflicts[expert_id].add(institution_id)
    experts = [
        planning.Expert(
            id=m.user.pk,
            affiliation_ids=m.affiliation_ids,
            conflict_ids=frozenset(conflicts[m.user.pk]),
            topics=tuple(m.topics),
            cap=min(cap, m.profile.max_load) if m.profile else cap,
            load=load[m.user.pk],
        )
        for m in members
    ]
    targets = [
        planning.Target(
            id=a.pk,
            institution_id=a.institution_id,
            text=" ".join(
                str(part) for part in (a.theme, a.district_programme or "", call.title, call.status_kind or "") if part
            ),
            active=active[a.pk],
            excluded=frozenset(asked[a.pk]),
        )
        for a in in_expertise
    ]
    return members, in_expertise, experts, targets


@dataclass
class AutoResult:
    created: list
    short: list  # (application, how many experts it has, how many were wanted)


@transaction.atomic
def assign_automatically(call, *, per_application=DEFAULT_PER_APPLICATION, cap=DEFAULT_CAP, due_date, by, today=None):
    """Give every application of the call in expertise `per_application` experts (see planning.plan).

    Experts get one letter each listing their new applications; applications that could not
    get enough experts (too few eligible or everyone at the cap) are returned in `short`.
    """
    today = today or timezone.localdate()
    if per_application < 1 or cap < 1:
        raise TransitionError(_("The number of experts and the cap must be at least 1."))
    if due_date is None or due_date < today:
        raise TransitionError(_("Give a due date that is not in the past."))
    list(Call.objects.select_for_update().filter(pk=call.pk))  # one automatic run per call at a time
    members, in_expertise, experts, targets = _targets_and_experts(call, cap)
    users = {m.user.pk: m.user for m in members}
    by_id = {a.pk: a for a in in_expertise}
    created = []
    for application_id, expert_id in planning.plan(experts, targets, per_application):
        application = by_id[application_id]
        expert = users[expert_id]
        # The plan is checked again against the database: the rule holds whatever the planner did.
        _check_assignable(application, expert, due_date, today)
        created.append(_create(application, expert, due_date, by))
    got = defaultdict(int)
    for target in targets:
        got[target.id] = target.active
    for assignment in created:
        got[assignment.application_id] += 1
    short = [(by_id[t.id], got[t.id], per_application) for t in targets if got[t.id] < per_application]
    _tell_experts(created)
    return AutoResult(created, short)


# --- CSV upload ---------------------------------------------------------------------------


HEADER_WORDS = {
    "application": ("заявка", "№ заявки", "application", "оу", "учреждение", "institution"),
    "expert": ("эксперт", "e-mail", "email", "почта", "expert"),
    "due": ("срок", "due"),
}


def _columns(header):
    found = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        for key, words in HEADER_WORDS.items():
            if key not in found and any(word in name for word in words):
                found[key] = index
                break
    return found


def _parse_date(text):
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def import_assignments(call, content, *, due_date, by, today=None):
    """Assign experts from a CSV (application or institution; expert's e-mail; optional due date).

    All or nothing: any bad row refuses the whole file, with every error listed by row
    number; the conflict rule is checked for each row as for a hand assignment.
    """
    today = today or timezone.localdate()
    text = decode_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        raise TransitionError(_("The file is empty."))
    columns = _columns(rows[0])
    if "application" not in columns or "expert" not in columns:
        raise TransitionError(
            _("The first row must name the columns: «Заявка» (or «ОУ»), «E-mail эксперта» and, optionally, «Срок».")
        )
    applications_by_key = {}
    for application in (
        Application.objects.filter(call=call).exclude(state=AppState.WITHDRAWN).select_related("institution", "call")
    ):
        applications_by_key[str(application.pk)] = application
        applications_by_key[application.institution.short_name.lower()] = application
    experts = {u.email.lower(): u for u in User.objects.filter(roles__role=Role.EXPERT, roles__district=call.district)}
    errors, planned, seen = [], [], set()
    for number, row in enumerate(rows[1:], start=2):
        values = {name: row[index].strip() if index < len(row) else "" for name, index in columns.items()}
        cell = values.__getitem__
        key = cell("application").lower().lstrip("№").strip()
        application = applications_by_key.get(key)
        expert = experts.get(cell("expert").lower())
        due = _parse_date(values["due"]) if values.get("due") else due_date
        problem = None
        if application is None:
            problem = _("no application «%s» in this call") % cell("application")
        elif expert is None:
            problem = _("no expert of this district with the e-mail «%s»") % cell("expert")
        elif values.get("due") and due is None:
            problem = _("the due date «%s» is not a date like 31.05.2025") % values["due"]
        elif (application.pk, expert.pk) in seen:
            problem = _("the same expert and application appear twice")
        else:
            try:
                _check_assignable(application, expert, due, today)
            except TransitionError as error:
                problem = str(error)
        if problem:
            errors.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": problem})
        else:
            seen.add((application.pk, expert.pk))
            planned.append((application, expert, due))
    if errors:
        raise TransitionError(_("Nothing was assigned. ") + " ".join(errors))
    if not planned:
        raise TransitionError(_("The file has no rows under its header."))
    created = []
    for application, expert, due in planned:
        application.refresh_from_db(fields=["state"])
        created.append(_create(application, expert, due, by))
    _tell_experts(created)
    return created


@transaction.atomic
def remove_assignment(assignment, *, by):
    """Take back an assignment made by mistake; refused once the expert has submitted their review."""
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.is_counted:
        raise TransitionError(_("The expert has already submitted the review: the assignment cannot be removed."))
    notify(
        [assignment.expert],
        kind="expertise_unassigned",
        obj=assignment,
        title=_("An application has been taken off your list: %s") % assignment.application.call,
        body=_("An application of the call «%(call)s» is no longer assigned to you: you do not need to review it.")
        % {"call": assignment.application.call},
        url=reverse("expertise:mine"),
    )
    assignment.delete()


# --- the expert ---------------------------------------------------------------------------


@transaction.atomic
def decline(assignment, *, by, reason, conflict=False):
    """The expert declines (or declares a conflict of interest); the methodists are told.

    A declared conflict is remembered for the institution: the expert is never assigned
    its applications again.
    """
    if not reason.strip():
        raise TransitionError(_("Write the reason."))
    if Review.objects.filter(assignment=assignment, state__in=Review.COUNTED).exists():
        raise TransitionError(_("You have already submitted your review of this application."))
    to = AState.CONFLICT if conflict else AState.DECLINED
    set_assignment_state(assignment, to, by=by, reason=reason, updates={"decline_reason": reason})
    application = assignment.application
    if conflict:
        ConflictDeclaration.objects.get_or_create(
            expert=assignment.expert,
            institution=application.institution,
            defaults={"application": application, "reason": reason},
        )
    call = application.call
    notify(
        applications.methodists_of(call.district_id),
        kind=f"expertise_{to}",
        obj=call,
        title=(
            _("Conflict of interest declared: %(expert)s, %(institution)s")
            if conflict
            else _("Assignment declined: %(expert)s, %(institution)s")
        )
        % {"expert": assignment.expert, "institution": application.institution},
        body=_("Call «%(call)s». Reason: %(reason)s\nAnother expert is needed.") % {"call": call, "reason": reason},
        url=_methodists_link(call),
    )
    return assignment


def edit_refusal(assignment, today=None):
    """Why the expert cannot change their review now, or None."""
    today = today or timezone.localdate()
    call = assignment.application.call
    if assignment.state in Assignment.WITHDRAWN:
        return _("You have declined this assignment.")
    if assignment.application.state not in Application.IN_EXPERTISE:
        return _("The council has decided on this application: the review is closed.")
    if call.expertise_ends and today > call.expertise_ends:
        return _("The expertise of this call closed on %s: reviews can no longer be changed.") % date_format(
            call.expertise_ends, "j E Y"
        )
    review = getattr(assignment, "review", None)
    if review is not None and review.state == RState.FROZEN:
        return _("This review is closed.")
    closure = ExpertiseClosure.objects.filter(call_id=call.pk).first()
    if closure is not None:
        return _(
            "The methodology centre closed the expertise of this call on %s: reviews can no longer be changed."
        ) % (date_format(timezone.localtime(closure.closed_at), "j E Y"))
    return None


def missing_for_submit(criteria, scores, recommendation):
    """What a review lacks before it can be submitted (a list of Russian phrases)."""
    missing = [
        _("a score for «%s»") % c.name for c in criteria if c.required and scores.get(c.pk, (None, ""))[0] is None
    ]
    if not recommendation:
        missing.append(_("a recommendation"))
    return missing


@transaction.atomic
def save_review(assignment, *, by, scores, overall_comment="", recommendation="", today=None, paper=False):
    """Save what the expert typed: `scores` is {criterion_id: (value or None, comment)}.

    Refused after the call's expertise closes or once the council has decided. A submitted
    review stays editable until then but must stay complete. `paper`: a methodist (`by`)
    types the expert's paper score sheet in; the review remembers who entered it.
    """
    assignment = Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    refusal = edit_refusal(assignment, today)
    if refusal:
        raise TransitionError(refusal)
    criteria = list(assignment.application.call.criteria.all())
    for criterion in criteria:
        value = scores.get(criterion.pk, (None, ""))[0]
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise TransitionError(
                _("«%(criterion)s»: the score must be from %(min)d to %(max)d.")
                % {"criterion": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max}
            )
    if recommendation and recommendation not in Review.Recommendation.values:
        raise TransitionError(_("Choose a recommendation from the list."))
    review, _created = Review.objects.get_or_create(assignment=assignment)
    if review.state == RState.SUBMITTED:
        missing = missing_for_submit(criteria, scores, recommendation)
        if missing:
            raise TransitionError(_("A submitted review must stay complete. Missing: %s.") % "; ".join(missing))
    review.overall_comment = overall_comment
    review.recommendation = recommendation
    fields = ["overall_comment", "recommendation", "updated_at"]
    if paper:
        review.entered_by = by
        fields.append("entered_by")
    review.save(update_fields=fields)
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion in criteria:
        value, comment = scores.get(criterion.pk, (None, ""))
        score = existing.get(criterion.pk)
        if score is None and (value is not None or comment):
            Score.objects.create(review=review, criterion=criterion, value=value, comment=comment)
        elif score is not None and (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            score.save(update_fields=["value", "comment"])
    if assignment.state == AState.ASSIGNED:
        set_assignment_state(assignment, AState.ACCEPTED, by=by, reason=paper_reason() if paper else "")
    return review


def paper_reason():
    return _("Entered by the methodology centre from the expert's paper score sheet.")


@transaction.atomic
def enter_paper_review(assignment, *, by, scores, overall_comment="", recommendation="", today=None):
    """A methodist types in the score sheet an expert filled on paper and hands it in for them.

    The review counts as the expert's; it and its history record that the methodist entered
    it. Refused as the expert's own review would be (declined, closed, decided), and when
    the sheet is incomplete: then nothing is saved (the page keeps what was typed).
    """
    review = save_review(
        assignment,
        by=by,
        scores=scores,
        overall_comment=overall_comment,
        recommendation=recommendation,
        today=today,
        paper=True,
    )
    if review.state == RState.DRAFT:
        submit_review(assignment, by=by, today=today, reason=paper_reason())
        review.refresh_from_db()
    return review


@transaction.atomic
def submit_review(assignment, *, by, today=None, reason=""):
    """Hand in the saved review: complete or refused with what is missing. Completes the assignment."""
    assignment = Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    refusal = edit_refusal(assignment, today)
    if refusal:
        raise TransitionError(refusal)
    review = Review.objects.filter(assignment=assignment).first()
    if review is None:
        raise TransitionError(_("Score the application first."))
    if review.state != RState.DRAFT:
        raise TransitionError(_("The review has already been submitted."))
    criteria = list(assignment.application.call.criteria.all())
    scores = {s.criterion_id: (s.value, s.comment) for s in review.scores.all()}
    missing = missing_for_submit(criteria, scores, review.recommendation)
    if missing:
        raise TransitionError(_("The review cannot be submitted yet. Missing: %s.") % "; ".join(missing))
    set_review_state(review, RState.SUBMITTED, by=by, reason=reason, updates={"submitted_at": timezone.now()})
    set_assignment_state(assignment, AState.COMPLETED, by=by, reason=reason)
    return review


@transaction.atomic
def reopen_assignment(assignment, *, by, reason, due_date, today=None):
    """A methodist reopens a declined assignment or a submitted review, with a reason.

    Declined: the expert is asked again (→ assigned; the conflict rule is checked again, a
    declared conflict is never reopened). Submitted: the review goes back to a draft and the
    assignment back in progress, so it no longer counts until the expert submits it again.
    The expert is told the reason and the new due date.
    """
    today = today or timezone.localdate()
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("application__call", "application__institution", "expert")
        .get(pk=assignment.pk)
    )
    application = assignment.application
    call = application.call
    if not reason.strip():
        raise TransitionError(_("Write the reason: the expert will read it."))
    if due_date is None or due_date < today:
        raise TransitionError(_("Give a due date that is not in the past."))
    if assignment.state not in Assignment.REOPENABLE:
        raise TransitionError(_("Only a declined assignment or a submitted review can be reopened."))
    if application.state not in Application.IN_EXPERTISE:
        raise TransitionError(_("The council has decided on this application: the review is closed."))
    if call.expertise_ends and today > call.expertise_ends:
        raise TransitionError(
            _("The expertise of this call ended on %s: move its end date first.")
            % date_format(call.expertise_ends, "j E Y")
        )
    if ExpertiseClosure.objects.filter(call_id=call.pk).exists():
        raise TransitionError(_("The expertise of this call is closed."))
    if assignment.state == AState.DECLINED:
        refusal = conflict_refusal(assignment.expert, application)
        if refusal:
            raise TransitionError(refusal)
        set_assignment_state(
            assignment, AState.ASSIGNED, by=by, reason=reason, updates={"decline_reason": "", "due_date": due_date}
        )
    else:
        review = Review.objects.select_for_update().get(assignment=assignment)
        if review.state != RState.SUBMITTED:
            raise TransitionError(_("This review is closed."))
        set_review_state(review, RState.DRAFT, by=by, reason=reason, updates={"submitted_at": None})
        set_assignment_state(assignment, AState.ACCEPTED, by=by, reason=reason, updates={"due_date": due_date})
    notify(
        [assignment.expert],
        kind="expertise_reopened",
        obj=assignment,
        title=_("The methodology centre asks you to review again: %s") % call,
        body=_("%(institution)s. Reason: %(reason)s\nNew due date: %(due)s.")
        % {
            "institution": _("application No. %d") % application.pk if call.blind else application.institution,
            "reason": reason.strip(),
            "due": date_format(due_date, "j E Y"),
        },
        url=reverse("expertise:review", args=[assignment.pk]),
    )
    return assignment


@transaction.atomic
def close_expertise(call, *, by, reason):
    """The methodist closes the call's content expertise: incomplete applications are ranked on
    the reviews they have, and reviews can no longer be changed. Recorded with who, when, why."""
    if not reason.strip():
        raise TransitionError(_("Write why the expertise is closed before every review is in."))
    closure, created = ExpertiseClosure.objects.get_or_create(call=call, defaults={"closed_by": by, "reason": reason})
    if not created:
        raise TransitionError(_("The expertise of this call is already closed."))
    return closure


@transaction.atomic
def freeze_reviews(today=None):
    """Close the submitted reviews of calls whose expertise has ended and of decided applications."""
    today = today or timezone.localdate()
    due = Review.objects.filter(state=RState.SUBMITTED).filter(
        Q(assignment__application__call__expertise_ends__lt=today)
        | Q(assignment__application__state__in=Application.DECIDED)
    )
    frozen = 0
    for review in due.select_related("assignment"):
        set_review_state(review, RState.FROZEN, by=None, reason=_("The expertise is closed."))
        frozen += 1
    return frozen


# --- presentations ------------------------------------------------------------------------


@transaction.atomic
def schedule_presentation(application, *, starts_at, place, minutes=10, note="", by):
    """Give an application in (or past) expertise a slot; its coordinators are told."""
    if application.state not in Application.IN_EXPERTISE | Application.DECIDED:
        raise TransitionError(_("Only an application admitted to expertise is presented."))
    clash = (
        Presentation.objects.filter(call=application.call, place=place, starts_at=starts_at)
        .exclude(application=application)
        .first()
    )
    if clash is not None:
        raise TransitionError(_("This time and place is already given to %s.") % clash.application.institution)
    presentation, _created = Presentation.objects.update_or_create(
        application=application,
        defaults={"call": application.call, "starts_at": starts_at, "place": place, "minutes": minutes, "note": note},
    )
    notify(
        applications.coordinators_of(application.institution),
        kind="expertise_presentation",
        obj=application,
        title=_("Public presentation: %s") % application.call,
        body=_("Your presentation: %(when)s, %(place)s.")
        % {"when": date_format(timezone.localtime(starts_at), "j E Y, H:i"), "place": place},
        url=reverse("expertise:my_presentations"),
    )
    return presentation


# --- councils -----------------------------------------------------------------------------


def _require_editable(meeting):
    if not meeting.is_editable:
        raise TransitionError(_("The decisions of this meeting have been applied: it can no longer be changed."))


def member_details(user):
    """(full name, position, organisation) to fill a council member linked to this user."""
    role = RoleAssignment.objects.filter(user=user, institution__isnull=False).select_related("institution").first()
    return user.full_name or user.email, user.position, role.institution.short_name if role else ""


@transaction.atomic
def save_members(meeting, formset):
    """Save the roster typed on the meeting's page: nobody is dropped unless marked for deletion.

    A member linked to an account and typed without a name takes the account's name, position
    and institution.
    """
    _require_editable(meeting)
    members = formset.save(commit=False)
    for member in formset.deleted_objects:
        member.delete()
    last = max([m.order for m in meeting.members.all()], default=0) if meeting.pk else 0
    for member in members:
        member.meeting = meeting
        if member.pk is None:
            last += 1
            member.order = last
        if member.user_id and not member.full_name:
            member.full_name, position, organisation = member_details(member.user)
            member.position = member.position or position
            member.organisation = member.organisation or organisation
        member.save()
    return meeting


def copy_roster(meeting, source):
    """A new meeting of a council starts with the roster of its previous meeting (nobody present yet)."""
    CouncilMember.objects.bulk_create(
        CouncilMember(
            meeting=meeting,
            order=m.order,
            full_name=m.full_name,
            position=m.position,
            organisation=m.organisation,
            user_id=m.user_id,
            role=m.role,
        )
        for m in source.members.all()
    )


def previous_meeting(district_id, kind):
    return CouncilMeeting.objects.filter(district_id=district_id, kind=kind).order_by("-date", "-pk").first()


@transaction.atomic
def add_to_agenda(meeting, applications_to_add):
    """Put applications in expertise on the meeting's agenda (each once), after what is there."""
    _require_editable(meeting)
    on_agenda = set(meeting.agenda.values_list("application_id", flat=True))
    order = meeting.agenda.count()
    added = []
    for application in applications_to_add:
        if application.call.district_id != meeting.district_id:
            raise TransitionError(_("The application belongs to another district."))
        if application.pk in on_agenda or application.state not in Application.IN_EXPERTISE:
            continue
        order += 1
        added.append(AgendaItem.objects.create(meeting=meeting, application=application, order=order))
        on_agenda.add(application.pk)
    return added


def review_progress(application_ids):
    """{application id: (reviews submitted, reviews expected)}: the experts still assigned count."""
    progress = dict.fromkeys(application_ids, (0, 0))
    rows = (
        Assignment.objects.filter(application_id__in=application_ids, state__in=Assignment.ACTIVE)
        .values_list("application_id")
        .annotate(expected=Count("pk"), done=Count("pk", filter=Q(state=AState.COMPLETED)))
        .values_list("application_id", "done", "expected")
        .order_by()
    )
    for application_id, done, expected in rows:
        progress[application_id] = (done, expected)
    return progress


def expertise_unfinished(progress):
    done, expected = progress
    return expected == 0 or done < expected


def conflicts_of(meeting, items):
    """{agenda item id: {member id}}: members who cannot judge the applicant.

    A member linked to an account that works at the applicant institution or declared a
    conflict with it, or whose organisation is the applicant's name.
    """
    members = list(meeting.members.all())
    items = [item for item in items if item.application_id]
    institution_ids = {item.application.institution_id for item in items}
    user_ids = {m.user_id for m in members if m.user_id}
    ties = set(
        RoleAssignment.objects.filter(user_id__in=user_ids, institution_id__in=institution_ids).values_list(
            "user_id", "institution_id"
        )
    )
    ties |= set(
        ConflictDeclaration.objects.filter(expert_id__in=user_ids, institution_id__in=institution_ids).values_list(
            "expert_id", "institution_id"
        )
    )
    found = {}
    for item in items:
        institution = item.application.institution
        names = {n.casefold() for n in (institution.short_name, institution.full_name) if n}
        found[item.pk] = {
            m.pk for m in members if (m.user_id, institution.pk) in ties or (m.organisation.strip().casefold() in names)
        }
    return found


@dataclass
class DecisionContext:
    """What deciding on a meeting's agenda is checked against (built once for the whole formset)."""

    meeting: CouncilMeeting
    present: list
    conflicts: dict  # {agenda item id: {member id}}
    progress: dict  # {application id: (done, expected)}

    @classmethod
    def of(cls, meeting, items=None):
        items = (
            items
            if items is not None
            else list(meeting.agenda.select_related("application__institution", "application__call"))
        )
        return cls(
            meeting=meeting,
            present=[m for m in meeting.members.all() if m.present],
            conflicts=conflicts_of(meeting, items),
            progress=review_progress([item.application_id for item in items if item.application_id]),
        )


DECISION_FIELDS = ("decision", "reasons", "fix_by", "votes_for", "votes_against", "votes_abstained", "override_reason")


def decision_fingerprint(item, values=None):
    """A short digest of a decision: the row's as recorded, or `values` typed for it (a form's cleaned data).

    The council page sends back the digest of the row it showed; when the row's digest differs
    on saving, someone saved it in between (see DecisionForm.clean), and nobody's save silently
    replaces a newer one.
    """
    if values is None:
        values = {name: getattr(item, name) for name in DECISION_FIELDS}
        values["recused"] = list(item.recused.all()) if item.pk else []
    recorded = [values.get(name, getattr(item, name)) or "" for name in DECISION_FIELDS]
    recorded.append(sorted(getattr(m, "pk", m) for m in values.get("recused") or []))
    return hashlib.sha256(json.dumps(recorded, default=str).encode()).hexdigest()[:16]


def decision_problems(context, item, *, decision, votes, recused, override_reason):
    """{field: Russian message} for a decision that the protocol could not carry; empty when fine.

    `votes` is (for, against, abstained); `recused` the members abstaining for a conflict.
    The votes cannot exceed the members present; each recused member present is among those
    who abstained; awarding with reviews unfinished needs the override's reason.
    """
    problems = {}
    present = len(context.present)
    present_ids = {m.pk for m in context.present}
    if sum(votes) > present:
        problems["votes_for"] = ngettext(
            "%(votes)d votes are recorded, but only %(present)d member is present.",
            "%(votes)d votes are recorded, but only %(present)d members are present.",
            present,
        ) % {"votes": sum(votes), "present": present}
    recused_present = [m for m in recused if m.pk in present_ids]
    if len(recused_present) > votes[2]:
        problems["votes_abstained"] = _(
            "Members with a conflict of interest abstain (%(names)s): at least %(count)d must be recorded as abstained."
        ) % {"names": ", ".join(m.full_name for m in recused_present), "count": len(recused_present)}
    awards_status = item.application_id and item.application.call.purpose == Call.Purpose.STATUS
    if decision == AgendaItem.Decision.AWARD and awards_status:
        done, expected = context.progress.get(item.application_id, (0, 0))
        if expertise_unfinished((done, expected)) and not (override_reason or "").strip():
            problems["override_reason"] = _(
                "The expertise is not complete (%(done)d of %(expected)d reviews submitted): to award now, "
                "write why the council decides without waiting for it."
            ) % {"done": done, "expected": expected}
    return problems


@transaction.atomic
def record_decisions(meeting, formset, *, by, context=None, today=None):
    """Save the decisions and votes typed for the agenda.

    Members with a conflict of interest are always recorded as recused; an award decided
    before the reviews are in keeps how many were in. The meeting counts as held once a
    decision is recorded and its date has come.
    """
    _require_editable(meeting)
    context = context or DecisionContext.of(meeting)
    formset.save()
    # The rows of this form only (a page of the agenda): the others are nobody's business here.
    saved = [form.instance.pk for form in formset.forms if form.instance.pk]
    for item in meeting.agenda.filter(pk__in=saved).prefetch_related("recused"):
        automatic = context.conflicts.get(item.pk, set())
        if automatic - {m.pk for m in item.recused.all()}:
            item.recused.add(*automatic)
        progress = context.progress.get(item.application_id, (0, 0))
        override = (
            item.decision == AgendaItem.Decision.AWARD
            and item.override_reason.strip()
            and expertise_unfinished(progress)
        )
        done, expected = progress if override else (None, None)
        AgendaItem.objects.filter(pk=item.pk).update(
            override_reason=item.override_reason if override else "", reviews_done=done, reviews_expected=expected
        )
    today = today or timezone.localdate()
    if meeting.status == MStatus.DRAFT and meeting.date <= today and meeting.agenda.exclude(decision="").exists():
        set_meeting_status(meeting, MStatus.HELD, by=by)
    return meeting


@dataclass
class Applied:
    meeting: CouncilMeeting
    unreached: list  # institutions whose decision letter had nobody to go to


def answer_back_to_council(sender, *, application, **kwargs):
    """The receiver of applications.signals.back_to_council."""
    return back_on_agenda(application)


def back_on_agenda(application, today=None):
    """Put an application revised after a council's «return» back on that council's agenda.

    The meeting that returned it has applied its decisions and its protocol is closed, so the
    application goes to the council's next sitting, as an ИМЦ does it: the earliest meeting of
    the same council (same district and kind) that is still being prepared and not in the
    past. Returns the new AgendaItem, or None when no such meeting is scheduled yet (the
    application is in expertise, so the methodist adds it to the next meeting's agenda).
    """
    today = today or timezone.localdate()
    returned = (
        AgendaItem.objects.filter(
            application=application, decision=AgendaItem.Decision.RETURN, meeting__status=MStatus.APPLIED
        )
        .select_related("meeting")
        .order_by("-meeting__date", "-pk")
        .first()
    )
    if returned is None:
        return None
    council = returned.meeting
    following = (
        CouncilMeeting.objects.select_for_update()
        .filter(district_id=council.district_id, kind=council.kind, status=MStatus.DRAFT, date__gte=today)
        .order_by("date", "pk")
        .first()
    )
    if following is None:
        return None
    added = add_to_agenda(following, [application])
    return added[0] if added else following.agenda.filter(application=application).first()


@transaction.atomic
def apply_decisions(meeting, *, by, today=None):
    """Carry out every decision of the meeting at once.

    «Award» enters the status into the registry (a competition) or accepts the report/talk;
    «not award» records the refusal; «return» sends the application back to the coordinator
    (→ returned) with the council's remarks and fix-by date (two weeks when none was set);
    revised and resubmitted, it comes back to this council (see back_on_agenda). The
    coordinators of each institution are told the decision with its reasons; the reviews of
    decided applications are closed. All or nothing.

    Refused for a meeting dated in the future, and when a question's votes or override no
    longer hold (see decision_problems: attendance may have changed since). An institution
    without a coordinator account gets no letter: `by` is told so (a notification), and the
    result lists them for the page.
    """
    today = today or timezone.localdate()
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    if meeting.date > today:
        raise TransitionError(
            _("The meeting is on %(date)s: its decisions can be applied once it has been held.")
            % {"date": date_format(meeting.date, "j E Y")}
        )
    items = list(
        meeting.agenda.filter(application__isnull=False)
        .select_related("application__call__status_kind", "application__institution")
        .prefetch_related("recused")
    )
    if not items:
        raise TransitionError(_("The agenda has no applications to decide on."))
    undecided = [str(item.application.institution) for item in items if not item.decision]
    if undecided:
        raise TransitionError(_("No decision yet on: %s.") % ", ".join(undecided))
    context = DecisionContext.of(meeting, items)
    for item in items:
        problems = decision_problems(
            context,
            item,
            decision=item.decision,
            votes=(item.votes_for, item.votes_against, item.votes_abstained),
            recused=list(item.recused.all()),
            override_reason=item.override_reason,
        )
        if problems:
            raise TransitionError(f"{item.application.institution}: {' '.join(problems.values())}")
    body = f"{capfirst(meeting.get_kind_display())} ({meeting.district.centre_name or meeting.district})"
    Decision = AgendaItem.Decision
    unreached = []
    for item in items:
        application = (
            Application.objects.select_for_update().select_related("call", "institution").get(pk=item.application_id)
        )
        if application.state not in Application.IN_EXPERTISE:
            raise TransitionError(
                _("%(institution)s: the application is «%(state)s», not in expertise.")
                % {"institution": application.institution, "state": application.get_state_display()}
            )
        if not applications.coordinators_of(application.institution):
            unreached.append(application.institution)
        reason = item.reasons or item.get_decision_display()
        if item.decision == Decision.AWARD and application.call.purpose == Call.Purpose.STATUS:
            applications.award_status(
                application,
                by=by,
                decision_body=body[:300],
                protocol_number=meeting.number,
                decision_date=meeting.date,
                reason=reason,
            )
        elif item.decision in (Decision.AWARD, Decision.NOT_AWARD):
            applications.decide(application, awarded=item.decision == Decision.AWARD, reason=reason, by=by)
        else:
            applications.return_for_revision(
                application,
                by=by,
                remarks=reason,
                fix_by=item.fix_by or timezone.localdate() + REVISION_TIME,
                council=body,
            )
    freeze_reviews()
    set_meeting_status(meeting, MStatus.APPLIED, by=by, updates={"applied_by": by, "applied_at": timezone.now()})
    if unreached and by is not None:
        _tell_unreached(meeting, unreached, by)
    return Applied(meeting, unreached)


def undelivered_message(institutions):
    return _(
        "The decision letter could not be sent to %(names)s: no coordinator account. "
        "Tell them yourself, or give the institution a coordinator."
    ) % {"names": ", ".join(str(i) for i in institutions)}


def _tell_unreached(meeting, institutions, by):
    notify(
        [by],
        kind="expertise_letter_undelivered",
        obj=meeting,
        title=_("The council's decision was not sent: %s") % ", ".join(str(i) for i in institutions),
        body=undelivered_message(institutions),
        url=reverse("expertise:council", args=[meeting.pk]),
        context={"institution": ", ".join(str(i) for i in institutions)},
    )
