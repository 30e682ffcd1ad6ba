"""One door for state changes: the mechanism every stateful model's service uses.

A service declares which moves are allowed and calls `transition()`; it checks the move,
changes the row only if nobody else changed it first (a conditional UPDATE that must hit
exactly one row), records who/when/from/to/why in the model's history table, and runs the
side effects (mail) only after the transaction commits.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


class TransitionError(Exception):
    """A refused state change; the message is shown to the user as it is."""


@transaction.atomic
def transition(obj, to, *, allowed, by, reason="", history=None, field="state", updates=None, on_commit=None):
    """Move `obj` from its current state to `to`.

    `allowed` maps a target state to the set of states it may be reached from.
    `history` is a callable (obj, from_state, to_state, by, reason) that writes the audit
    row; `updates` are other fields to save together with the state; `on_commit` a
    callable queued with transaction.on_commit (mail, notifications).
    """
    current = getattr(obj, field)
    if current not in allowed.get(to, set()):
        raise TransitionError(
            _("This cannot be done now: «%(from)s» cannot become «%(to)s».")
            % {"from": _label(obj, field, current), "to": _label(obj, field, to)}
        )
    values = {field: to, **(updates or {})}
    if any(f.name == "state_changed_at" for f in obj._meta.concrete_fields):
        values.setdefault("state_changed_at", timezone.now())
    changed = type(obj)._default_manager.filter(pk=obj.pk, **{field: current}).update(**values)
    if changed != 1:
        # Somebody else moved it between our read and our write (two methodists, two tabs).
        raise TransitionError(_("Somebody has just changed this record. Reload the page and try again."))
    for name, value in values.items():
        setattr(obj, name, value)
    if history is not None:
        history(obj, current, to, by, reason)
    if on_commit is not None:
        transaction.on_commit(on_commit)
    return obj


def _label(obj, field, value):
    choices = dict(obj._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))
