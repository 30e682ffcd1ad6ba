"""Back-office building blocks shared by every app's admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

admin.site.site_header = _("Innovation portal: back office")
admin.site.site_title = _("Innovation portal")
admin.site.index_title = _("Back office")


def methodist_district_ids(user):
    from accounts.models import RoleAssignment

    return user.district_ids(RoleAssignment.Role.METHODIST)


class ScopedChoicesMixin:
    """Choice lists (and raw-id lookups) offer a methodist only records of their districts.

    The target model's own admin decides what is "theirs": whatever its get_queryset
    returns for this user. So a Krasnoselsky methodist cannot attach an item to an
    Admiralteysky plan, or name another district's user an editor, even by typing an id.
    """

    def _scoped(self, request, db_field, field):
        if field is None or request.user.is_superuser:
            return field
        target_admin = admin.site._registry.get(db_field.related_model)
        if target_admin is not None and hasattr(target_admin, "district_lookup"):
            field.queryset = field.queryset.filter(pk__in=target_admin.get_queryset(request).values("pk"))
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(request, db_field, super().formfield_for_manytomany(db_field, request, **kwargs))


class DistrictScopedAdmin(ScopedChoicesMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """A model admin whose lists show a methodist only their own districts' records.

    ``district_lookup`` is the ORM path from the model to its district. Permissions are
    asked of django-rules (see each app's rules.py), object by object; choice lists are
    narrowed the same way (ScopedChoicesMixin).
    """

    district_lookup = "district"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.district_lookup}__in": methodist_district_ids(request.user)})

    def has_add_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
