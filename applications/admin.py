"""Back office: catalogues, calls with their criteria/checklist/questions, applications, the registry."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from innovation_portal.admin import (
    AuditAdmin,
    DistrictScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    choices_filter,
)
from innovation_portal.workflow import TransitionError

from . import call_setup
from .call_forms import CriterionForm
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
    form = CriterionForm
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
    change_form_template = "admin/applications/call/change_form.html"
    # Published only by the button on the call's page, which checks the call is ready (call_setup).
    readonly_fields = ["is_published"]
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_published = False  # a new call is a draft until «Publish» finds it ready
        super().save_model(request, obj, form, change)

    def get_urls(self):
        own = [
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="applications_call_publish"),
            path(
                "<int:pk>/unpublish/",
                self.admin_site.admin_view(self.unpublish_view),
                name="applications_call_unpublish",
            ),
            path(
                "<int:pk>/copy-to-next-year/",
                self.admin_site.admin_view(self.copy_view),
                name="applications_call_copy",
            ),
        ]
        return own + super().get_urls()

    def _changeable(self, request, pk):
        call = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, call):
            raise PermissionDenied
        return call

    def _back(self, call):
        return redirect("admin:applications_call_change", call.pk)

    def publish_view(self, request, pk):
        return require_POST(self._publish)(request, pk)

    def _publish(self, request, pk):
        call = self._changeable(request, pk)
        try:
            call_setup.publish(call, by=request.user)
        except TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("The call is published: coordinators see it."), messages.SUCCESS)
        return self._back(call)

    def unpublish_view(self, request, pk):
        return require_POST(self._unpublish)(request, pk)

    def _unpublish(self, request, pk):
        call = self._changeable(request, pk)
        call_setup.unpublish(call, by=request.user)
        self.message_user(request, _("The call is hidden from coordinators."), messages.SUCCESS)
        return self._back(call)

    def copy_view(self, request, pk):
        return require_POST(self._copy)(request, pk)

    def _copy(self, request, pk):
        call = self._changeable(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        copy = call_setup.copy_to_next_year(call, by=request.user)
        self.message_user(
            request,
            _("Next year's call is made as an unpublished draft: check its dates and texts, then publish it."),
            messages.SUCCESS,
        )
        return self._back(copy)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        call = self.get_object(request, unquote(object_id))  # None for an id that is no call's
        if call is not None:
            extra_context.update(
                missing_for_publication=[] if call.is_published else call_setup.missing_for_publication(call),
                may_change_call=self.has_change_permission(request, call),
                may_add_call=self.has_add_permission(request),
            )
        return super().change_view(request, object_id, form_url, extra_context)

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
    autocomplete_fields = ["saved_by"]
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
    list_display = ["application_name", "from_state", "to_state", "by", "at"]
    list_filter = [choices_filter("to_state", _("to state"), Application.State.choices)]
    list_select_related = ["application__institution", "application__call", "by"]
    fields = ["application_name", "from_state", "to_state", "by", "at", "reason"]
    readonly_fields = ["application_name"]

    @admin.display(description=_("application"))
    def application_name(self, obj):
        return obj.application


@admin.register(TechnicalCheck)
class TechnicalCheckAdmin(AuditAdmin):
    list_display = ["application_name", "outcome", "by", "at"]
    list_select_related = ["application__institution", "application__call", "by"]
    fields = ["application_name", "outcome", "checklist", "remarks", "by", "at"]
    readonly_fields = ["application_name", "checklist"]

    @admin.display(description=_("application"))
    def application_name(self, obj):
        return obj.application

    @admin.display(description=_("checklist"))
    def checklist(self, obj):
        """The checklist as ticked, line by line (stored as data: item, text, ok, automatic)."""
        rows = [row for row in obj.results or [] if isinstance(row, dict)]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {}</li>",
                ((("✓" if row.get("ok") else "✗"), row.get("text", "")) for row in rows),
            ),
        )


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(DistrictScopedAdmin):
    """Made by coordinators on the call's page and answered there by methodists; read and corrected here."""

    list_display = ["call", "institution", "requested_by", "created_at", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["call", "institution", "requested_by", "decided_by"]
    readonly_fields = ["requested_by", "created_at", "decided_by", "decided_at"]
    autocomplete_fields = ["call", "institution"]

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
    exclude = ["created_by"]
    readonly_fields = ["created_by_name"]

    @admin.display(description=_("entered by"))
    def created_by_name(self, obj):
        return obj.created_by or "—"

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
