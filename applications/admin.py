"""Back office: catalogues, calls with their criteria/checklist/questions, applications, the registry."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from innovation_portal.admin import AuditAdmin, DistrictScopedAdmin, ScopedStackedInline, ScopedTabularInline

from .models import (
    Application,
    ApplicationEvent,
    Call,
    CallFile,
    CallQuestion,
    ChecklistItem,
    Criterion,
    DistrictProgramme,
    Extension,
    ExtensionRequest,
    StatusAward,
    StatusKind,
    TechnicalCheck,
)


@admin.register(StatusKind)
class StatusKindAdmin(DistrictScopedAdmin):
    list_display = ["name", "short_name", "level", "role", "district", "term_years", "is_active", "order"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "district" in form.base_fields:
            # A methodist's kind is their district's; shared kinds are the installation's.
            form.base_fields["district"].required = True
        return form


@admin.register(DistrictProgramme)
class DistrictProgrammeAdmin(DistrictScopedAdmin):
    list_display = ["name", "district", "is_active", "order"]
    list_filter = ["district", "is_active"]
    search_fields = ["name"]


class CriterionInline(ScopedStackedInline):
    model = Criterion
    extra = 0
    fields = [("order", "name"), "description", ("scale_min", "scale_max", "weight", "required"), "labels"]


class ChecklistInline(ScopedTabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["order", "text", "automatic"]


class QuestionInline(ScopedStackedInline):
    model = CallQuestion
    extra = 0
    fields = [("order", "kind", "required"), "text", "help", "choices"]


class CallFileInline(ScopedTabularInline):
    model = CallFile
    extra = 0
    fields = ["order", "title", "file"]


class ExtensionInline(ScopedTabularInline):
    model = Extension
    extra = 0
    fields = ["institution", "until", "reason", "granted_by"]
    readonly_fields = ["granted_by"]
    autocomplete_fields = ["institution"]


@admin.register(Call)
class CallAdmin(DistrictScopedAdmin):
    list_display = [
        "title",
        "district",
        "purpose",
        "status_kind",
        "academic_year",
        "opens_at",
        "closes_at",
        "is_published",
    ]
    list_filter = ["district", "purpose", "form", "academic_year", "is_published"]
    search_fields = ["title"]
    date_hierarchy = "closes_at"
    inlines = [CriterionInline, ChecklistInline, QuestionInline, CallFileInline, ExtensionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "district",
                    "purpose",
                    "status_kind",
                    "form",
                    "academic_year",
                    "title",
                    "rules",
                    "is_published",
                ]
            },
        ),
        (
            _("Stages"),
            {
                "fields": [
                    ("opens_at", "closes_at"),
                    "technical_check_date",
                    ("expertise_starts", "expertise_ends"),
                    "presentation_date",
                    "decision_date",
                    "reminder_offsets",
                ]
            },
        ),
        (
            _("Expertise"),
            {"fields": ["reviews_hidden_until_submitted", "blind", "aggregation", "disagreement_threshold"]},
        ),
    ]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, Extension) and obj.granted_by_id is None:
                obj.granted_by = request.user
            if isinstance(obj, CallFile) and obj.file and not obj.original_name:
                obj.original_name = obj.file.name
            obj.save()
        formset.save_m2m()


@admin.register(Application)
class ApplicationAdmin(DistrictScopedAdmin):
    """Applications are changed in the portal's own pages (one door for states); here they are read."""

    list_display = ["institution", "call", "state", "submitted_at", "updated_at"]
    list_filter = ["state", "call__district", "call"]
    search_fields = ["institution__short_name", "theme"]
    list_select_related = ["institution", "call"]
    readonly_fields = [
        "call",
        "institution",
        "state",
        "state_changed_at",
        "submitted_at",
        "created_by",
        "remarks",
        "fix_by",
    ]

    def has_change_permission(self, request, obj=None):
        return (
            False if obj is not None and not request.user.is_superuser else super().has_change_permission(request, obj)
        )


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(AuditAdmin):
    list_display = ["application", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state"]
    list_select_related = ["application__institution", "application__call", "by"]


@admin.register(TechnicalCheck)
class TechnicalCheckAdmin(AuditAdmin):
    list_display = ["application", "outcome", "by", "at"]
    list_select_related = ["application__institution", "application__call", "by"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(DistrictScopedAdmin):
    """Made by coordinators on the call's page and answered there by methodists; read and corrected here."""

    list_display = ["call", "institution", "requested_by", "created_at", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["call", "institution", "requested_by", "decided_by"]
    readonly_fields = ["requested_by", "created_at", "decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False


@admin.register(StatusAward)
class StatusAwardAdmin(DistrictScopedAdmin):
    """The registry; statuses granted elsewhere (ЭП, РИП, ФИП) are entered here by hand."""

    list_display = ["institution", "status_kind", "theme", "valid_from", "valid_to", "decision_body", "protocol_number"]
    list_filter = ["status_kind", "status_kind__level", "institution__district"]
    search_fields = ["institution__short_name", "theme"]
    list_select_related = ["institution", "status_kind"]
    autocomplete_fields = ["institution"]
    raw_id_fields = ["application"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
