"""Spreadsheet import and export of institutions (django-import-export)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from innovation_portal.importing import BoundaryResourceMixin, VerboseNameResourceMixin

from .models import District, Institution


class ChoiceLabelWidget(widgets.Widget):
    """Reads a choice by its Russian label or its code, writes the label."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().lower()
        if not text:
            raise ValueError(_("The kind is required."))
        for code, label in self.choices.choices:
            if text in (code, str(label).lower()):
                return code
        allowed = ", ".join(str(label) for _code, label in self.choices.choices)
        raise ValueError(
            _("Unknown kind «%(value)s»; expected one of: %(allowed)s.") % {"value": value, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class DistrictWidget(widgets.ForeignKeyWidget):
    """A district by its short or full name, as people write it."""

    def __init__(self, **kwargs):
        super().__init__(District, field="short_name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        name = (value or "").strip()
        if not name:
            raise ValueError(_("The district is required."))
        district = (
            District.objects.filter(short_name__iexact=name).first()
            or District.objects.filter(name__iexact=name).first()
        )
        if district is None:
            raise ValueError(_("Unknown district «%(value)s».") % {"value": name})
        return district


class InstitutionResource(BoundaryResourceMixin, VerboseNameResourceMixin, resources.ModelResource):
    district = fields.Field(attribute="district", column_name=gettext_lazy("District"), widget=DistrictWidget())
    kind = fields.Field(attribute="kind", column_name=gettext_lazy("Kind"), widget=ChoiceLabelWidget(Institution.Kind))

    class Meta:
        model = Institution
        # Rows are matched by district and short name, so re-importing an updated sheet
        # updates the institutions instead of duplicating them.
        import_id_fields = ("district", "short_name")
        fields = (
            "district",
            "kind",
            "number",
            "short_name",
            "full_name",
            "legal_address",
            "head_name",
            "head_position",
            "phone",
            "email",
            "website",
        )
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        # Validation errors roll the whole file back rather than importing the good rows.
        rollback_on_validation_errors = True
        clean_model_instances = True
        use_transactions = True

    def get_export_headers(self, selected_fields=None):
        return [str(h) for h in super().get_export_headers(selected_fields)]
