"""Plan items from and to Excel/CSV (django-import-export), into a plan chosen on the import form.

Columns are the plan's own: «Раздел» («1. Повышение квалификации»), «Номер», «Мероприятие»,
«Сроки», «Целевая аудитория», «Организаторы», «Ответственные», «Ожидаемый результат», «Место
проведения» (an institution of the plan's district by its short name). Rows are matched to
existing items by number, so a corrected sheet updates the plan instead of duplicating it.
The import is all or nothing: any row with an error rolls the whole file back, and the errors
name their rows.

A district plan sheet can hold thousands of rows, so the import works in bulk: what the rows
need from the database (the plan's items by number, its sections, the district's institutions)
is read once when the import starts, the items are written with ``bulk_create``/``bulk_update``,
and their parents, calendar months and organizers are set for all of them at the end
(``services.link_imported_items``). The number of queries does not depend on the rows.
"""

import copy

from diff_match_patch import diff_match_patch
from django import forms
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.forms import ConfirmImportForm, ImportForm

from accounts.models import Institution
from innovation_portal.importing import BoundaryResourceMixin, VerboseNameResourceMixin

from . import services
from .models import Plan, PlanItem, PlanSection
from .timeframes import parse_timeframe


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
        institution = self.resource.institution(name)
        if institution is None:
            raise ValueError(_("No institution «%(name)s» in the plan's district.") % {"name": name})
        return institution

    def render(self, value, obj=None, **kwargs):
        return value.short_name if value else ""


class PreviewDiff(resources.Diff):
    """The preview's cells, as import-export draws them, without a text diff where none is needed.

    A new item's cells and unchanged cells are drawn directly (the diff of a text against
    nothing, or against itself, is the text); only changed cells of an existing item are diffed.
    """

    def as_html(self):
        dmp = diff_match_patch()
        cells = []
        for left, right in zip(self.left, self.right, strict=False):
            if left != right and self.new:
                left = ""
            left, right = force_str(left), force_str(right)
            if left == right:
                diff = [(dmp.DIFF_EQUAL, left)] if left else []
            elif not left:
                diff = [(dmp.DIFF_INSERT, right)]
            else:
                diff = dmp.diff_main(left, right)
                dmp.diff_cleanupSemantic(diff)
            cells.append(mark_safe(dmp.diff_prettyHtml(diff)))  # diff_prettyHtml escapes the text
        return cells


