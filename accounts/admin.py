from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsTabularInline

from innovation_portal.admin import DistrictScopedAdmin, ScopedChoicesMixin, bound_package_lists, methodist_district_ids
from innovation_portal.importing import PortalImportExportMixin

from . import services
from .models import District, Institution, RoleAssignment, User
from .resources import InstitutionResource


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    list_display = ("name", "short_name", "centre_name")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("short_name",)}


@admin.register(Institution)
class InstitutionAdmin(PortalImportExportMixin, DistrictScopedAdmin):
    resource_classes = [InstitutionResource]
    list_display = ("short_name", "kind", "district", "head_name", "email", "is_active")
    list_filter = ("district", "kind", "is_active")
    search_fields = ("short_name", "full_name", "number", "head_name")
    list_select_related = ("district",)
    fieldsets = (
        (None, {"fields": ("district", "kind", "number", "short_name", "full_name", "is_active")}),
        (_("Contacts"), {"fields": ("legal_address", "head_name", "head_position", "phone", "email", "website")}),
    )

    def has_import_permission(self, request):
        return request.user.has_perm("accounts.add_institution")

    def has_export_permission(self, request):
        return request.user.has_perm("accounts.view_institution")


class RoleInline(ScopedChoicesMixin, ObjectPermissionsTabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("institution",)
    fields = ("role", "district", "institution")


@admin.register(User)
class UserAdmin(BaseUserAdmin, DistrictScopedAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    inlines = [RoleInline]
    list_display = ("full_name", "email", "position", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "roles__role")
    search_fields = ("full_name", "email")
    ordering = ("full_name",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "position", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined", "is_staff")

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        queryset = queryset.exclude(is_superuser=True)
        # A methodist sees the people who hold a role in their districts, and people
        # without any role yet (just created, about to be given one).
        district_ids = methodist_district_ids(request.user)
        return (queryset.filter(roles__district__in=district_ids) | queryset.filter(roles__isnull=True)).distinct()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Superuser status and raw permissions are not a methodist's to hand out.
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(
                        f for f in opts["fields"] if f not in {"is_superuser", "groups", "user_permissions"}
                    ),
                },
            )
            for name, opts in fieldsets
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.sync_back_office_access(form.instance)


# The packages listed before the portal's apps (axes, celery beat) have registered their admins by now.
bound_package_lists()
