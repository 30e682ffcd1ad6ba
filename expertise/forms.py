"""Forms of the expertise pages: they parse what was typed; the rules live in services."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications.models import Application, Call
from innovation_portal.choices import FastSelect, KnownModelChoiceField, KnownModelMultipleChoiceField, share

from . import services
from .models import AgendaItem, CouncilMeeting, CouncilMember, Review

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
        fields = ["district", "kind", "number", "date", "place", "invited"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "invited": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, district_ids, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import District

        self.fields["district"].queryset = District.objects.filter(pk__in=district_ids)
        if len(district_ids) == 1 and not self.instance.pk:
            self.fields["district"].initial = next(iter(district_ids))


class MemberForm(forms.ModelForm):
    """One person on the council: typed by name, or picked from the portal's accounts."""

    class Meta:
        model = CouncilMember
        fields = ["full_name", "position", "organisation", "user", "role", "present"]
        widgets = {
            "user": FastSelect(attrs={"class": "form-select form-select-sm"}),
            "role": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "present": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
        field_classes = {"user": KnownModelChoiceField}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.email
        # `people`: read once by the formset for every row (not a query per row).
        share(self.fields["user"], people)
        self.fields["full_name"].required = False

    def clean(self):
        data = super().clean()
        if not (data.get("full_name") or "").strip() and not data.get("user") and self.has_changed():
            self.add_error("full_name", _("Write the member's full name (or pick their account)."))
        return data


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, district_ids, **kwargs):
        instance = kwargs.get("instance")
        people = district_people(district_ids)
        if instance is not None and instance.pk:
            # Members linked to an account keep it even when it has no role here (any more).
            linked = instance.members.exclude(user=None).values("user_id")
            people = User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk__in=linked)).order_by("full_name")
        self.people = list(people.only("pk", "full_name", "email"))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            people=self.people,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        for role in (CouncilMember.Role.CHAIR, CouncilMember.Role.SECRETARY):
            holders = [f for f in kept if f.cleaned_data.get("role") == role]
            if len(holders) > 1:
                raise forms.ValidationError(
                    _("The council has one %(role)s: %(names)s.")
                    % {
                        "role": CouncilMember.Role(role).label,
                        "names": ", ".join(
                            f.cleaned_data.get("full_name") or str(f.cleaned_data["user"]) for f in holders
                        ),
                    }
                )
        users = [f.cleaned_data["user"] for f in kept if f.cleaned_data.get("user")]
        twice = {u for u in users if users.count(u) > 1}
        if twice:
            raise forms.ValidationError(
                _("Each person is on the council once: %s.") % ", ".join(u.full_name or u.email for u in twice)
            )


MemberFormSet = forms.inlineformset_factory(
    CouncilMeeting, CouncilMember, form=MemberForm, formset=BaseMemberFormSet, extra=3, can_delete=True
)


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
    # What the row held when the page was shown (services.decision_fingerprint): a row saved by
    # someone else meanwhile is not overwritten.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AgendaItem
        fields = [
            "decision",
            "reasons",
            "fix_by",
            "votes_for",
            "votes_against",
            "votes_abstained",
            "recused",
            "override_reason",
        ]
        widgets = {
            "reasons": forms.Textarea(attrs={"rows": 2}),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
            "fix_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recused": forms.CheckboxSelectMultiple,
        }
        # The members present, read once for the whole agenda (not a query per row).
        field_classes = {"recused": KnownModelMultipleChoiceField}

    def __init__(self, *args, context, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        self.fields["seen"].initial = services.decision_fingerprint(self.instance)
        self.conflicts = context.conflicts.get(self.instance.pk, set())
        share(self.fields["recused"], context.present)
        self.fields["recused"].label = _("Abstain for a conflict of interest")
        if not self.is_bound and self.conflicts:
            ticked = {getattr(m, "pk", m) for m in self.initial.get("recused", [])}
            self.initial["recused"] = sorted(ticked | self.conflicts)
        application = self.instance.application if self.instance.application_id else None
        progress = context.progress.get(self.instance.application_id)
        awards_status = application is not None and application.call.purpose == Call.Purpose.STATUS
        self.unfinished = progress if awards_status and services.expertise_unfinished(progress) else None
        if self.unfinished is None:
            del self.fields["override_reason"]

    def _keep_theirs(self, data):
        """The row as someone else saved it after this page showed it: the values to save, or None.

        A row the person left as it was shown keeps the newer decision (its recorded values are
        saved back). A row they changed too is refused (None, with the error); the form shown again
        carries the row's new digest, so saving it once more replaces the other decision knowingly.
        """
        seen, current = data.get("seen"), self.fields["seen"].initial
        if not seen or seen == current:
            return data
        if services.decision_fingerprint(self.instance, data) == seen:
            kept = {name: getattr(self.instance, name) for name in services.DECISION_FIELDS}
            return {**data, **kept, "recused": list(self.instance.recused.all())}
        self.data = self.data.copy()
        self.data[self.add_prefix("seen")] = current
        return None

    def clean(self):
        data = super().clean()
        kept = self._keep_theirs(data)
        if kept is not None and kept is not data:
            return kept
        if kept is None:
            self.add_error(
                None,
                _(
                    "Someone else saved this decision after you opened the page (now: «%(decision)s», "
                    "for %(for)d, against %(against)d). Your version is kept below: save again to replace theirs."
                )
                % {
                    "decision": self.instance.get_decision_display() or "—",
                    "for": self.instance.votes_for or 0,
                    "against": self.instance.votes_against or 0,
                },
            )
        if data.get("decision") and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Write the reasons: the applicant receives them."))
        if data.get("decision") == AgendaItem.Decision.RETURN:
            fix_by = data.get("fix_by")
            if fix_by is None or fix_by < timezone.localdate():
                self.add_error("fix_by", _("Give the date, not in the past, by which the applicant revises."))
        else:
            data["fix_by"] = None
        # Members with a known conflict abstain whatever was ticked.
        recused = {*(data.get("recused") or []), *[m for m in self.context.present if m.pk in self.conflicts]}
        data["recused"] = sorted(recused, key=lambda m: (m.order, m.pk))
        votes = tuple(data.get(name) or 0 for name in ("votes_for", "votes_against", "votes_abstained"))
        problems = services.decision_problems(
            self.context,
            self.instance,
            decision=data.get("decision"),
            votes=votes,
            recused=data["recused"],
            override_reason=data.get("override_reason", ""),
        )
        for name, message in problems.items():
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)
        return data


DecisionFormSet = forms.modelformset_factory(AgendaItem, form=DecisionForm, extra=0)
