"""Two tabs, two coordinators: what a page sent against what is stored now.

Every save of an application's content carries the revision the page was based on
(`Application.revision`). A save based on an older revision is refused (`EditConflict`), and the
editor shows, for every field, table and answer whose text differs, both versions side by side
with a choice «keep mine» / «keep the saved one». The comparison is two-way (the page against the
database): a field that only this page changed shows as a difference too, so the person sees
everything that their save would replace.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MINE, THEIRS = "mine", "theirs"


class EditConflict(Exception):
    """The application was saved elsewhere after this page was loaded; `current` is what is stored."""

    def __init__(self, current):
        super().__init__(_("The application was saved elsewhere after this page was opened."))
        self.current = current


@dataclass
class Difference:
    key: str  # a field name, "table:<prefix>" or "q<question id>"
    label: str
    mine: object  # text, or a list of row texts for a table
    theirs: object
    is_table: bool = False
    choice: str = ""

    @property
    def sides(self):
        return [(MINE, self.mine, _("Keep my version")), (THEIRS, self.theirs, _("Keep the saved version"))]


def _text(field, value):
    """How a value reads to the person, for comparing and for showing."""
    if value is None or value == "":
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(value, "j E Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j E Y")
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(field, item) for item in value)
    if field is not None and getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(k): v for k, v in field.choices}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value).replace("\r\n", "\n").strip()


def _row_text(cells):
    return " · ".join(cell for cell in cells if cell)


def _columns(formset):
    return [name for name in formset.form._meta.fields if name not in (formset.fk.name, "id", "order", "section")]


def _page_rows(formset):
    """The rows the page holds, as texts (removed and blank new rows left out)."""
    fields = _columns(formset)
    rows = []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("id") and not form.has_changed():
            continue
        rows.append(_row_text([_text(form.fields.get(f), data.get(f)) for f in fields]))
    return rows


def _stored_rows(formset, stored):
    fields = _columns(formset)
    queryset = formset.model.objects.filter(**{formset.fk.name: stored})
    if formset.prefix.startswith("roadmap"):
        queryset = queryset.filter(section=int(formset.prefix.removeprefix("roadmap")))
    form = formset.empty_form
    return [
        _row_text([_text(form.fields.get(f), getattr(row, f)) for f in fields])
        for row in queryset.order_by("order", "pk")
    ]


def differences(stored, *, form, formsets, questions_form, titles):
    """Every field, table and answer whose text on the page differs from `stored` (validated forms)."""
    found = []
    cleaned = getattr(form, "cleaned_data", {})
    for name, field in form.fields.items():
        mine = _text(field, cleaned.get(name) if name in cleaned else form.data.get(name))
        theirs = _text(field, getattr(stored, name))
        if mine != theirs:
            found.append(Difference(name, str(field.label), mine, theirs))
    for prefix, formset in formsets.items():
        mine, theirs = _page_rows(formset), _stored_rows(formset, stored)
        if mine != theirs:
            found.append(Difference(f"table:{prefix}", titles.get(prefix, prefix), mine, theirs, is_table=True))
    if questions_form is not None:
        answers = {a.question_id: a.value for a in stored.answers.all()}
        answered = getattr(questions_form, "cleaned_data", {})
        for question in questions_form.questions:
            name = f"q{question.pk}"
            field = questions_form.fields[name]
            if isinstance(field, forms.FileField):
                continue
            mine = _text(field, answered.get(name))
            theirs = _text(field, answers.get(question.pk))
            if mine != theirs:
                found.append(Difference(name, question.text, mine, theirs))
    return found


def choices_from(data):
    """{key: MINE|THEIRS} the person chose on the conflict panel, and the keys they had to choose for."""
    keys = data.getlist("conflict")
    chosen = {key: data.get(f"keep-{key}") for key in keys if data.get(f"keep-{key}") in (MINE, THEIRS)}
    return keys, chosen
