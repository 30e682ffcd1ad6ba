"""One door for state changes: the mechanism every stateful model's service uses.

Each stateful model declares its moves, groups and badge colours in a `Workflow` next to its
states enum; the app's `services.move()` calls `transition()` with them; it checks the move,
changes the row only if nobody else changed it first (a conditional UPDATE that must hit
exactly one row), records who/when/from/to/why in the model's history table, and runs the
side effects (mail) only after the transaction commits.
"""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l


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


class Workflow:
    """A states enum's allowed moves, named groups and badge colours, declared next to it.

    Declared in the model's body right after its `TextChoices`:

        class State(models.TextChoices): ...
        workflow = Workflow(State, moves={State.SUBMITTED: {State.DRAFT}, …},
                            groups={"EDITABLE": {State.DRAFT}}, badges={State.DRAFT: "secondary"})

    TextChoices members cannot carry extra attributes, so the workflow is a separate object
    that the model picks up (it has `contribute_to_class`) and that writes its maps onto the
    enum afterwards: `State.MOVES`, `State.BADGES`, and every group as a frozenset
    (`State.EDITABLE`), also on the model (`Application.EDITABLE`) where older code reads them.
    The model's workflow is `Model.WORKFLOW`; `move()` below reads the moves from it.
    """

    def __init__(self, states, *, moves, groups=None, badges=None, field="state", default_badge="secondary"):
        self.states = states
        self.field = field
        known = set(states.values)
        self.moves = {states(to): frozenset(states(f) for f in froms) for to, froms in moves.items()}
        self.groups = {name: frozenset(states(s) for s in members) for name, members in (groups or {}).items()}
        self.badges = {states(s): colour for s, colour in (badges or {}).items()}
        self.default_badge = default_badge
        self._labels = {}  # {language: {value: label}}: translated once per language, not per row
        for name in self.groups:
            if name in states.__members__:
                raise ValueError(f"{states.__qualname__}: group {name} has the name of a state")
        assert set(self.moves) <= known and all(f in known for froms in self.moves.values() for f in froms)
        states.MOVES = self.moves
        states.BADGES = self.badges
        states.workflow = self
        for name, members in self.groups.items():
            setattr(states, name, members)

    def contribute_to_class(self, model, name):
        setattr(model, name, self)
        model.WORKFLOW = self
        for group, members in self.groups.items():
            if group not in model.__dict__:
                setattr(model, group, members)

    def can_move(self, from_state, to):
        return from_state in self.moves.get(to, ())

    def pairs(self):
        """Every (from, to) pair of states, allowed or not: what the state-map tests walk."""
        return [(a, b) for a in self.states for b in self.states]

    def allowed_pairs(self):
        return [(a, b) for a, b in self.pairs() if self.can_move(a, b)]

    def state_of(self, obj):
        return getattr(obj, self.field)

    def in_group(self, obj_or_value, group):
        if group not in self.groups:
            raise KeyError(f"{self.states.__qualname__} has no group {group}")
        value = obj_or_value if isinstance(obj_or_value, str) else self.state_of(obj_or_value)
        return value in self.groups[group]

    def label(self, value):
        language = get_language() or ""
        labels = self._labels.get(language)
        if labels is None:
            labels = self._labels[language] = {s.value: str(s.label) for s in self.states}
        return labels.get(value, value)

    def badge(self, value):
        """(label, Bootstrap colour) of a state."""
        return self.label(value), self.badges.get(value, self.default_badge)

    def move(self, obj, to, *, by, reason="", history=None, updates=None, on_commit=None):
        """transition() with this workflow's moves and field."""
        return transition(
            obj,
            to,
            allowed=self.moves,
            by=by,
            reason=reason,
            history=history,
            field=self.field,
            updates=updates,
            on_commit=on_commit,
        )


def workflow_of(obj_or_model):
    """The Workflow of a stateful model (or of one of its objects)."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    try:
        return model.WORKFLOW
    except AttributeError:
        raise TypeError(f"{model.__name__} has no workflow") from None


class StateChange(models.Model):
    """The one shape of a history row: who moved the object, when, from which state to which, why.

    Each app's history model inherits it and adds its own foreign key to the object (and any
    extra fields: the report of a plan item, the subject of an expertise event). `STATES` is
    the enum whose labels `get_from_state_display()` shows.
    """

    STATES = None

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_l("by")
    )
    at = models.DateTimeField(_l("when"), default=timezone.now)
    from_state = models.CharField(_l("from"), max_length=30)
    to_state = models.CharField(_l("to"), max_length=30)
    reason = models.TextField(_l("reason"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

    def states(self):
        return self.STATES

    def _display(self, value):
        states = self.states()
        return states.workflow.label(value) if states is not None and hasattr(states, "workflow") else value

    def get_from_state_display(self):
        return self._display(self.from_state)

    def get_to_state_display(self):
        return self._display(self.to_state)

    @classmethod
    def writer(cls, **fixed):
        """A `history` callable for transition(): one row with the shared fields plus `fixed` ones.

        Values in `fixed` may be callables of the moved object (e.g. `assignment=lambda r: r.assignment`).
        """

        def write(obj, from_state, to_state, by, reason):
            values = {k: (v(obj) if callable(v) else v) for k, v in fixed.items()}
            return cls.objects.create(from_state=from_state, to_state=to_state, by=by, reason=reason, **values)

        return write
