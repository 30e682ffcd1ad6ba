from datetime import time

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innovation_portal.years import parse_period

from .models import Indicator, RatingEntry
from .services import is_duplicate, shown

Verification = RatingEntry.Verification
Scoring = Indicator.Scoring


class EntryForm(forms.ModelForm):
    """One event or publication the coordinator enters, with a link or a file as evidence."""

    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args, period=None, counted_elsewhere=frozenset(), portal_entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period  # the campaign's academic year (innovation_portal.years.Period)
        self.counted_elsewhere = counted_elsewhere  # {(title, date)} on the institution's other cards
        self.portal_entries = portal_entries  # what the portal already counts for this indicator

    class Meta:
        model = RatingEntry
        fields = ["title", "date", "level", "link", "evidence"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title": forms.TextInput(attrs={"placeholder": _("e.g. a seminar, a talk, an article")}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("title"):
            return data
        has_file = bool(data.get("evidence")) or bool(self.instance.pk and self.instance.evidence)
        if not data.get("link") and not has_file:
            raise forms.ValidationError(_("Give a link or attach a file as evidence."))
        day = data.get("date")
        if day and self.period and not (self.period.start <= day <= self.period.end):
            self.add_error(
                "date",
                _("The date is outside the %(year)s academic year (%(start)s – %(end)s).")
                % {
                    "year": self.period.label,
                    "start": self.period.start.strftime("%d.%m.%Y"),
                    "end": self.period.end.strftime("%d.%m.%Y"),
                },
            )
        if day and (normalised_title(data["title"]), day) in self.counted_elsewhere:
            self.add_error(
                "title",
                _(
                    "This event is already on your institution's card of another year. An event counts once, "
                    "unless the methodology centre allows it to count again."
                ),
            )
        if not self.portal_entries or "title" not in data:
            return data
        typed = RatingEntry(
            indicator_id=self.portal_entries[0].indicator_id,
            title=data["title"],
            date=day,
            link=data.get("link") or "",
        )
        twin = next((e for e in self.portal_entries if is_duplicate(typed, e)), None)
        if twin is not None:
            self.add_error(
                "title",
                _("The portal already counts this for the indicator: «%(title)s». Do not enter it again.")
                % {"title": twin.title},
            )
        return data

    def save(self, commit=True):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "content_type"):
            self.instance.evidence_name = upload.name[:255]
        return super().save(commit)


def normalised_title(title):
    return " ".join((title or "").lower().replace("ё", "е").split())


# No empty row per save: rows are added in the browser (static/js/formset-rows.js).
EntryFormSet = modelformset_factory(RatingEntry, form=EntryForm, extra=0, can_delete=True)


def entry_formsets(card, indicators, data=None, files=None):
    """A formset per indicator ({indicator: formset}), from two queries.

    Every indicator takes the institution's entries, automatic ones too: what the portal does
    not know (a journal article, a city expert, a talk in another district) is added by hand
    and verified; the portal's own entries stay read-only beside them.
    """
    entered = list(indicators)
    by_indicator = {indicator.pk: [] for indicator in entered}
    portal = {indicator.pk: [] for indicator in entered}
    for entry in RatingEntry.objects.filter(card=card).order_by("date", "pk"):
        if entry.indicator_id in by_indicator:
            (portal if entry.automatic else by_indicator)[entry.indicator_id].append(entry)
    form_kwargs = {}
    if data is not None:
        # What the institution counted on its other years' cards, unless a methodist let it count again.
        earlier = RatingEntry.objects.filter(
            card__institution_id=card.institution_id, automatic=False, may_count_again=False, date__isnull=False
        ).exclude(card=card)
        form_kwargs = {
            "period": parse_period(card.campaign.academic_year),
            "counted_elsewhere": frozenset(
                (normalised_title(title), day) for title, day in earlier.values_list("title", "date")
            ),
        }
    formsets = {}
    for indicator in entered:
        prefix = f"ind{indicator.pk}"
        if data is not None and indicator.is_automatic and f"{prefix}-TOTAL_FORMS" not in data:
            continue  # nothing added by hand to an automatic indicator: the portal's entries stand
        formset = EntryFormSet(
            data,
            files,
            queryset=RatingEntry.objects.none(),
            prefix=prefix,
            form_kwargs={**form_kwargs, "portal_entries": portal[indicator.pk]} if data is not None else {},
        )
        # The entries are already loaded for all indicators at once; a formset accepts them as a list.
        formset._queryset = by_indicator[indicator.pk]
        formsets[indicator] = formset
    return formsets


