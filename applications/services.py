"""Every write that carries a rule: starting, submitting, checking, deciding, awarding.

Application states change only through `set_state()`, the one door (see STYLE.md): it checks
the move, saves, writes an ApplicationEvent and tells the people concerned by mail.
"""

import datetime

from django.db import IntegrityError, transaction
from django.forms.models import construct_instance
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import selectors as selectors_of_people
from accounts.models import RoleAssignment
from accounts.selectors import methodists_of
from innovation_portal.workflow import TransitionError, transition
from innovation_portal.years import parse_period
from notifications.notify import notify

from .completeness import missing_items
from .models import (
    Application,
    ApplicationEvent,
    Call,
    ExperienceRow,
    Extension,
    RoadmapEvent,
    SourceRow,
    StaffRow,
    StatusAward,
    TechnicalCheck,
)

State = Application.State
Role = RoleAssignment.Role

ALLOWED = {
    State.SUBMITTED: {State.DRAFT},
    State.RETURNED: {State.SUBMITTED, State.RESUBMITTED},
    State.RESUBMITTED: {State.RETURNED},
    State.ADMITTED: {State.SUBMITTED, State.RESUBMITTED},
    State.UNDER_EXPERTISE: {State.ADMITTED},
    State.AWARDED: {State.ADMITTED, State.UNDER_EXPERTISE},
    State.NOT_AWARDED: {State.ADMITTED, State.UNDER_EXPERTISE},
    State.WITHDRAWN: {State.DRAFT, State.SUBMITTED, State.RETURNED, State.RESUBMITTED, State.ADMITTED},
}

# The fields an application takes from its institution when it is started.
SNAPSHOT = {
    "org_full_name": "full_name",
    "org_legal_address": "legal_address",
    "org_phone": "phone",
    "org_email": "email",
    "org_website": "website",
}
COPIED_FIELDS = [
    "theme",
    "org_full_name",
    "org_legal_address",
    "org_head",
    "org_phone",
    "org_email",
    "org_website",
    "manager_name",
    "manager_position",
    "manager_phone",
    "manager_email",
    "practice_url",
    "programme_name",
    "district_programme",
    "goal",
    "relevance",
    "consumers",
    "difficulties",
    "immersion",
    "hours",
    "planned_results",
    "ways",
    "demand_forecast",
    "effectiveness",
    "summary",
    "speakers",
]
ROW_MODELS = {
    "experience": (ExperienceRow, ["order", "project", "years", "works"]),
    "staff": (StaffRow, ["order", "full_name", "position", "degree", "works"]),
    "sources": (SourceRow, ["order", "title", "annotation"]),
    "roadmap": (RoadmapEvent, ["order", "section", "name", "timeframe", "audience", "planned_result"]),
}


# --- who is told --------------------------------------------------------------------------


def coordinators_of(institution):
    return selectors_of_people.coordinators_of([institution.pk])


def _url(application):
    return reverse("applications:detail", args=[application.pk])


# --- the door -----------------------------------------------------------------------------


def set_state(application, to, *, by, reason="", updates=None, tell=(), title="", body=""):
    """Move an application to `to` (or raise TransitionError), log it and tell `tell` by mail."""

    def history(obj, from_state, to_state, user, why):
        ApplicationEvent.objects.create(application=obj, by=user, from_state=from_state, to_state=to_state, reason=why)

    with transaction.atomic():
        transition(application, to, allowed=ALLOWED, by=by, reason=reason, history=history, updates=updates)
        if tell:
            notify(
                tell,
                kind=f"application_{to}",
                obj=application,
                title=title
                or _("Application «%(call)s»: %(state)s")
                % {"call": application.call, "state": application.get_state_display()},
                body=body,
                url=_url(application),
            )
    return application


# --- deadlines ----------------------------------------------------------------------------


def deadline_for(call, institution):
    """The moment after which this institution can no longer submit to the call."""
    extension = Extension.objects.filter(call=call, institution=institution).values_list("until", flat=True).first()
    return max(call.closes_at, extension) if extension else call.closes_at


