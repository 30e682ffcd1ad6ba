from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from innovation_portal.files import FileValidator
from innovation_portal.years import parse_period

from .models import Execution, Plan
from .services import MAX_PLAN_FILE_MB


class PlanFilterForm(forms.Form):
    """The filters of a plan's public page (GET); unknown values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    month = forms.ChoiceField(label=_("Month"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    organizer = forms.ChoiceField(label=_("Organizer"), required=False)
    institution = forms.TypedChoiceField(label=_("Host institution"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, plan, choices):
        super().__init__(data)
        from django.utils.formats import date_format

        everything = [("", _("all"))]
        self.fields["month"].choices = everything + [
            (f"{m:%Y-%m}", date_format(m, "F Y").capitalize()) for m in plan.months
        ]
        self.fields["audience"].choices = everything + [(a, a) for a in choices["audiences"]]
        self.fields["organizer"].choices = everything + [(a, a) for a in choices["organizers"]]
        self.fields["institution"].choices = everything + [(str(pk), name) for pk, name in choices["hosts"]]

    def filters(self):
        from .selectors import parse_month

        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "month": parse_month(data["month"]),
            "audience": data["audience"],
            "organizer": data["organizer"],
            "institution": data["institution"],
        }


class PlanUploadForm(forms.Form):
    """Step one of the import: the file (Word, Excel or CSV) and where the plan belongs."""

    file = forms.FileField(
        label=_("Plan file (.docx, .xlsx or .csv)"),
        help_text=_(
            "Word: the plan is the table of the document, its title the paragraph above the table. "
            "Excel or CSV: the header row may stand below title rows; sections may be rows of their own."
        ),
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    period = forms.CharField(label=_("Period"), max_length=9, help_text=_("2023/2024 or 2022"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices, initial=Plan.Kind.PLAN)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.all()
        if not user.is_superuser:
            districts = districts.filter(pk__in=user.district_ids("methodist"))
        self.fields["district"].queryset = districts
        if districts.count() == 1:
            self.fields["district"].initial = districts.first()

    def clean_file(self):
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if name.endswith(".csv"):
            # a CSV has no signature to sniff: it must be text, within the size limit
            if file.size > MAX_PLAN_FILE_MB * 1024 * 1024:
                raise ValidationError(
                    _("The file is too large: at most %(max)d MB is allowed.") % {"max": MAX_PLAN_FILE_MB}
                )
            file.seek(0)
            if b"\x00" in file.read(65536):
                raise ValidationError(_("This is not a CSV text file; save the sheet from Excel as CSV."))
            file.seek(0)
            return file
        if not name.endswith((".docx", ".xlsx")):
            raise ValidationError(
                _(
                    "Upload the plan as a Word document (.docx), an Excel workbook (.xlsx) or CSV; save a .doc or .xls in the new format first."
                )
            )
        FileValidator("document", max_mb=MAX_PLAN_FILE_MB)(file)
        file.seek(0)
        return file

    def clean_period(self):
        return parse_period(self.cleaned_data["period"]).label


class PlanTableForm(forms.Form):
    """The preview's «import this table instead»: the table of the Word document to read the plan from."""

    table = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10000)


class OccurrenceForm(forms.Form):
    """The mark of one occurrence: held (when, how many came, materials), moved (to when), cancelled."""

    execution = forms.ChoiceField(label=_("Execution"), choices=Execution.choices)
    executed_on = forms.DateField(
        label=_("Held on / moved to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    participants = forms.IntegerField(label=_("Participants"), required=False, min_value=0, max_value=100000)
    materials_url = forms.URLField(label=_("Link to materials"), required=False, max_length=500, assume_scheme="https")
    materials_file = forms.FileField(
        label=_("File of materials"),
        required=False,
        validators=[FileValidator("any", max_mb=20)],
        help_text=_("A document, a presentation, photos or an archive, up to 20 MB."),
        # A new file replaces the earlier one; there is nothing to «clear» (which would hand the mark False).
        widget=forms.FileInput,
    )
    report = forms.CharField(
        label=_("Short report"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        from django.utils import timezone

        data = super().clean()
        status = data.get("execution")
        day = data.get("executed_on")
        if status in (Execution.HELD, Execution.MOVED) and not day:
            self.add_error("executed_on", _("Give the date the event was held on or moved to."))
        elif status == Execution.HELD and day > timezone.localdate():
            self.add_error(
                "executed_on",
                _("The event cannot be marked held on %(date)s: that day has not come yet.")
                % {"date": day.strftime("%d.%m.%Y")},
            )
        if status != Execution.HELD and (data.get("participants") is not None or data.get("materials_file")):
            self.add_error("participants", _("Participants and materials go with a held event only."))
        return data
