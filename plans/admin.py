from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules.contrib.admin import ObjectPermissionsTabularInline

from accounts.models import Institution
from innovation_portal.admin import DistrictScopedAdmin, ScopedChoicesMixin
from innovation_portal.importing import PortalImportExportMixin
from innovation_portal.workflow import TransitionError
from innovation_portal.years import parse_period

from . import selectors, services
from .models import Plan, PlanAbbreviation, PlanItem, PlanSection
from .resources import PlanItemConfirmImportForm, PlanItemImportForm, PlanItemResource


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ("district", "title", "kind", "period_label", "approved_on", "approval_document")

    def clean_period_label(self):
        period = parse_period(self.cleaned_data["period_label"])
        self.instance.period_start, self.instance.period_end = period.start, period.end
        return period.label


class _PlanChildInline:
    """Inlines offer only the edited plan's sections and items, and its district's institutions."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        plan = getattr(request, "_edited_plan", None)
        if field is None:
            return field
        if db_field.name in ("section", "parent"):
            field.queryset = field.queryset.filter(plan=plan) if plan else field.queryset.none()
        elif db_field.name == "host_institution":
            field.queryset = (
                Institution.objects.filter(district=plan.district_id) if plan else Institution.objects.none()
            )
        return field


class SectionInline(_PlanChildInline, ScopedChoicesMixin, ObjectPermissionsTabularInline):
    model = PlanSection
    extra = 0
    fields = ("order", "number", "title")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 80})}}


class AbbreviationInline(ScopedChoicesMixin, ObjectPermissionsTabularInline):
    model = PlanAbbreviation
    extra = 0
    fields = ("abbr", "meaning")


@admin.register(Plan)
class PlanAdmin(DistrictScopedAdmin):
    form = PlanForm
    change_list_template = "admin/plans/plan/change_list.html"
    list_display = ("title_short", "district", "period_label", "kind", "status", "flagged")
    list_filter = ("district", "status", "kind", "period_label")
    search_fields = ("title",)
    list_select_related = ("district",)
    readonly_fields = ("status", "source_name", "items_summary")
    # Items are edited in their own list (search, pages, a filter by plan): 73 inline forms with
    # institution and parent selects made the plan's page take seconds and megabytes. Here: a
    # summary per section with links to that list.
    inlines = [SectionInline, AbbreviationInline]
    actions = ["approve", "publish", "withdraw"]
    change_form_template = "admin/plans/plan/change_form.html"
    fieldsets = (
        (None, {"fields": ("district", "title", "kind", "period_label", "approved_on", "approval_document")}),
        (_("Status"), {"fields": ("status", "source_name")}),
        (_("Items"), {"fields": ("items_summary",)}),
    )
    # The buttons on the plan's page: (status to move to, button text).
    STATUS_BUTTONS = (
        (Plan.Status.APPROVED, _("Approve the plan")),
        (Plan.Status.PUBLISHED, _("Publish the plan")),
        (Plan.Status.DRAFT, _("Return the plan to draft")),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:1]

    @admin.display(description=_("items of the plan"))
    def items_summary(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        items_url = reverse("admin:plans_planitem_changelist")
        counts = {
            row["section_id"]: row
            for row in obj.items.values("section_id").annotate(
                total=Count("pk"), flagged=Count("pk", filter=Q(needs_review=True))
            )
        }
        rows = []
        for section in [*obj.sections.all(), None]:
            found = counts.get(section.pk if section else None)
            if not found:
                continue
            query = f"plan__id__exact={obj.pk}&" + (f"section={section.pk}" if section else "section__isnull=True")
            rows.append(
                (
                    f"{items_url}?{query}",
                    f"{section.number} {section.title}".strip() if section else _("without a section"),
                    found["total"],
                    found["flagged"] or "",
                )
            )
        total = sum(row["total"] for row in counts.values())
        summary = format_html(
            '<p><a href="{}?plan__id__exact={}">{}</a> · <a href="{}?plan={}">{}</a></p>',
            items_url,
            obj.pk,
            ngettext("Open the %(n)d item of the plan", "Open the %(n)d items of the plan", total) % {"n": total},
            reverse("admin:plans_planitem_add"),
            obj.pk,
            _("Add an item"),
        )
        if not rows:
            return summary
        return format_html(
            "{}<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            summary,
            _("section"),
            _("items"),
            _("timeframes to look at"),
            format_html_join("", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>', rows),
        )

    def get_urls(self):
        own = [
            path(
                "<int:pk>/status/<str:to>/",
                self.admin_site.admin_view(require_POST(self.status_view)),
                name="plans_plan_status",
            )
        ]
        return own + super().get_urls()

    def status_view(self, request, pk, to):
        plan = get_object_or_404(self.get_queryset(request), pk=pk)
        if to not in Plan.Status.values or not request.user.has_perm("plans.manage_plan", plan):
            raise PermissionDenied
        try:
            services.change_plan_status(plan, to, by=request.user)
        except TransitionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, _("The plan is now «%(status)s».") % {"status": plan.get_status_display()}, messages.SUCCESS
            )
        return redirect("admin:plans_plan_change", plan.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, unquote(object_id))  # None for an id that is no plan's
        buttons = []
        if plan is not None and request.user.has_perm("plans.manage_plan", plan):
            buttons = [(to, label) for to, label in self.STATUS_BUTTONS if Plan.workflow.can_move(plan.status, to)]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "status_buttons": buttons})

    @admin.display(description=_("title"))
    def title_short(self, obj):
        return obj.title[:120]

    @admin.display(description=_("timeframes to look at"))
    def flagged(self, obj):
        return obj.flagged_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flagged_count=Count("items", filter=Q(items__needs_review=True)))

    def get_form(self, request, obj=None, **kwargs):
        request._edited_plan = obj
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("approval_document")
        if upload and "approval_document" in form.changed_data:
            obj.approval_document_name = upload.name[:255]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "period_label" in form.changed_data:
            services.refresh_plan_timeframes(obj)

    def _change_status(self, request, queryset, to):
        done = 0
        for plan in queryset:
            if not request.user.has_perm("plans.manage_plan", plan):
                continue
            try:
                services.change_plan_status(plan, to, by=request.user)
            except TransitionError as error:
                self.message_user(request, f"{plan}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, ngettext("%(n)d plan changed.", "%(n)d plans changed.", done) % {"n": done}, messages.SUCCESS
            )

    @admin.action(description=_("Approve the selected plans"))
    def approve(self, request, queryset):
        self._change_status(request, queryset, Plan.Status.APPROVED)

    @admin.action(description=_("Publish the selected plans"))
    def publish(self, request, queryset):
        self._change_status(request, queryset, Plan.Status.PUBLISHED)

    @admin.action(description=_("Return the selected plans to draft"))
    def withdraw(self, request, queryset):
        self._change_status(request, queryset, Plan.Status.DRAFT)


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = (
            "plan",
            "section",
            "parent",
            "number",
            "order",
            "group",
            "title",
            "timeframe_text",
            "needs_review",
            "audience",
            "organizers_text",
            "responsible",
            "expected_result",
            "host_institution",
            "responsible_user",
        )

    def clean(self):
        data = super().clean()
        plan = data.get("plan")
        for name in ("section", "parent"):
            value = data.get(name)
            if plan and value is not None and value.plan_id != plan.pk:
                self.add_error(name, ValidationError(_("This belongs to another plan.")))
        host = data.get("host_institution")
        if plan and host is not None and host.district_id != plan.district_id:
            self.add_error("host_institution", ValidationError(_("The institution is in another district.")))
        return data


@admin.register(PlanItem)
class PlanItemAdmin(PortalImportExportMixin, DistrictScopedAdmin):
    """Every item across plans: the place for the spreadsheet import and for finding flagged timeframes."""

    form = PlanItemForm
    resource_classes = [PlanItemResource]
    import_form_class = PlanItemImportForm
    import_template_name = "admin/plans/planitem/import.html"
    confirm_form_class = PlanItemConfirmImportForm
    list_display = ("number", "title_short", "timeframe_text", "needs_review", "plan")
    list_filter = ("needs_review", "plan__district", "plan")
    search_fields = ("number", "title", "timeframe_text")
    list_select_related = ("plan", "section")
    list_per_page = 50
    readonly_fields = ("timeframe_note", "months", "dates", "occurrence_marks")
    autocomplete_fields = ("plan", "parent", "host_institution", "responsible_user")

    def get_changeform_initial_data(self, request):
        """`?plan=<pk>` (the plan page's «Add an item»): the new item is that plan's."""
        initial = super().get_changeform_initial_data(request)
        plan = selectors.managed_plans(request.user).filter(pk=request.GET.get("plan") or 0).first()
        if plan is not None:
            initial["plan"] = plan.pk
        return initial

    @admin.display(description=_("event"))
    def title_short(self, obj):
        return obj.title[:100]

    @admin.display(description=_("occurrences"))
    def occurrence_marks(self, obj):
        """Each occurrence and its mark, read-only: marks are made on the execution page."""
        from django.utils.html import format_html_join

        rows = obj.occurrences.all() if obj.pk else []
        return format_html_join(
            "",
            "<div>{} — {}{}</div>",
            (
                (
                    o.window_text or _("no date"),
                    o.get_execution_display(),
                    f" {o.executed_on:%d.%m.%Y}" if o.executed_on else "",
                )
                for o in rows
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_item_timeframe(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.link_organizers(form.instance)

    def has_import_permission(self, request):
        return request.user.has_perm("plans.import_plan")

    def has_export_permission(self, request):
        return request.user.has_perm("plans.view_planitem")

    def _plans(self, request):
        return selectors.managed_plans(request.user)

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["plan"].queryset = self._plans(request)
        return form

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form)
        form.fields["plan"].queryset = self._plans(request)
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if form is not None and hasattr(form, "cleaned_data"):
            resource_kwargs["plan"] = form.cleaned_data.get("plan")
        return resource_kwargs