def end_of_day(day):
    """The last moment of a day in Moscow: a fix-by date includes the whole day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def submission_deadline(application):
    if application.state == State.RETURNED and application.fix_by:
        return end_of_day(application.fix_by)
    return deadline_for(application.call, application.institution)


def eligible_institution_ids(call):
    """Institutions that may apply: the district's, and for annual reports its current sites of the kind."""
    from accounts.models import Institution

    institutions = Institution.objects.filter(district_id=call.district_id, is_active=True)
    if call.purpose == Call.Purpose.ANNUAL_REPORT:
        current = StatusAward.objects.current().filter(status_kind_id=call.status_kind_id)
        institutions = institutions.filter(pk__in=current.values("institution_id"))
    return set(institutions.values_list("pk", flat=True))


# --- coordinators -------------------------------------------------------------------------


@transaction.atomic
def start_application(call, institution, *, by, copy_last=False, now=None):
    """Open a draft for the institution, its details taken from the institution's card.

    With `copy_last`, the institution's previous application fills it (fields and tables).
    """
    now = now or timezone.now()
    if not call.is_published or now < call.opens_at:
        raise TransitionError(_("This call is not accepting applications yet."))
    if now > deadline_for(call, institution):
        raise TransitionError(_("The deadline of this call has passed."))
    if institution.pk not in eligible_institution_ids(call):
        raise TransitionError(_("Your institution cannot apply to this call."))
    existing = Application.objects.filter(call=call, institution=institution).exclude(state=State.WITHDRAWN).first()
    if existing is not None:
        raise TransitionError(_("Your institution already has an application to this call."))
    application = Application(call=call, institution=institution, created_by=by)
    for field, source in SNAPSHOT.items():
        setattr(application, field, getattr(institution, source))
    application.org_head = " ".join(p for p in (institution.head_position, institution.head_name) if p)
    application.manager_name = by.full_name
    application.manager_position = by.position
    application.manager_email = by.email
    application.manager_phone = by.phone
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise TransitionError(_("Your institution already has an application to this call.")) from None
    ApplicationEvent.objects.create(
        application=application, by=by, from_state=State.DRAFT, to_state=State.DRAFT, reason=_("Draft started")
    )
    if copy_last:
        copy_from_last(application, by=by)
    return application


