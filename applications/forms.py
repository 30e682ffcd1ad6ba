"""Forms of the coordinator's editor and the methodist's pages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import inlineformset_factory
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Institution
from innovation_portal.files import FileValidator
from innovation_portal.years import parse_period

from . import video
from .document import column_label
from .layouts import layout_for
from .models import (
    Application,
    Attachment,
    CallQuestion,
    DistrictProgramme,
    ExperienceRow,
    RoadmapEvent,
    SourceRow,
    StaffRow,
    StatusKind,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


class ApplicationForm(forms.ModelForm):
    """The application's own fields, exactly those of its call's form, labelled as on paper.

    Nothing is required here: a draft saves whatever is typed; completeness is checked on submit.
    """

    class Meta:
        model = Application
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layout = layout_for(self.instance.call)
        for spec in layout.fields:
            model_field = Application._meta.get_field(spec.name)
            extra = {"assume_scheme": "https"} if isinstance(model_field, models.URLField) else {}
            field = model_field.formfield(**extra)
            field.required = False
            field.label = spec.label_for()
            if isinstance(field.widget, forms.Textarea):
                field.widget = forms.Textarea(attrs={"rows": 3})
            self.fields[spec.name] = field
            self.initial.setdefault(spec.name, getattr(self.instance, model_field.attname))
        if "district_programme" in self.fields:
            self.fields["district_programme"].queryset = DistrictProgramme.objects.filter(
                district_id=self.instance.call.district_id, is_active=True
            )
        self._meta.fields = list(self.fields)

    def save(self, commit=True):
        # ModelForm only writes Meta.fields; ours are chosen per call.
        forms.models.construct_instance(self, self.instance, fields=list(self.fields))
        if commit:
            self.instance.save()
        return self.instance


class RowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget = forms.Textarea(attrs={"rows": 2})
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-control form-control-sm"


class RowFormSet(forms.BaseInlineFormSet):
    """A table of the form; `labels` ({field: heading}) words its columns as the official form does.

    Set on every form the formset makes, the empty one (the template for rows added in the
    browser) included, which is made anew each time it is read.
    """

    labels = {}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A row's id is only a hint for save_formset(): a row saved by an autosave carries
        # its new id on a form added in the browser, and a row removed elsewhere (another
        # tab) must not fail the form with an invisible «select a valid choice».
        pk = form.instance.pk if form.instance is not None and not form.instance._state.adding else None
        form.fields["id"] = forms.IntegerField(required=False, initial=pk, widget=forms.HiddenInput)
        for name, label in self.labels.items():
            if name in form.fields:
                form.fields[name].label = label


def _formset(model, fields):
    return inlineformset_factory(
        Application,
        model,
        form=RowForm,
        formset=RowFormSet,
        fields=fields,
        extra=0,
        can_delete=True,
        max_num=200,
    )


ExperienceFormSet = _formset(ExperienceRow, ["project", "years", "works"])
StaffFormSet = _formset(StaffRow, ["full_name", "position", "degree", "works"])
SourceFormSet = _formset(SourceRow, ["title", "annotation"])
RoadmapFormSet = _formset(RoadmapEvent, ["name", "timeframe", "audience", "planned_result"])

TABLE_FORMSETS = {"experience": ExperienceFormSet, "staff": StaffFormSet, "sources": SourceFormSet}


def table_formsets(application, data=None):
    """The editor's tables: {key: formset}, the roadmap as one formset per fixed section."""
    layout = layout_for(application.call)
    formsets = {}
    for key, formset_class in TABLE_FORMSETS.items():
        if key in layout.table_keys:
            formsets[key] = formset_class(data, instance=application, prefix=key)
    if "roadmap" in layout.table_keys:
        for section in RoadmapEvent.Section:
            formsets[f"roadmap{section.value}"] = RoadmapFormSet(
                data,
                instance=application,
                prefix=f"roadmap{section.value}",
                queryset=application.roadmap.filter(section=section.value),
            )
    # The official forms' own column headings (the staff table's person column is three inputs here).
    for key in ("experience", "staff"):
        if key in formsets:
            formsets[key].labels = {"works": column_label(layout, key, "works")}
    return formsets


