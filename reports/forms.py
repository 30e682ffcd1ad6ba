from django import forms
from django.utils.translation import gettext_lazy as _


class ReportFilterForm(forms.Form):
    """The district and academic year of the dashboard; choices are what the user may read."""

    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=None,
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    year = forms.ChoiceField(
        label=_("Academic year"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )

    def __init__(self, *args, districts, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["year"].choices = [(year, year) for year in years]