def last_application_of(application):
    return (
        Application.objects.filter(institution_id=application.institution_id)
        .exclude(pk=application.pk)
        .exclude(state=State.WITHDRAWN)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def copy_from_last(application, *, by):
    """Fill an editable application from the institution's previous one.

    Only what is empty is filled (a field, or a table without rows), so nothing already
    typed is overwritten. Returns the application copied from, or None when there is none.
    """
    if not application.is_editable:
        raise TransitionError(_("Only a draft or a returned application can be changed."))
    source = last_application_of(application)
    if source is None:
        return None
    changed = []
    for name in COPIED_FIELDS:
        attr = f"{name}_id" if name == "district_programme" else name
        if getattr(application, attr) in (None, "") and getattr(source, attr) not in (None, ""):
            setattr(application, attr, getattr(source, attr))
            changed.append(attr)
    if changed:
        application.save(update_fields=[*changed, "updated_at"])
    for model, fields in ROW_MODELS.values():
        if model.objects.filter(application=application).exists():
            continue
        model.objects.bulk_create(
            model(application=application, **{f: getattr(row, f) for f in fields})
            for row in model.objects.filter(application=source)
        )
    return source


def submit(application, *, by, now=None):
    """Hand in a draft (→ submitted) or a corrected application (→ resubmitted).

    Refused after the deadline (the call's, an extension's or the fix-by date) and while
    anything required is missing. Mails the coordinators and the district's methodists.
    """
    now = now or timezone.now()
    if application.state not in Application.EDITABLE:
        raise TransitionError(_("This application has already been submitted."))
    deadline = submission_deadline(application)
    if now > deadline:
        raise TransitionError(
            _(
                "The deadline (%(deadline)s) has passed: the application can no longer be submitted. "
                "Everything you typed is saved; ask the methodology centre for an extension."
            )
            % {"deadline": date_format(timezone.localtime(deadline), "j E Y, H:i")}
        )
    missing = missing_items(application)
    if missing:
        raise TransitionError(_("The application is not complete: %s") % " ".join(m.text for m in missing[:10]))
    to = State.RESUBMITTED if application.state == State.RETURNED else State.SUBMITTED
    call = application.call
    return set_state(
        application,
        to,
        by=by,
        updates={"submitted_at": now},
        tell=[*coordinators_of(application.institution), *methodists_of(call.district_id)],
        title=_("Application submitted: %(institution)s, «%(call)s»")
        % {"institution": application.institution, "call": call},
        body=_("The application has been received by the methodology centre and waits for the technical check."),
    )


def withdraw(application, *, by, reason=""):
    """The coordinator takes the application back; the methodists are told if it was handed in."""
    tell = coordinators_of(application.institution)
    if application.state != State.DRAFT:
        tell += methodists_of(application.call.district_id)
    return set_state(
        application,
        State.WITHDRAWN,
        by=by,
        reason=reason,
        tell=tell,
        title=_("Application withdrawn: %(institution)s, «%(call)s»")
        % {"institution": application.institution, "call": application.call},
        body=reason,
    )


# --- methodists ---------------------------------------------------------------------------


@transaction.atomic
def technical_check(application, *, by, admit, results, remarks="", fix_by=None):
    """Record a technical check and either admit the application or return it with remarks.

    Returning needs remarks and a fix-by date; the coordinators get both by mail.
    """
    if admit:
        set_state(
            application,
            State.ADMITTED,
            by=by,
            reason=remarks,
            updates={"remarks": "", "fix_by": None},
            tell=coordinators_of(application.institution),
            title=_("Application admitted to expertise: «%s»") % application.call,
            body=_("The technical check is passed; the application goes to the content expertise."),
        )
    else:
        if not remarks.strip():
            raise TransitionError(_("Write the remarks the coordinator has to fix."))
        if fix_by is None or fix_by < timezone.localdate():
            raise TransitionError(_("Give a fix-by date that is not in the past."))
        set_state(
            application,
            State.RETURNED,
            by=by,
            reason=remarks,
            updates={"remarks": remarks, "fix_by": fix_by},
            tell=coordinators_of(application.institution),
            title=_("Application returned for correction: «%s»") % application.call,
            body=_("Remarks: %(remarks)s\nFix and submit again by %(date)s.")
            % {"remarks": remarks, "date": date_format(fix_by, "j E Y")},
        )
    return TechnicalCheck.objects.create(
        application=application,
        by=by,
        results=results,
        remarks=remarks,
        outcome=TechnicalCheck.Outcome.ADMITTED if admit else TechnicalCheck.Outcome.RETURNED,
    )


def start_expertise(application, *, by):
    """Admitted → under expertise (issue 5 calls this when experts are assigned); no mail."""
    return set_state(application, State.UNDER_EXPERTISE, by=by)


def decide(application, *, awarded, reason="", by):
    """The council's decision on an application; the coordinators are told with the reasons."""
    to = State.AWARDED if awarded else State.NOT_AWARDED
    return set_state(
        application,
        to,
        by=by,
        reason=reason,
        tell=coordinators_of(application.institution),
        title=_("Decision on the application «%(call)s»: %(state)s")
        % {"call": application.call, "state": Application.State(to).label},
        body=reason,
    )


def award_period(call, decision_date=None):
    """From 1 September of the call's academic year for the status kind's usual term."""
    start = parse_period(call.academic_year).start
    term = call.status_kind.term_years if call.status_kind_id else 1
    return start, datetime.date(start.year + term, 8, 31)


@transaction.atomic
def award_status(
    application,
    *,
    by,
    decision_body="",
    protocol_number="",
    decision_date=None,
    reason="",
    valid_from=None,
    valid_to=None,
):
    """Decide in favour and enter the status into the registry.

    Used by the council (issue 5). The period defaults to the call's academic year for the
    status kind's usual term. Returns the StatusAward.
    """
    call = application.call
    if call.purpose != Call.Purpose.STATUS or not call.status_kind_id:
        raise TransitionError(_("Only a competition for a status awards a status."))
    decide(application, awarded=True, reason=reason, by=by)
    default_from, default_to = award_period(call)
    return StatusAward.objects.create(
        institution=application.institution,
        status_kind=call.status_kind,
        theme=application.theme or call.title,
        valid_from=valid_from or default_from,
        valid_to=valid_to or default_to,
        decision_body=decision_body,
        protocol_number=protocol_number,
        decision_date=decision_date or timezone.localdate(),
        application=application,
        created_by=by,
    )


@transaction.atomic
def grant_extension(call, institution, *, until, by, reason=""):
    """Give one institution a later deadline for the call; its coordinators are told."""
    if until <= call.closes_at:
        raise TransitionError(_("An extension must end after the call's deadline."))
    if institution.district_id != call.district_id:
        raise TransitionError(_("The institution belongs to another district."))
    extension, _created = Extension.objects.update_or_create(
        call=call, institution=institution, defaults={"until": until, "reason": reason, "granted_by": by}
    )
    notify(
        coordinators_of(institution),
        kind="call_extension",
        obj=call,
        title=_("Deadline extended: «%s»") % call,
        body=_("You may submit until %s.") % date_format(timezone.localtime(until), "j E Y, H:i"),
        url=reverse("applications:call", args=[call.pk]),
    )
    return extension


# --- the editor ---------------------------------------------------------------------------


def _model_fields(instance, names):
    concrete = {f.name for f in instance._meta.concrete_fields}
    return [name for name in names if name in concrete]


def _require_editable(application):
    if not application.is_editable:
        raise TransitionError(_("Only a draft or a returned application can be changed."))


@transaction.atomic
def save_draft(application, *, form, formsets=None, answers=None):
    """Save what the coordinator typed: the fields, the tables and the answers (all optional)."""
    from .forms import save_formset
    from .models import Answer

    # Lock the row and check the state the database has, not the copy this request loaded:
    # an autosave still in flight when the coordinator pressed «Submit» must not write the
    # old «draft» state back over the submission.
    current = type(application).objects.select_for_update().only("state").get(pk=application.pk)
    _require_editable(current)
    construct_instance(form, application, fields=list(form.fields))
    application.state = current.state
    application.save(update_fields=[*_model_fields(application, form.fields), "updated_at"])
    for key, formset in (formsets or {}).items():
        save_formset(key, formset)
    for question, (value, upload) in (answers or {}).items():
        answer, _created = Answer.objects.get_or_create(application=application, question=question)
        if upload is not None:
            answer.file = upload
            answer.original_name = upload.name[-255:]
            answer.save(update_fields=["file", "original_name"])
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
    return application


def add_attachment(application, *, kind, by, upload=None, video_url="", duration=None):
    """Attach a checked file (or a video link). A second video replaces the first."""
    from .models import Attachment

    _require_editable(application)
    with transaction.atomic():
        if kind == Attachment.Kind.VIDEO:
            for old in application.attachments.filter(kind=kind):
                remove_attachment(old)
        attachment = Attachment(application=application, kind=kind, uploaded_by=by, video_url=video_url or "")
        if upload is not None:
            attachment.file = upload
            attachment.original_name = upload.name[-255:]
            attachment.size = upload.size
            attachment.duration_seconds = duration
        attachment.save()
    return attachment


def remove_attachment(attachment):
    _require_editable(attachment.application)
    stored = attachment.file.name if attachment.file else None
    storage = attachment.file.storage if attachment.file else None
    attachment.delete()
    if stored:
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(stored))