class PlanItemResource(BoundaryResourceMixin, VerboseNameResourceMixin, resources.ModelResource):
    def __init__(self, plan=None, **kwargs):
        self.plan = plan
        self._loaded = False
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
        clean_model_instances = True
        use_transactions = True
        # Rows are written in batches, not one INSERT (and savepoint) each.
        use_bulk = True
        batch_size = 1000

    TEXT_FIELDS = ("number", "title", "timeframe_text", "audience", "organizers_text", "responsible", "expected_result")
    # What a row sets on an existing item (``number`` finds it; ``parent`` is set after all rows).
    UPDATE_FIELDS = (
        "section",
        "title",
        "timeframe_text",
        "audience",
        "organizers_text",
        "responsible",
        "expected_result",
        "host_institution",
        "understood",
        "timeframe_kind",
        "months",
        "dates",
        "deadline",
        "recurrence",
        "timeframe_note",
        "starts_on",
        "needs_review",
    )
    # Set from objects read for the plan, never from the sheet: no database check per row.
    TRUSTED_RELATIONS = ("plan", "section", "parent", "host_institution")

    # --- what the rows need, read once ---------------------------------------------------------

    def _load(self):
        if self._loaded:
            return
        if self.plan is None:
            raise ValueError(_("Choose the plan to import the items into."))
        plan = self.plan
        sections = list(PlanSection.objects.filter(plan=plan))
        self._sections = {}
        for section in sections:
            self._sections.setdefault((section.number, section.title), section)
        self._section_count = len(sections)
        self._items = {}
        self._last_order = 0
        items = PlanItem.objects.filter(plan=plan).select_related("section", "host_institution").order_by("order", "pk")
        for item in items:
            item.plan = plan
            self._items.setdefault(item.number, item)
            self._last_order = max(self._last_order, item.order)
        self._institutions = {}
        for institution in Institution.objects.filter(district_id=plan.district_id):
            self._institutions.setdefault(institution.short_name.casefold(), institution)
        self._timeframes = {}
        self._saved = {}
        self._loaded = True

    def section(self, number, title):
        self._load()
        key = (number, title)
        if key not in self._sections:
            self._section_count += 1
            self._sections[key] = PlanSection.objects.create(
                plan=self.plan, number=number, title=title, order=self._section_count
            )
        return self._sections[key]

    def institution(self, short_name):
        """The plan district's institution by its short name, in any letter case."""
        self._load()
        return self._institutions.get(short_name.casefold())

    def _timeframe(self, text):
        key = text or ""
        if key not in self._timeframes:
            self._timeframes[key] = parse_timeframe(key, self.plan.period_start, self.plan.period_end)
        return self._timeframes[key]

    # --- the import ----------------------------------------------------------------------------

    def get_diff_class(self):
        return PreviewDiff

    def get_queryset(self):
        queryset = PlanItem.objects.select_related("section", "host_institution")
        return queryset.filter(plan=self.plan) if self.plan is not None else queryset

    def get_instance(self, instance_loader, row):
        number = str(row.get(self.fields["number"].column_name) or "").strip()
        if not number or self.plan is None:
            return None
        self._load()
        return self._items.get(number)

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():  # a lazy name is translated again at every lookup of every row
            field.column_name = str(field.column_name) if field.column_name is not None else None
        self._loaded = False
        self._load()

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing: a row that does not validate rolls back the rows around it too.
        kwargs["rollback_on_validation_errors"] = True
        # The commit shows no cell-by-cell diff (the admin answers with the totals), so none is
        # built: no copy of every item, no export of its cells twice, no HTML. Whether a row is
        # unchanged is still decided, from the cells as they were (``after_init_instance``).
        self._meta = copy.copy(type(self)._meta)
        self._meta.skip_diff = not dry_run
        return super().import_data(dataset, dry_run, raise_errors, use_transactions, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if self._meta.skip_diff:
            instance._cells_before = [field.get_value(instance) for field in self.get_import_fields()]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        # As the library decides with the diff's copy: unchanged when every imported cell is as it was.
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        before = getattr(instance, "_cells_before", None)
        now = [field.get_value(instance) for field in self.get_import_fields()]
        return before is not None and now == before

    def import_instance(self, instance, row, **kwargs):
        instance.plan = self.plan
        super().import_instance(instance, row, **kwargs)
        for name in self.TEXT_FIELDS:  # an empty cell is an empty text, not a missing one
            if getattr(instance, name) is None:
                setattr(instance, name, "")
        instance.plan = self.plan
        if instance.section_id is None:
            instance.section = self.section("", "")
        if not instance.pk and not instance.order:
            self._last_order += 1
            instance.order = self._last_order
        services.apply_timeframe(
            instance, self.plan.period_start, self.plan.period_end, parsed=self._timeframe(instance.timeframe_text)
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # The relations are the plan's own objects, read once: checking each in the database
            # would be a query per relation per row. The fields' own checks (lengths, blanks) run.
            instance.full_clean(
                exclude=[*errors, *self.TRUSTED_RELATIONS], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if instance.pk is None and id(instance) in self._saved:
            return  # already waiting to be created: the later row's values go in with it
        super().save_instance(instance, is_create, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        self._saved[id(instance)] = instance
        if instance.number:
            # A number repeated further down the sheet updates this item, as it would once saved.
            self._items.setdefault(instance.number, instance)

    def get_bulk_update_fields(self):
        return list(self.UPDATE_FIELDS)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors() or not self._loaded:
            return  # rolled back: nothing to link
        saved = [item for item in self._saved.values() if item.pk is not None]
        services.link_imported_items(self.plan, saved)

    def get_export_headers(self, selected_fields=None):
        return [str(h) for h in super().get_export_headers(selected_fields)]


class PlanItemImportForm(ImportForm):
    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), queryset=Plan.objects.none())


class PlanItemConfirmImportForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), widget=forms.HiddenInput)
