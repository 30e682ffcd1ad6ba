"""Deadlines that remind people by themselves.

Each app describes its deadlines in `<app>/reminders.py`:

    @reminders.source
    def deadlines(now):
        yield Deadline(kind="call_closing", key=f"call:{call.pk}", due=call.closes_at, district_id=…,
                       recipients=[...users...], title=…, url=…, offsets=call.reminder_offsets or None,
                       context={"institution": …, "deadline": …})

The beat runs `send_reminders()` every hour. For each deadline and each offset (days before
the deadline; negative: after it, «overdue») whose moment has come within the catch-up
window, every recipient gets one notification keyed by deadline, offset and person; the
notification row is the claim, so retries, a worker killed mid-run or a second beat send
nothing twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import RoleAssignment

from .models import ReminderSetting
from .notify import notify

# Offsets (days before the deadline; negative: after) when neither the district nor the object
# says otherwise.
DEFAULT_OFFSETS = (7, 1, -1)
# Kinds whose default differs: an event has no «overdue» (it is held or not), so it reminds before only.
KIND_DEFAULTS = {"plan_item": (7, 1)}
# The largest offset anyone may set (parse_offsets refuses more).
MAX_DAYS = 365
# A reminder whose moment passed longer ago than this is not sent late (the beat was down).
CATCH_UP = timedelta(days=2)

KINDS = {
    "call_closing": gettext_lazy("closing of a call for applications"),
    "fix_by": gettext_lazy("fixing a returned application"),
    "review_due": gettext_lazy("an expert's review"),
    "rating_data": gettext_lazy("rating data"),
    "article_deadline": gettext_lazy("articles for a collection"),
    "annual_report": gettext_lazy("annual report of a site"),
    "plan_item": gettext_lazy("an event hosted by an institution"),
}

_sources = []


@dataclass(frozen=True)
class Deadline:
    kind: str
    key: str
    due: datetime
    recipients: Sequence
    title: str
    url: str
    district_id: int | None = None
    offsets: Sequence[int] | None = None
    context: dict = field(default_factory=dict)


def source(func):
    if func not in _sources:
        _sources.append(func)
    return func


def autodiscover():
    autodiscover_modules("reminders")


def parse_offsets(text):
    """«7, 1, -1» → (7, 1, -1); raises ValueError on anything else."""
    values = tuple(int(part) for part in str(text).replace(";", ",").split(",") if part.strip())
    if not values or any(abs(v) > 365 for v in values):
        raise ValueError(text)
    return values


def validate_offsets(text):
    """A model field validator: blank is fine (the district's default applies), else «7, 1, -1»."""
    from django.core.exceptions import ValidationError

    if not str(text or "").strip():
        return
    try:
        parse_offsets(text)
    except ValueError:
        raise ValidationError(
            _("Write whole numbers of days separated by commas, e.g. «7, 1, -1» (at most 365)."), code="offsets"
        ) from None


def object_offsets(text):
    """An object's own offsets («7, 1» → (7, 1)); None when blank or unreadable, so the default applies."""
    try:
        return parse_offsets(text) if str(text or "").strip() else None
    except ValueError:
        return None


def default_offsets(kind):
    return KIND_DEFAULTS.get(kind, DEFAULT_OFFSETS)


def window(kind, now):
    """The due moments whose reminders can fire at `now` under the kind's default and district offsets.

    A source narrows its query to this window, plus the widest window (see `wide_window`)
    for objects that carry their own offsets, so it never loads deadlines that cannot remind.
    """
    offsets = set(default_offsets(kind))
    for text in ReminderSetting.objects.filter(kind=kind).values_list("offsets", flat=True):
        offsets.update(object_offsets(text) or ())
    ahead = max(max(offsets), 0)
    behind = max(-min(offsets), 0)
    return now - timedelta(days=behind) - CATCH_UP, now + timedelta(days=ahead)


def wide_window(now):
    return now - timedelta(days=MAX_DAYS) - CATCH_UP, now + timedelta(days=MAX_DAYS)


def coordinators_by_institution(institution_ids):
    """{institution id: [its active coordinators]} in one query: the usual recipients of a reminder."""
    found = {}
    rows = RoleAssignment.objects.filter(
        role=RoleAssignment.Role.COORDINATOR, institution_id__in=list(institution_ids), user__is_active=True
    ).select_related("user")
    for row in rows.order_by("user_id"):
        found.setdefault(row.institution_id, []).append(row.user)
    return found


def offsets_for(deadline, district_settings):
    if deadline.offsets:
        return tuple(deadline.offsets)
    return district_settings.get((deadline.district_id, deadline.kind), default_offsets(deadline.kind))


def _district_settings():

    settings = {}
    for setting in ReminderSetting.objects.all():
        try:
            settings[(setting.district_id, setting.kind)] = parse_offsets(setting.offsets)
        except ValueError:
            continue  # the admin form refuses such values; an old bad row is ignored, not fatal
    return settings


def describe_offset(offset):
    if offset > 0:
        return ngettext("in %(days)d day", "in %(days)d days", offset) % {"days": offset}
    if offset == 0:
        return _("today")
    return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -offset) % {"days": -offset}


def send_reminders(now=None):
    """Send every reminder that is due now and was not sent before; returns how many were created."""
    now = now or timezone.now()
    district_settings = _district_settings()
    created = 0
    for func in _sources:
        for deadline in func(now):
            for offset in offsets_for(deadline, district_settings):
                moment = deadline.due - timedelta(days=offset)
                if not (moment <= now < moment + CATCH_UP):
                    continue
                when = formats.date_format(timezone.localtime(deadline.due), "j E Y, H:i")
                body = _("%(title)s — deadline %(when)s (%(offset)s).") % {
                    "title": deadline.title,
                    "when": when,
                    "offset": describe_offset(offset),
                }
                created += len(
                    notify(
                        deadline.recipients,
                        kind=f"reminder.{deadline.kind}",
                        district_id=deadline.district_id,
                        key=f"reminder:{deadline.key}:{offset}",
                        title=deadline.title,
                        body=body,
                        url=deadline.url,
                        context={**deadline.context, "deadline": when, "offset": describe_offset(offset)},
                    )
                )
    return created
