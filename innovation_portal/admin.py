"""Back-office building blocks shared by every app's admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

admin.site.site_header = _("Innovation portal: back office")
admin.site.site_title = _("Innovation portal")
admin.site.index_title = _("Back office")


class DistrictScopedAdmin(ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """A model admin whose lists show a methodist only their own districts' records.

    ``district_lookup`` is the ORM path from the model to its district. Permissions are
    asked of django-rules (see each app's rules.py), object by object.
    """

    district_lookup = "district"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.district_lookup}__in": request.user.district_ids()})

    def has_add_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the user's own districts and their institutions in choice lists.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if request.user.is_superuser or field is None:
            return field
        district_ids = request.user.district_ids()
        model = db_field.related_model
        if model._meta.label == "accounts.District":
            field.queryset = field.queryset.filter(pk__in=district_ids)
        elif model._meta.label == "accounts.Institution":
            field.queryset = field.queryset.filter(district__in=district_ids)
        return field
