"""Setting a call up without a programmer: the order of its stages, publishing it, copying it to next year.

A call made in the back office starts unpublished; `publish` refuses it while something a
coordinator or an expert will need is missing (`missing_for_publication` lists it, in
Russian). `copy_to_next_year` makes next year's draft of a call with everything it was set
up with — criteria, checklist, questions, rules files (as copies of the files), the form and
the expertise settings — and every date a year later.
"""

import datetime
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from innovation_portal.workflow import TransitionError
from innovation_portal.years import parse_period

from .models import Call

# The stages in the order they must come: (field, its name as the subject of the message, as what it follows).
# Russian declines them differently («Техническая экспертиза … не может быть раньше окончания приёма заявок»).
STAGES = (
    (
        "closes_at",
        pgettext_lazy("stage named", "The submission deadline"),
        pgettext_lazy("stage after", "the submission deadline"),
    ),
    (
        "technical_check_date",
        pgettext_lazy("stage named", "The technical check"),
        pgettext_lazy("stage after", "the technical check"),
    ),
    (
        "expertise_starts",
        pgettext_lazy("stage named", "The start of the content expertise"),
        pgettext_lazy("stage after", "the start of the content expertise"),
    ),
    (
        "expertise_ends",
        pgettext_lazy("stage named", "The end of the content expertise"),
        pgettext_lazy("stage after", "the end of the content expertise"),
    ),
    ("decision_date", pgettext_lazy("stage named", "The decision"), pgettext_lazy("stage after", "the decision")),
)
DATE_FIELDS = (
    "opens_at",
    "closes_at",
    "technical_check_date",
    "expertise_starts",
    "expertise_ends",
    "presentation_date",
    "decision_date",
)
# Purposes whose applications are scored by experts against criteria.
SCORED = {Call.Purpose.STATUS, Call.Purpose.ANNUAL_REPORT}


def _day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _named(value):
    return date_format(_day(value), "j E Y")


def stage_order_errors(call):
    """{field: Russian message} for each stage dated before the stage that must come first.

    A stage left empty is skipped: the next one is compared with the last one given. The
    presentation falls between the start of the expertise (or the technical check) and the decision.
    """
    errors = {}
    previous = None
    for name, named, after in STAGES:
        value = getattr(call, name)
        if value is None:
            continue
        if previous is not None and _day(value) < _day(previous[1]):
            errors[name] = _("%(stage)s (%(date)s) cannot come before %(earlier)s (%(earlier_date)s).") % {
                "stage": named,
                "date": _named(value),
                "earlier": previous[0],
                "earlier_date": _named(previous[1]),
            }
        previous = (after, value)
    if call.presentation_date:
        after = call.expertise_starts or call.technical_check_date or call.closes_at
        if after and call.presentation_date < _day(after):
            errors["presentation_date"] = _("The public presentation (%(date)s) cannot come before %(when)s.") % {
                "date": _named(call.presentation_date),
                "when": _named(after),
            }
        elif call.decision_date and call.presentation_date > call.decision_date:
            errors["presentation_date"] = _(
                "The public presentation (%(date)s) cannot come after the decision (%(when)s)."
            ) % {
                "date": _named(call.presentation_date),
                "when": _named(call.decision_date),
            }
    return errors


def missing_for_publication(call, now=None):
    """What the call still lacks before coordinators may see it: Russian sentences, empty when ready."""
    now = now or timezone.now()
    missing = []
    if call.purpose in SCORED and not call.criteria.exists():
        missing.append(_("Add the criteria the experts will score the applications by."))
    if not call.checklist.exists():
        missing.append(_("Add the items of the technical checklist."))
    if call.purpose in SCORED:
        for name, text in (
            ("technical_check_date", _("Give the date of the technical check.")),
            ("expertise_starts", _("Give the start of the content expertise.")),
            ("expertise_ends", _("Give the end of the content expertise.")),
        ):
            if getattr(call, name) is None:
                missing.append(text)
    if call.purpose == Call.Purpose.STATUS and call.decision_date is None:
        missing.append(_("Give the date of the decision on the status."))
    if call.closes_at and call.closes_at <= now:
        missing.append(
            _("The deadline (%(date)s) has passed: move it to a later date.") % {"date": _named(call.closes_at)}
        )
    missing.extend(stage_order_errors(call).values())
    return missing


@transaction.atomic
def publish(call, *, by, now=None):
    """Show the call to coordinators; refused (TransitionError naming what is missing) until it is ready."""
    missing = missing_for_publication(call, now)
    if missing:
        raise TransitionError(_("The call cannot be published yet. %(missing)s") % {"missing": " ".join(missing)})
    Call.objects.filter(pk=call.pk).update(is_published=True)
    call.is_published = True
    return call


@transaction.atomic
def unpublish(call, *, by):
    """Hide the call from coordinators again (their drafts and submitted applications stay)."""
    Call.objects.filter(pk=call.pk).update(is_published=False)
    call.is_published = False
    return call


def a_year_later(value):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year + 1, day=28)


def _next_year_title(title):
    return re.sub(r"\b(20\d\d)\b", lambda match: str(int(match.group(1)) + 1), title)


def _next_academic_year(label):
    period = parse_period(label)
    return f"{period.start.year + 1}/{period.end.year + 1}"


# What is copied of the call itself: everything but its identity, the dates (shifted) and publication.
NOT_COPIED = {"id", "created_at", "is_published", "title", "academic_year", *DATE_FIELDS}


@transaction.atomic
def copy_to_next_year(call, *, by):
    """Next year's unpublished draft of `call`: its settings, criteria, checklist, questions and files.

    Dates move a year on (29 February becomes 28 February), years in the title and the
    academic year move with them; rules files are stored again as copies, so deleting either
    call's file leaves the other's. Extensions and applications are not copied.
    """
    values = {
        field.attname: getattr(call, field.attname)
        for field in Call._meta.concrete_fields
        if field.attname not in NOT_COPIED
    }
    values.update({name: a_year_later(getattr(call, name)) for name in DATE_FIELDS})
    copy = Call.objects.create(
        **values,
        title=_next_year_title(call.title),
        academic_year=_next_academic_year(call.academic_year),
        is_published=False,
    )
    for related in ("criteria", "checklist", "questions"):
        for row in getattr(call, related).all():
            row.pk = None
            row.call = copy
            row.save()
    for row in call.files.all():
        with row.file.open("rb") as source:
            content = source.read()
        row.pk = None
        row.call = copy
        row.file.save(row.original_name or row.file.name.rsplit("/", 1)[-1], ContentFile(content), save=False)
        row.save()
    return copy
