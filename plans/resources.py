"""Plan items from and to Excel/CSV (django-import-export), into a plan chosen on the import form.

Columns are the plan's own: «Раздел» («1. Повышение квалификации»), «Номер», «Мероприятие»,
«Сроки», «Целевая аудитория», «Организаторы», «Ответственные», «Ожидаемый результат», «Место
проведения» (an institution of the plan's district by its short name). Rows are matched to
existing items by number, so a corrected sheet updates the plan instead of duplicating it.
The import is all or nothing: any row with an error rolls the whole file back, and the errors
name their rows.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.forms import ConfirmImportForm, ImportForm

from accounts.models import Institution
from innovation_portal.importing import VerboseNameResourceMixin

from . import services
from .models import Plan, PlanItem, PlanSection


class SectionWidget(widgets.Widget):
    """«1. Повышение квалификации» → that section of the plan, created when it is new."""

    def __init__(self, resource, **kwargs):
        self.resource = resource
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        number, _sep, title = text.partition(" ")
        if not number.rstrip(".").replace(".", "").isdigit():
            number, title = "", text
        return self.resource.section(number, title)

    def render(self, value, obj=None, **kwargs):
        return str(value) if value and (value.number or value.title) else ""


class InstitutionWidget(widgets.Widget):
    def __init__(self, resource, **kwargs):
        self.resource = resource
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        name = " ".join(str(value or "").split())
        if not name:
            return None
        institution = Institution.objects.filter(
            district_id=self.resource.plan.district_id, short_name__iexact=name
        ).first()
        if institution is None:
            raise ValueError(_("No institution «%(name)s» in the plan's district.") % {"name": name})
        return institution

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


class PlanItemResource(VerboseNameResourceMixin, resources.ModelResource):
    def __init__(self, plan=None, **kwargs):
        self.plan = plan
        self._sections = {}
        super().__init__(**kwargs)
        self.fields["section"] = fields.Field(
            attribute="section", column_name=gettext_lazy("Section"), widget=SectionWidget(self)
        )
        self.fields["host_institution"] = fields.Field(
            attribute="host_institution", column_name=gettext_lazy("Host institution"), widget=InstitutionWidget(self)
        )
        self.fields["timeframe_note"] = fields.Field(
            attribute="timeframe_note", column_name=gettext_lazy("How the timeframe was read"), readonly=True
        )

    class Meta:
        model = PlanItem
        fields = (
            "section",
            "number",
            "title",
            "timeframe_text",
            "audience",
            "organizers_text",
            "responsible",
            "expected_result",
            "host_institution",
            "timeframe_note",
        )
        export_order = fields
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True
        rollback_on_validation_errors = True
        clean_model_instances = True
        use_transactions = True

    TEXT_FIELDS = ("number", "title", "timeframe_text", "audience", "organizers_text", "responsible", "expected_result")

    def section(self, number, title):
        key = (number, title)
        if key not in self._sections:
            section = PlanSection.objects.filter(plan=self.plan, number=number, title=title).first()
            if section is None:
                order = PlanSection.objects.filter(plan=self.plan).count() + 1
                section = PlanSection.objects.create(plan=self.plan, number=number, title=title, order=order)
            self._sections[key] = section
        return self._sections[key]

    def get_queryset(self):
        queryset = PlanItem.objects.select_related("section", "host_institution")
        return queryset.filter(plan=self.plan) if self.plan is not None else queryset

    def get_instance(self, instance_loader, row):
        number = str(row.get(self.fields["number"].column_name) or "").strip()
        if not number or self.plan is None:
            return None
        return PlanItem.objects.filter(plan=self.plan, number=number).first()

    def before_import(self, dataset, **kwargs):
        if self.plan is None:
            raise ValueError(_("Choose the plan to import the items into."))

    def import_instance(self, instance, row, **kwargs):
        instance.plan = self.plan
        super().import_instance(instance, row, **kwargs)
        for name in self.TEXT_FIELDS:  # an empty cell is an empty text, not a missing one
            if getattr(instance, name) is None:
                setattr(instance, name, "")
        instance.plan = self.plan
        if instance.section_id is None:
            instance.section = self.section("", "")
        if not instance.pk:
            last = PlanItem.objects.filter(plan=self.plan).order_by("-order").values_list("order", flat=True).first()
            instance.order = (last or 0) + 1
        services.apply_timeframe(instance, self.plan.period_start, self.plan.period_end)
        parent_number = instance.number.rstrip(".").rsplit(".", 1)[0] if "." in instance.number.rstrip(".") else ""
        instance.parent = (
            PlanItem.objects.filter(plan=self.plan, number__in=[parent_number, parent_number + "."]).first()
            if parent_number
            else None
        )

    def after_save_instance(self, instance, row, **kwargs):
        services.refresh_item_timeframe(instance)
        services.link_organizers(instance)

    def get_export_headers(self, selected_fields=None):
        return [str(h) for h in super().get_export_headers(selected_fields)]


class PlanItemImportForm(ImportForm):
    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), queryset=Plan.objects.none())


class PlanItemConfirmImportForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), widget=forms.HiddenInput)
