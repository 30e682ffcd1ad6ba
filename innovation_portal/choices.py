"""Choice fields of formsets that read their records once per page, not once per row.

A model choice field asks the database each time it is rendered (its options), validated
(`queryset.get(pk=…)`) and, with the admin's autocomplete, each time it names its selected
record. In a formset that is a query (or three, with ``__str__`` reading relations) per row:
the council's agenda of 160 applications cost 974 queries. Here the records are handed to
the field once:

- ``share(field, objects)``: the field's whole choice list, read once by the formset and given
  to every row; it renders and validates from that list (a value outside it is refused, as
  the queryset would refuse it).
- ``know(field, objects)``: some records the field may hold (a row's own, loaded with the row
  by ``select_related``); an autocomplete names them without a query, validation finds them
  without a query, and anything else is still asked of the queryset.

Fields made by ``ModelForm``/the admin are plain ``ModelChoiceField``s: use the classes below
through ``Meta.field_classes`` or ``formfield(form_class=…)``; ``share``/``know`` on another
field does nothing harmful (it only skips the saving).
"""

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIteratorValue

from .rows import write_select


class _KnownRecords:
    """What ModelChoiceField and ModelMultipleChoiceField share: a dict of records by key."""

    known = None  # {str(key): record}
    complete = False  # True: `known` is every choice there is

    def _key_of(self, record):
        return str(getattr(record, self.to_field_name or "pk"))

    def _lookup(self, value):
        """The record for a submitted value, or None when the database must be asked."""
        if self.known is None:
            return None
        record = self.known.get(str(value))
        if record is None and self.complete:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return record


class KnownModelChoiceField(_KnownRecords, forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = self._key_of(value)
        return self._lookup(value) or super().to_python(value)


class KnownModelMultipleChoiceField(_KnownRecords, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if self.known is None:
            return super()._check_values(value)
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        found, unknown = [], []
        for item in values:
            self.validate_no_null_characters(item)
            record = self._lookup(item)
            (found.append(record) if record is not None else unknown.append(item))
        if unknown:
            found += list(super()._check_values(unknown))
        return found


def share(field, objects):
    """Give a formset row's field its whole choice list, read once for every row."""
    objects = list(objects)
    if not isinstance(field, _KnownRecords):
        return
    field.known = {field._key_of(o): o for o in objects}
    field.complete = True
    choices = [(ModelChoiceIteratorValue(field.prepare_value(o), o), field.label_from_instance(o)) for o in objects]
    if field.empty_label is not None and not isinstance(field, forms.ModelMultipleChoiceField):
        choices.insert(0, ("", field.empty_label))
    field.choices = choices


def know(field, objects):
    """Tell a field about records it may hold (the row's own), without narrowing its choices."""
    if not isinstance(field, _KnownRecords):
        return
    known = dict(field.known or {})
    known.update((field._key_of(o), o) for o in objects if o is not None)
    field.known = known


class KnownAutocompleteSelect(admin_widgets.AutocompleteSelect):
    """The admin's autocomplete, naming its selected record from the field's known records."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        known = getattr(field, "known", None) or {}
        selected = [str(v) for v in value if str(v) not in field.empty_values]
        if not selected or any(v not in known for v in selected):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in selected:
            default[1].append(
                self.create_option(name, key, field.label_from_instance(known[key]), set(selected), len(default[1]))
            )
        return [default]


class FastSelect(forms.Select):
    """A <select> written in Python: Django renders each <option> through two templates, which made
    a list of 300 people a quarter of its page (the same markup, a twentieth of the time)."""

    def render(self, name, value, attrs=None, renderer=None):
        return write_select(self.get_context(name, value, attrs)["widget"])
