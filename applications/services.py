"""Every write that carries a rule: starting, submitting, checking, deciding, awarding.

Application states change only through `move()`, the one door (CONTRIBUTING.md, «State changes»): it
checks the move against `Application.workflow`, saves, writes an ApplicationEvent and tells the people
concerned by mail.
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
from innovation_portal.workflow import TransitionError
from innovation_portal.years import parse_period
from notifications.notify import notify

from . import selectors, signals
from .completeness import missing_items
from .models import (
    Application,
    ApplicationEvent,
    Call,
    Extension,
    StatusAward,
    TechnicalCheck,
)

State = Application.State
Role = RoleAssignment.Role

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
# --- who is told --------------------------------------------------------------------------


def coordinators_of(institution):
    return selectors_of_people.coordinators_of([institution.pk])


def _url(application):
    return reverse("applications:detail", args=[application.pk])


# --- the door -----------------------------------------------------------------------------


def move(application, to, *, by, reason="", updates=None, tell=(), title="", body="", snapshot=None):
    """Move an application to `to` (or raise TransitionError), log it and tell `tell` by mail.

    `snapshot` (see snapshot_of) is kept on the history entry: what was handed in.
    """
    extra = {} if snapshot is None else {"snapshot": snapshot}
    with transaction.atomic():
        Application.workflow.move(
            application,
            to,
            by=by,
            reason=reason,
            updates=updates,
            history=ApplicationEvent.writer(application=lambda obj: obj, **extra),
        )
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


# The door's former name; kept for callers elsewhere.
set_state = move


# --- coordinators -------------------------------------------------------------------------


@transaction.atomic
def start_application(call, institution, *, by, copy_from=None, now=None):
    """Open a draft for the institution, its details taken from the institution's card.

    With `copy_from` (one of the institution's earlier applications, see earlier_applications),
    that application fills it: fields, tables and files (copy_into).
    """
    now = now or timezone.now()
    if not call.is_published or now < call.opens_at:
        raise TransitionError(_("This call is not accepting applications yet."))
    if now > selectors.deadline_for(call, institution):
        raise TransitionError(_("The deadline of this call has passed."))
    if institution.pk not in selectors.eligible_institution_ids(call):
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
    if copy_from is not None:
        copy_into(application, copy_from, by=by)
    return application


def earlier_applications(application):
    """The institution's other applications, any call and any state, withdrawn ones included; newest first."""
    return selectors.earlier_applications([application.institution_id]).exclude(pk=application.pk)


def last_application_of(application):
    return earlier_applications(application).first()


def copy_from_last(application, *, by):
    """copy_into() from the institution's latest other application; None when there is none."""
    _require_editable(application)
    source = last_application_of(application)
    return None if source is None else copy_into(application, source, by=by)


@transaction.atomic
def copy_into(application, source, *, by):
    """Fill an editable application from an earlier one of its institution: fields, tables, files.

    Only what is empty is filled (a field, a table without rows, a kind of file not attached
    yet), so nothing already typed is overwritten. Each file is copied into a new stored file,
    so removing it from one application leaves the other's. Returns `source`.
    """
    from django.core.files.base import ContentFile

    from .models import Attachment

    if not application.is_editable:
        raise TransitionError(_("Only a draft or a returned application can be changed."))
    if source.pk == application.pk or source.institution_id != application.institution_id:
        raise TransitionError(_("Choose one of your institution's earlier applications to copy from."))
    changed = []
    for name in COPIED_FIELDS:
        attr = f"{name}_id" if name == "district_programme" else name
        if getattr(application, attr) in (None, "") and getattr(source, attr) not in (None, ""):
            setattr(application, attr, getattr(source, attr))
            changed.append(attr)
    application.revision += 1  # an open editor must not overwrite what was copied in
    application.save(update_fields=[*changed, "updated_at", "revision"])
    for model, fields in selectors.ROW_MODELS.values():
        if model.objects.filter(application=application).exists():
            continue
        model.objects.bulk_create(
            model(application=application, **{f: getattr(row, f) for f in fields})
            for row in model.objects.filter(application=source)
        )
    present = set(application.attachments.values_list("kind", flat=True))
    for old in source.attachments.exclude(kind__in=present):
        copy = Attachment(
            application=application,
            kind=old.kind,
            original_name=old.original_name,
            size=old.size,
            video_url=old.video_url,
            duration_seconds=old.duration_seconds,
            uploaded_by=by,
        )
        if old.file:
            try:
                with old.file.open("rb") as stored:
                    content = stored.read()
            except FileNotFoundError:
                continue  # lost from the storage: nothing to copy
            copy.file.save(old.original_name or old.file.name.rsplit("/", 1)[-1], ContentFile(content), save=False)
        copy.save()
    return source


def submit(application, *, by, now=None):
    """Hand in a draft (→ submitted) or a corrected application (→ resubmitted).

    Refused after the deadline (the call's, an extension's or the fix-by date) and while
    anything required is missing. Mails the coordinators and the district's methodists.
    An application a council returned for revision goes back to expertise instead (its
    technical check was passed) and onto that council's agenda: see resubmit_to_council().
    """
    now = now or timezone.now()
    if application.state not in Application.EDITABLE:
        raise TransitionError(_("This application has already been submitted."))
    deadline = selectors.submission_deadline(application)
    if now > deadline:
        raise TransitionError(
            _(
                "The deadline (%(deadline)s, Moscow time) has passed: the submission reached the portal at "
                "%(arrived)s and the application can no longer be submitted. Everything you typed is saved; "
                "ask the methodology centre for an extension."
            )
            % {
                "deadline": date_format(timezone.localtime(deadline), "j E Y, H:i:s"),
                "arrived": date_format(timezone.localtime(now), "H:i:s"),
            }
        )
    missing = missing_items(application)
    if missing:
        raise TransitionError(_("The application is not complete: %s") % " ".join(m.text for m in missing[:10]))
    if application.state == State.RETURNED and application.back_to_council:
        return resubmit_to_council(application, by=by, now=now)
    call = application.call
    snapshot = snapshot_of(application)
    tell = [*coordinators_of(application.institution), *methodists_of(call.district_id)]
    names = {"institution": application.institution, "call": call}
    if application.state == State.DRAFT and application.submitted_at:
        # Taken back for correction (take_back) and handed in again: the methodists see what changed.
        previous = selectors.last_snapshot(application)
        changes = selectors.snapshot_changes(call, previous, snapshot) if previous else []
        listed = "\n".join(f"— {line}" for line in changes) or _("Nothing in the fields and tables changed.")
        return move(
            application,
            State.RESUBMITTED,
            by=by,
            reason=_("Submitted again after correction"),
            updates={"submitted_at": now},
            snapshot=snapshot,
            tell=tell,
            title=_("Application resubmitted: %(institution)s, «%(call)s»") % names,
            body=_("The corrected application waits for the technical check. What changed:") + "\n" + listed,
        )
    to = State.RESUBMITTED if application.state == State.RETURNED else State.SUBMITTED
    return move(
        application,
        to,
        by=by,
        updates={"submitted_at": now},
        snapshot=snapshot,
        tell=tell,
        title=_("Application submitted: %(institution)s, «%(call)s»") % names,
        body=_("The application has been received by the methodology centre and waits for the technical check."),
    )


def take_back_refusal(application, now=None):
    """Why the application cannot be taken back for correction now, or None when it can.

    Only a handed-in application waiting for its first technical check (submitted, or
    resubmitted after an earlier take-back: no TechnicalCheck recorded) and only until the
    institution's deadline (the call's or its extension's). Once a methodist has checked it,
    corrections go through «returned for correction» instead.
    """
    now = now or timezone.now()
    if application.state not in Application.WAITING_CHECK or application.technical_checks.exists():
        return _("Only an application waiting for its first technical check can be taken back for correction.")
    deadline = selectors.deadline_for(application.call, application.institution)
    if now > deadline:
        return _(
            "The deadline (%(deadline)s) has passed: the application can no longer be taken back for correction."
        ) % {"deadline": date_format(timezone.localtime(deadline), "j E Y, H:i")}
    return None


def take_back(application, *, by, reason="", now=None):
    """«Забрать на исправление»: a handed-in application back to a draft with everything in it.

    See take_back_refusal() for when; submitting again makes it «resubmitted». The methodists
    are told (it leaves their queue until then).
    """
    refusal = take_back_refusal(application, now)
    if refusal:
        raise TransitionError(refusal)
    return move(
        application,
        State.DRAFT,
        by=by,
        reason=reason or _("Taken back for correction"),
        tell=[*coordinators_of(application.institution), *methodists_of(application.call.district_id)],
        title=_("Application taken back for correction: %(institution)s, «%(call)s»")
        % {"institution": application.institution, "call": application.call},
        body=_("The coordinator corrects the application and will submit it again by the deadline."),
    )


def snapshot_of(application):
    """The application's fields, table rows and files as handed in (kept on the history entry)."""
    fields = {}
    for name in COPIED_FIELDS:
        value = getattr(application, name)
        fields[name] = "" if value is None else str(value)
    tables = {}
    for key, (model, columns) in selectors.ROW_MODELS.items():
        shown = [c for c in columns if c != "order"]
        tables[key] = [
            " · ".join(str(getattr(row, c)) for c in shown if getattr(row, c) not in (None, ""))
            for row in model.objects.filter(application=application).order_by(*model._meta.ordering)
        ]
    files = [
        f"{a.get_kind_display()}: {a.original_name or a.video_url}"
        for a in application.attachments.order_by("kind", "pk")
    ]
    return {"fields": fields, "tables": tables, "files": files}


@transaction.atomic
def resubmit_to_council(application, *, by, now):
    """A revised application a council returned: → under expertise, back on the council's agenda.

    The agenda is the expertise's: it answers the `back_to_council` signal (expertise builds on
    applications, not the reverse) with the agenda item it made, or None; the coordinators and
    the methodists are told where the application is now.
    """

    call = application.call
    move(
        application,
        State.UNDER_EXPERTISE,
        by=by,
        reason=_("Revised after the council's remarks"),
        updates={"submitted_at": now, "back_to_council": False},
        snapshot=snapshot_of(application),
    )
    answers = [item for _receiver, item in signals.back_to_council.send(sender=Application, application=application)]
    item = next((answer for answer in answers if answer is not None), None)
    if item is not None:
        where = _("It is on the agenda of %(meeting)s.") % {"meeting": item.meeting}
    else:
        where = _("It waits for the next meeting of the council: put it on that meeting's agenda.")
    notify(
        [*coordinators_of(application.institution), *methodists_of(call.district_id)],
        kind="application_back_to_council",
        title=_("Revised application submitted to the council: %(institution)s, «%(call)s»")
        % {"institution": application.institution, "call": call},
        body=_("The application revised after the council's remarks goes back to the council.") + " " + where,
        url=_url(application),
    )
    return application


def return_for_revision(application, *, by, remarks, fix_by, council=""):
    """A council returns an application it has in expertise for revision (→ returned).

    The council's remarks and fix-by date are kept on the application and mailed to the
    coordinators, who edit it and submit it again by that date; it then goes back to the
    council (see submit()). `council` names it in the letter.
    """
    if not remarks.strip():
        raise TransitionError(_("Write the remarks the coordinator has to fix."))
    if fix_by is None or fix_by < timezone.localdate():
        raise TransitionError(_("Give a fix-by date that is not in the past."))
    return move(
        application,
        State.RETURNED,
        by=by,
        reason=remarks,
        updates={"remarks": remarks, "fix_by": fix_by, "back_to_council": True},
        tell=coordinators_of(application.institution),
        title=_("The council returns the application for revision: «%s»") % application.call,
        body=_(
            "%(council)s returns the application for revision.\nRemarks: %(remarks)s\n"
            "Revise the application and submit it again by %(date)s: it will go back to the council."
        )
        % {"council": council or _("The council"), "remarks": remarks, "date": date_format(fix_by, "j E Y")},
    )


def withdraw(application, *, by, reason=""):
    """The coordinator takes the application back; the methodists are told if it was handed in."""
    tell = coordinators_of(application.institution)
    if application.state != State.DRAFT:
        tell += methodists_of(application.call.district_id)
    return move(
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
        move(
            application,
            State.ADMITTED,
            by=by,
            reason=remarks,
            updates={"remarks": "", "fix_by": None, "back_to_council": False},
            tell=coordinators_of(application.institution),
            title=_("Application admitted to expertise: «%s»") % application.call,
            body=_("The technical check is passed; the application goes to the content expertise."),
        )
    else:
        if not remarks.strip():
            raise TransitionError(_("Write the remarks the coordinator has to fix."))
        if fix_by is None or fix_by < timezone.localdate():
            raise TransitionError(_("Give a fix-by date that is not in the past."))
        move(
            application,
            State.RETURNED,
            by=by,
            reason=remarks,
            updates={"remarks": remarks, "fix_by": fix_by, "back_to_council": False},
            tell=coordinators_of(application.institution),
            title=_("Application returned for correction: «%s»") % application.call,
            body=_(
                "The technical check found what has to be fixed in the application.\nRemarks: %(remarks)s\n"
                "Fix the application and submit it again by %(date)s."
            )
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
    return move(application, State.UNDER_EXPERTISE, by=by)


def decide(application, *, awarded, reason="", by):
    """The council's decision on an application; the coordinators are told with the reasons."""
    to = State.AWARDED if awarded else State.NOT_AWARDED
    return move(
        application,
        to,
        by=by,
        reason=reason,
        tell=coordinators_of(application.institution),
        title=_("Decision on the application «%(call)s»: %(state)s")
        % {"call": application.call, "state": Application.State(to).label},
        body=_decision_text(application, awarded, reason),
    )


def _decision_text(application, awarded, reason):
    """The decision in full sentences, with its reasons (what a coordinator reads in the letter)."""
    names = {"institution": application.institution, "call": application.call}
    text = (
        _("The council has decided to award %(institution)s the status of the call «%(call)s».")
        if awarded
        else _("The council has decided not to award %(institution)s the status of the call «%(call)s».")
    ) % names
    if reason.strip():
        text += "\n" + _("Reasons: %(reason)s") % {"reason": reason.strip()}
    return text


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
        body=_(
            "The deadline of the call «%(call)s» is extended for %(institution)s until %(until)s. Submit the application by then."
        )
        % {"call": call, "institution": institution, "until": date_format(timezone.localtime(until), "j E Y, H:i")},
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
def save_draft(application, *, form, formsets=None, answers=None, based_on=None, by=None, fields=None):
    """Save what the coordinator typed: the fields, the tables and the answers (all optional).

    `based_on` is the revision the page was loaded at: when the application has been saved
    since (another tab, another coordinator), nothing is written and `EditConflict` is raised
    with what is stored now. `fields` limits the fields written (an autosave leaves out the
    ones with errors). Returns {table key: [row id per form]} for the tables saved.
    """
    from .conflicts import EditConflict
    from .forms import save_formset
    from .models import Answer

    # Lock the row and check the state the database has, not the copy this request loaded:
    # an autosave still in flight when the coordinator pressed «Submit» must not write the
    # old «draft» state back over the submission.
    current = type(application).objects.select_for_update().only("state", "revision").get(pk=application.pk)
    _require_editable(current)
    if based_on is not None and based_on != current.revision:
        raise EditConflict(type(application).objects.select_related("saved_by").get(pk=application.pk))
    names = list(form.fields) if fields is None else [name for name in fields if name in form.fields]
    construct_instance(form, application, fields=names)
    application.state = current.state
    application.revision = current.revision + 1
    application.saved_by = by if by is not None else application.saved_by
    application.save(update_fields=[*_model_fields(application, names), "updated_at", "revision", "saved_by"])
    saved = {}
    for key, formset in (formsets or {}).items():
        saved[key] = save_formset(key, formset)
    for question, (value, upload) in (answers or {}).items():
        answer, _created = Answer.objects.get_or_create(application=application, question=question)
        if upload is not None:
            answer.file = upload
            answer.original_name = upload.name[-255:]
            answer.save(update_fields=["file", "original_name"])
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])
    return saved


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


def remove_attachments(application, pks):
    """Remove the application's attachments with these ids (others' and unknown ids are ignored).

    The editor removes a file in the browser first and sends the ids later (when the undo
    window closes, with the form's save, or on leaving the page), so an id may come twice.
    Returns the ids removed.
    """
    from .models import Attachment

    _require_editable(application)
    wanted = [int(pk) for pk in pks if str(pk).isdigit()]
    removed = []
    with transaction.atomic():
        for attachment in Attachment.objects.filter(application=application, pk__in=wanted):
            removed.append(attachment.pk)
            remove_attachment(attachment)
    # The editor may hold the attachments prefetched (selectors.with_contents).
    getattr(application, "_prefetched_objects_cache", {}).pop("attachments", None)
    return removed


# --- extension requests -------------------------------------------------------------------


@transaction.atomic
def request_extension(call, institution, *, by, reason, now=None):
    """A coordinator asks the methodists, after the deadline, for a later one; they are mailed.

    Refused before the deadline, without a reason, and while an earlier request waits.
    """
    from .models import ExtensionRequest

    now = now or timezone.now()
    if not reason.strip():
        raise TransitionError(_("Write why you need more time."))
    if now <= selectors.deadline_for(call, institution):
        raise TransitionError(_("The deadline has not passed yet: submit the application."))
    pending = ExtensionRequest.objects.filter(call=call, institution=institution, state=ExtensionRequest.State.PENDING)
    if pending.exists():
        raise TransitionError(_("Your request is already waiting for the methodology centre's answer."))
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                call=call, institution=institution, requested_by=by, reason=reason
            )
    except IntegrityError:
        raise TransitionError(_("Your request is already waiting for the methodology centre's answer.")) from None
    notify(
        methodists_of(call.district_id),
        kind="call_extension_request",
        title=_("Extension requested: %(institution)s, «%(call)s»") % {"institution": institution, "call": call},
        body=_(
            "%(institution)s asks for a later deadline of the call «%(call)s».\nReason: %(reason)s\nGrant or refuse the request on its page."
        )
        % {"institution": institution, "call": call, "reason": reason},
        url=reverse("applications:extension_request", args=[request.pk]),
    )
    return request