def save_formset(key, formset):
    """Make the stored table what the page holds, in the on-screen order.

    A row is matched to a stored one by the id it carries (a row added in the browser gets its
    id from the autosave that first stored it); a stored row that the page no longer holds is
    removed; blank rows added and never typed in are left out. Roadmap rows take their section
    from the prefix. Returns the stored row id of each form of the page (None where none).
    """
    # Fresh rows: the formset's own instances already hold the page's values (validation
    # writes them in), and what changed is judged against the database.
    stored = {row.pk: row for row in formset.get_queryset().all()}
    names = [name for name in formset.form._meta.fields if name not in (formset.fk.name, "id", "order", "section")]
    kept, ids, order = set(), [], 0
    for form in formset.forms:
        pk = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
        if formset._should_delete_form(form) or (pk is None and not form.has_changed()):
            ids.append(None)
            continue
        row = stored.get(pk)
        if row is None:
            row = formset.model(**{formset.fk.name: formset.instance})
        before = [getattr(row, name) for name in names] + [row.order, getattr(row, "section", None)]
        construct_instance(form, row, fields=names)
        row.order = order
        if key.startswith("roadmap"):
            row.section = int(key.removeprefix("roadmap"))
        if row.pk is None or before != [getattr(row, name) for name in names] + [
            row.order,
            getattr(row, "section", None),
        ]:
            row.save()
        kept.add(row.pk)
        ids.append(row.pk)
        order += 1
    for pk, row in stored.items():
        if pk not in kept:
            row.delete()
    return ids


