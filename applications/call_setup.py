"""Setting a call up without a programmer: the order of its stages, publishing it, copying it to next year.

A call made in the back office starts unpublished; `publish` refuses it while something a
coordinator or an expert will need is missing (`missing_for_publication` lists it, in
Russian). `copy_to_next_year` makes next year's draft of a call with everything it was set
up with — criteria, checklist, questions, rules files (as copies of the files), the form and
the expertise settings — and every date a year later.
"""

import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innovation_portal.workflow import TransitionError
from innovation_portal.years import parse_period

from .models import Call
from .models.calls import named_date, stage_order_errors

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
            _("The deadline (%(date)s) has passed: move it to a later date.") % {"date": named_date(call.closes_at)}
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