@transaction.atomic
def decide_extension_request(request, *, by, grant, until=None, answer=""):
    """Grant (an Extension until `until`, see grant_extension) or refuse (with a reason) a pending request.

    The coordinators are mailed either way.
    """
    from .models import ExtensionRequest

    R = ExtensionRequest.State
    if not grant and not answer.strip():
        raise TransitionError(_("Write why the extension is refused."))
    if grant and until is None:
        raise TransitionError(_("Give the date until which the deadline is extended."))
    to = R.GRANTED if grant else R.REFUSED
    now = timezone.now()
    changed = ExtensionRequest.objects.filter(pk=request.pk, state=R.PENDING).update(
        state=to, decided_by=by, decided_at=now, answer=answer
    )
    if changed != 1:
        raise TransitionError(_("This request has already been answered."))
    request.state, request.decided_by, request.decided_at, request.answer = to, by, now, answer
    if grant:
        grant_extension(request.call, request.institution, until=until, by=by, reason=answer or request.reason)
    else:
        notify(
            coordinators_of(request.institution),
            kind="call_extension_refused",
            title=_("Extension refused: «%s»") % request.call,
            body=_("Your request for a later deadline of the call «%(call)s» is refused.\nReason: %(answer)s")
            % {"call": request.call, "answer": answer},
            url=reverse("applications:call", args=[request.call_id]),
        )
    return request