class QuestionsForm(forms.Form):
    """The call's extra questions as form fields, named q<id>."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.answers = answers
        for question in self.questions:
            answer = answers.get(question.pk)
            field = self._field_for(question)
            field.label = question.text
            field.help_text = question.help
            field.required = False  # checked on submit, so that a draft always saves
            self.fields[f"q{question.pk}"] = field
            if answer is not None and question.kind != CallQuestion.Kind.FILE:
                self.initial[f"q{question.pk}"] = answer.value

    @staticmethod
    def _field_for(question):
        Kind = CallQuestion.Kind
        choices = [(c, c) for c in question.choice_list]
        return {
            Kind.SHORT_TEXT: lambda: forms.CharField(max_length=500),
            Kind.LONG_TEXT: lambda: forms.CharField(widget=TEXTAREA),
            Kind.NUMBER: lambda: forms.DecimalField(max_digits=12, decimal_places=2),
            Kind.DATE: lambda: forms.DateField(widget=forms.DateInput(attrs={"type": "date"})),
            Kind.URL: lambda: forms.URLField(assume_scheme="https"),
            Kind.FILE: lambda: forms.FileField(validators=[FileValidator("evidence")]),
            Kind.SINGLE_CHOICE: lambda: forms.ChoiceField(choices=[("", "—"), *choices]),
            Kind.MULTIPLE_CHOICE: lambda: forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple
            ),
        }[question.kind]()

    def answer_values(self):
        """{question: (value, uploaded file or None)} for what was sent."""
        values = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == CallQuestion.Kind.FILE:
                if value:
                    values[question] = (None, value)
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif value is not None and not isinstance(value, (str, list)):
                value = str(value)
            values[question] = (value, None)
        return values


def attachment_file_kind(kind):
    """Which files (innovation_portal.files.KINDS) an attachment of this kind may be."""
    return {Attachment.Kind.VIDEO: "video", Attachment.Kind.OTHER: "any"}.get(kind, "document")


class AttachmentForm(forms.Form):
    """One attachment: a file checked by its content, or (for the video) a link to a video page."""

    kind = forms.ChoiceField(label=_("What is it"))
    file = forms.FileField(label=_("File"), required=False)
    video_url = forms.URLField(label=_("or a link to the video page"), required=False, assume_scheme="https")

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [*layout_for(application.call).attachment_kinds, Attachment.Kind.OTHER]
        self.fields["kind"].choices = [(k, Attachment.Kind(k).label) for k in dict.fromkeys(kinds)]
        self.duration = None

    def clean(self):
        data = super().clean()
        kind, upload, url = data.get("kind"), data.get("file"), data.get("video_url")
        if not kind:
            return data
        if upload and url:
            raise ValidationError(_("Attach a file or give a link, not both."))
        if not upload and not url:
            raise ValidationError(_("Choose a file to attach."))
        if url and kind != Attachment.Kind.VIDEO:
            self.add_error("video_url", _("A link can stand only for the video announcement."))
            return data
        if upload:
            try:
                FileValidator(attachment_file_kind(kind))(upload)
            except ValidationError as error:
                self.add_error("file", error)
                return data
            if kind == Attachment.Kind.VIDEO:
                measured = video.measure(upload)
                # None: the portal cannot measure here (no ffprobe); the check page says «не проверено».
                self.duration = None if measured in (None, video.UNREADABLE) else measured
                if measured == video.UNREADABLE:
                    self.add_error("file", _("The length of this video cannot be read. Save it as MP4 or give a link."))
                elif self.duration is not None and self.duration > Attachment.MAX_VIDEO_SECONDS:
                    self.add_error(
                        "file",
                        _("The video lasts %(min)d min %(sec)02d s; at most 3 minutes are allowed.")
                        % {"min": self.duration // 60, "sec": self.duration % 60},
                    )
        return data


class TechnicalCheckForm(forms.Form):
    """The call's checklist (automatic lines pre-ticked), remarks, and the decision."""

    ADMIT = "admit"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ADMIT, _("Admit to the content expertise")), (RETURN, _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    fix_by = forms.DateField(label=_("Fix by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items, automatic, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.automatic = automatic
        for item in self.items:
            name = f"item{item.pk}"
            self.fields[name] = forms.BooleanField(label=item.text, required=False)
            if item.automatic:
                ok, problems = automatic.get(item.automatic, (True, []))
                self.initial.setdefault(name, bool(ok))  # not checked (None) is not ticked
                self.fields[name].help_text = " ".join(problems) or _("Checked by the portal: all right.")
        # Keep field order: checklist first.
        self.order_fields([f"item{i.pk}" for i in self.items] + ["decision", "remarks", "fix_by"])

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN:
            if not (data.get("remarks") or "").strip():
                self.add_error("remarks", _("Write what the coordinator has to fix."))
            if not data.get("fix_by"):
                self.add_error("fix_by", _("Give the date to fix it by."))
            elif data["fix_by"] < datetime.date.today():
                self.add_error("fix_by", _("The date cannot be in the past."))
        return data

    def results(self):
        return [
            {
                "item": item.pk,
                "text": item.text,
                "automatic": item.automatic,
                "ok": bool(self.cleaned_data.get(f"item{item.pk}")),
            }
            for item in self.items
        ]


class ExtensionForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    until = forms.DateTimeField(
        label=_("Extended until (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["institution"].queryset = Institution.objects.filter(district_id=call.district_id, is_active=True)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= self.call.closes_at:
            raise ValidationError(_("An extension must end after the call's deadline."))
        return until


class ExtensionRequestForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    reason = forms.CharField(
        label=_("Why you need more time"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Write why you need more time.")},
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if institutions.count() == 1:
            self.fields["institution"].initial = institutions.first()
            self.fields["institution"].widget = forms.HiddenInput()


class ExtensionDecisionForm(forms.Form):
    GRANT, REFUSE = "grant", "refuse"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(GRANT, _("Grant")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to grant or refuse.")},
    )
    until = forms.DateTimeField(
        label=_("Extended until (Moscow time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    answer = forms.CharField(
        label=_("Answer to the coordinator"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.GRANT:
            until = data.get("until")
            if until is None:
                self.add_error("until", _("Give the date until which the deadline is extended."))
            elif until <= self.call.closes_at:
                self.add_error("until", _("An extension must end after the call's deadline."))
        elif data.get("decision") == self.REFUSE and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write why the extension is refused."))
        return data


class RegistryFilterForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.all(), required=False)
    status_kind = forms.ModelChoiceField(label=_("Status"), queryset=StatusKind.objects.all(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *StatusKind.Level.choices], required=False)
    year = forms.CharField(label=_("Academic year"), required=False, max_length=9, help_text=_("e.g. 2025/2026"))
    everything = forms.BooleanField(label=_("Include expired statuses"), required=False)

    def clean_year(self):
        value = self.cleaned_data.get("year")
        if not value:
            return None
        period = parse_period(value)
        if not period.is_academic:
            raise ValidationError(_("Write the academic year as 2023/2024."))
        return period

    def filters(self):
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        # With a year chosen, the registry shows the sites of that year rather than of today.
        return {
            "district": data.get("district"),
            "status_kind": data.get("status_kind"),
            "level": data.get("level") or None,
            "year": data.get("year"),
            "current": not data.get("everything") and not data.get("year"),
        }
