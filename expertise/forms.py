"""Forms of the expertise pages: they parse what was typed; the rules live in services."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications.models import Application, Call

from .models import AgendaItem, CouncilMeeting, Review

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class ReviewForm(forms.Form):
    """A score (radio buttons with each score's label) and a comment per criterion; overall comment; recommendation."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), required=False, choices=[("", "—"), *Review.Recommendation.choices]
    )

    def __init__(self, *args, criteria, review=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {s.criterion_id: s for s in review.scores.all()} if review is not None else {}
        if review is not None and not self.is_bound:
            self.initial.update(overall_comment=review.overall_comment, recommendation=review.recommendation)
        for criterion in self.criteria:
            choices = [
                (str(value), f"{value} — {label}" if (label := criterion.label_for(value)) else str(value))
                for value in criterion.scores
            ]
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            score = scores.get(criterion.pk)
            if score is not None and not self.is_bound:
                self.initial[f"score_{criterion.pk}"] = "" if score.value is None else str(score.value)
                self.initial[f"comment_{criterion.pk}"] = score.comment
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rows(self):
        """[(criterion, score field, comment field)] for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }


class DeclineForm(forms.Form):
    DECLINE, CONFLICT = "decline", "conflict"
    kind = forms.ChoiceField(
        label=_("What happens"),
        choices=[
            (DECLINE, _("I cannot review this application (no time, not my field)")),
            (CONFLICT, _("I have a conflict of interest with this institution")),
        ],
        widget=forms.RadioSelect,
        initial=DECLINE,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def pool_users(district_id):
    return User.objects.filter(roles__role="expert", roles__district_id=district_id, is_active=True).distinct()


class AssignForm(forms.Form):
    # Three forms share a page: distinct element ids keep each label on its own field.
    ids = "assign_%s"

    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Review due"), **DATE)

    def __init__(self, *args, call, **kwargs):
        kwargs.setdefault("auto_id", getattr(self, "ids", "id_%s"))
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            call=call, state__in=Application.IN_EXPERTISE
        ).select_related("institution")
        self.fields["application"].label_from_instance = lambda a: str(a.institution)
        self.fields["expert"].queryset = pool_users(call.district_id).order_by("full_name")
        if call.expertise_ends and not self.is_bound:
            self.initial["due_date"] = call.expertise_ends


class AutoAssignForm(forms.Form):
    # Three forms share a page: distinct element ids keep each label on its own field.
    ids = "auto_%s"

    per_application = forms.IntegerField(label=_("Experts per application"), min_value=1, max_value=10, initial=3)
    cap = forms.IntegerField(
        label=_("At most applications per expert"),
        min_value=1,
        max_value=100,
        initial=5,
        help_text=_("An expert's own limit in the pool applies if it is lower."),
    )
    due_date = forms.DateField(label=_("Review due"), **DATE)

    def __init__(self, *args, call, **kwargs):
        kwargs.setdefault("auto_id", getattr(self, "ids", "id_%s"))
        super().__init__(*args, **kwargs)
        if call.expertise_ends and not self.is_bound:
            self.initial["due_date"] = call.expertise_ends


class CsvForm(forms.Form):
    # Three forms share a page: distinct element ids keep each label on its own field.
    ids = "csv_%s"

    file = forms.FileField(
        label=_("CSV file"),
        validators=[FileExtensionValidator(["csv", "txt"])],
        help_text=_(
            "Columns: «Заявка» (its number or the institution's short name), «E-mail эксперта», «Срок» (optional, "
            "31.05.2025). UTF-8 or Windows-1251, separated by «;» or «,»."
        ),
    )
    due_date = forms.DateField(label=_("Review due (where the file gives none)"), **DATE)

    def __init__(self, *args, call, **kwargs):
        kwargs.setdefault("auto_id", getattr(self, "ids", "id_%s"))
        super().__init__(*args, **kwargs)
        if call.expertise_ends and not self.is_bound:
            self.initial["due_date"] = call.expertise_ends

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        return upload


class CallSettingsForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = ["reviews_hidden_until_submitted", "blind", "aggregation", "disagreement_threshold", "expertise_ends"]
        widgets = {"expertise_ends": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ReopenForm(forms.Form):
    """A methodist reopens a declined assignment or a submitted review: why, and by when."""

    reason = forms.CharField(
        label=_("Reason (the expert reads it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("New due date"), **DATE)

    def clean_due_date(self):
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Give a due date that is not in the past."))
        return day


class CloseExpertiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the expertise is closed before every review is in"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PresentationForm(forms.Form):
    application = forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts at (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(label=_("Length, minutes"), min_value=1, max_value=240, initial=10)
    place = forms.CharField(label=_("Place"), max_length=300)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, call, **kwargs):
        kwargs.setdefault("auto_id", getattr(self, "ids", "id_%s"))
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            call=call, state__in=Application.IN_EXPERTISE | Application.DECIDED
        ).select_related("institution")
        self.fields["application"].label_from_instance = lambda a: str(a.institution)


def district_people(district_ids):
    """People who may sit on a council of these districts: anyone with a role there."""
    return User.objects.filter(is_active=True, roles__district_id__in=district_ids).distinct().order_by("full_name")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CouncilMeeting
        fields = ["district", "kind", "number", "date", "place", "chair", "secretary", "members", "present", "invited"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "members": forms.CheckboxSelectMultiple,
            "present": forms.CheckboxSelectMultiple,
            "invited": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, district_ids, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import District

        self.fields["district"].queryset = District.objects.filter(pk__in=district_ids)
        if len(district_ids) == 1 and not self.instance.pk:
            self.fields["district"].initial = next(iter(district_ids))
        people = district_people(district_ids)
        for name in ("chair", "secretary", "members", "present"):
            self.fields[name].queryset = people

    def clean(self):
        data = super().clean()
        members, present = data.get("members"), data.get("present")
        if members is not None and present is not None:
            outsiders = set(present) - set(members)
            if outsiders:
                self.add_error("present", _("Only members can be present: %s.") % ", ".join(str(u) for u in outsiders))
        return data


class AgendaForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications in expertise"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = (
            Application.objects.filter(call__district_id=meeting.district_id, state__in=Application.IN_EXPERTISE)
            .exclude(pk__in=meeting.agenda.filter(~Q(application=None)).values("application_id"))
            .select_related("institution", "call")
            .order_by("call__title", "institution__short_name")
        )
        self.fields["applications"].label_from_instance = lambda a: f"{a.institution} — {a.call}"


class DecisionForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["decision", "reasons", "fix_by", "votes_for", "votes_against", "votes_abstained"]
        widgets = {
            "reasons": forms.Textarea(attrs={"rows": 2}),
            "fix_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("decision") and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Write the reasons: the applicant receives them."))
        if data.get("decision") == AgendaItem.Decision.RETURN:
            fix_by = data.get("fix_by")
            if fix_by is None or fix_by < timezone.localdate():
                self.add_error("fix_by", _("Give the date, not in the past, by which the applicant revises."))
        else:
            data["fix_by"] = None
        return data


DecisionFormSet = forms.modelformset_factory(AgendaItem, form=DecisionForm, extra=0)