class VerifyEntryForm(forms.ModelForm):
    """A methodist's decision on an entry: accept, adjust the points, or reject with a comment."""

    class Meta:
        model = RatingEntry
        fields = ["verification", "points", "comment", "appeal_answer"]
        widgets = {
            "comment": forms.Textarea(attrs={"rows": 2}),
            "appeal_answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, duplicates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].required = False
        self.fields["points"].help_text = ""
        # The portal's entry this one repeats, if any: it cannot be accepted.
        self.duplicate_of = (duplicates or {}).get(self.instance.pk)
        if self.instance.indicator.scoring == Scoring.METHODIST:
            self.fields["points"].help_text = _("Up to %(limit)s; needed to accept.") % {
                "limit": shown(self.instance.indicator.points)
            }
        if not self.instance.appeal:
            del self.fields["appeal_answer"]

    def clean(self):
        data = super().clean()
        verification = data.get("verification")
        points = data.get("points")
        indicator = self.instance.indicator
        limit = indicator.limit
        scored_by_methodist = indicator.scoring == Scoring.METHODIST
        if verification == Verification.ADJUSTED or (verification == Verification.ACCEPTED and scored_by_methodist):
            if points is None:
                self.add_error(
                    "points",
                    _("Give the points: the methodist scores this indicator (up to %(limit)s).")
                    % {"limit": shown(indicator.points)}
                    if scored_by_methodist
                    else _("Give the points for an adjusted entry."),
                )
            elif points < 0 or (limit is not None and points > limit):
                self.add_error("points", _("The points must be between 0 and %(limit)s.") % {"limit": limit})
        if verification in RatingEntry.COUNTED and self.duplicate_of is not None:
            self.add_error(
                "verification",
                _("The portal already counts this as «%(title)s»: reject the copy.")
                % {"title": self.duplicate_of.title},
            )
        if verification in (Verification.ADJUSTED, Verification.REJECTED) and not data.get("comment", "").strip():
            self.add_error("comment", _("Explain the decision in a comment: the coordinator will read it."))
        return data

    def decision(self):
        data = self.cleaned_data
        return (
            self.instance,
            data["verification"],
            data.get("points"),
            data.get("comment", ""),
            data.get("appeal_answer", self.instance.appeal_answer),
        )


VerifyFormSet = modelformset_factory(RatingEntry, form=VerifyEntryForm, extra=0)


class AppealForm(forms.Form):
    """The coordinator's one answer to the verification: a text for each entry they contest."""

    def __init__(self, entries, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"entry_{entry.pk}"] = forms.CharField(
                label=entry.title, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self):
        data = super().clean()
        if not any((data.get(f"entry_{entry.pk}") or "").strip() for entry in self.entries):
            raise forms.ValidationError(_("Write what you disagree with for at least one entry."))
        return data

    def appeals(self):
        return [(entry, self.cleaned_data.get(f"entry_{entry.pk}", "")) for entry in self.entries]


class SlotGenerateForm(forms.Form):
    """Interview slots over a range of working days."""

    first_day = forms.DateField(label=_("first day"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("last day"), widget=forms.DateInput(attrs={"type": "date"}))
    day_start = forms.TimeField(
        label=pgettext_lazy("time", "from"),
        initial=time(10, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    day_end = forms.TimeField(
        label=_("until"), initial=time(16, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(label=_("minutes per slot"), initial=30, min_value=10, max_value=240)
    place = forms.CharField(label=_("place"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day is before the first."))
            elif (last - first).days > 62:
                self.add_error("last_day", _("At most two months of slots at once."))
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", _("The day must end after it starts."))
        return data
