"""Back-office building blocks shared by every app's admin.

The line between districts is drawn here once, from each model's ``district_path``
(innovation_portal.boundary): lists, choice lists, raw-id lookups and autocompletes show a
methodist only their districts' records. The system check boundary.E002 refuses an admin
of our models that does not extend DistrictScopedAdmin.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core import checks
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from innovation_portal import boundary
from innovation_portal.choices import KnownAutocompleteSelect, KnownModelChoiceField, know
from innovation_portal.workflow import StateChange

admin.site.site_header = _("Innovation portal: back office")
admin.site.site_title = _("Innovation portal")
admin.site.index_title = _("Back office")


# Django's admin puts a model's name, in the nominative, into sentences whose Russian needs
# another case («Выберите пользователь для изменения», «заявка был успешно добавлен»). The
# project's catalogue (locale/, which comes before Django's) words them so that the name
# stands on its own; they are listed here so that makemessages keeps them.
DJANGO_WORDINGS = (
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
)


def methodist_district_ids(user):
    return user.methodist_district_ids


def visible_in_back_office(queryset, request):
    """What of `queryset` the back office shows this user: their districts' records (all for a superuser).

    A model with its own admin answers through that admin (which may narrow further, e.g.
    users hide superusers); any other model through its declared district.
    """
    if request.user.is_superuser:
        return queryset
    model_admin = admin.site._registry.get(queryset.model)
    if isinstance(model_admin, DistrictScopedAdmin):
        return queryset.filter(pk__in=model_admin.get_queryset(request).values("pk"))
    return boundary.within(queryset, methodist_district_ids(request.user), shared=True)


class ScopedChoicesMixin:
    """Choice lists (and raw-id lookups) offer a methodist only records of their districts.

    So a Krasnoselsky methodist cannot attach an item to an Admiralteysky plan, or name
    another district's user an editor, even by typing an id.
    """

    def _scoped(self, request, db_field, field):
        if field is None or request.user.is_superuser:
            return field
        field.queryset = visible_in_back_office(field.queryset, request)
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(request, db_field, super().formfield_for_manytomany(db_field, request, **kwargs))


class BoundedChangeList(ChangeList):
    """Django's list, where a date hierarchy outside the calendar is a filter it cannot apply.

    `?closes_at__year=9999` (the year after it does not exist) or a year of thirty digits make
    Python's dates fail outside the check Django has for «abc»; here they are the same invalid
    filter: the list again, without it (Django's «?e=1» redirect).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class BoundedDatesMixin:
    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


def bound_package_lists(site=admin.site):
    """The installed packages' lists with a date hierarchy (axes, celery beat) get BoundedChangeList too.

    Called once the packages' admins are registered (from the first portal app's admin): each
    is registered again as a subclass of itself with the mixin.
    """
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, BoundedDatesMixin) or not model_admin.date_hierarchy:
            continue
        bounded = type(type(model_admin).__name__, (BoundedDatesMixin, type(model_admin)), {})
        bounded.__module__ = type(model_admin).__module__
        site.unregister(model)
        site.register(model, bounded)


class DistrictScopedAdmin(BoundedDatesMixin, ScopedChoicesMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """A model admin whose lists show a methodist only their own districts' records.

    The district comes from the model's ``district_path``. Permissions are asked of
    django-rules (see each app's rules.py), object by object; choice lists are narrowed the
    same way (ScopedChoicesMixin). Installation-wide models are listed whole; their rules
    decide who may change them.

    A filtered list does not count the whole table again («12 of 40,000»): at region scale that
    second COUNT over a district's join was most of a list's time.
    """

    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return boundary.within(queryset, methodist_district_ids(request.user), shared=True)

    def has_add_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    # Headings name the model in the nominative, on its own: «Заявки», «Заявка: изменение».
    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": capfirst(self.opts.verbose_name_plural), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = capfirst(self.opts.verbose_name)
        if add:
            context["title"] = gettext("%(name)s: new record") % {"name": name}
        elif self.has_change_permission(request, obj):
            context["title"] = gettext("%(name)s: changing") % {"name": name}
        else:
            context["title"] = gettext("%(name)s: viewing") % {"name": name}
        return super().render_change_form(request, context, add, change, form_url, obj)


class StateLabelsMixin:
    """History rows (workflow.StateChange) show their states by label («черновик → подана»), never the codes.

    `from_state`/`to_state` in list_display, fields and readonly_fields are shown through
    the row's get_*_display(), so an admin or inline names the fields as usual.
    """

    LABELLED = {"from_state": "from_label", "to_state": "to_label"}

    @admin.display(description=_("from state"))
    def from_label(self, obj):
        return obj.get_from_state_display()

    @admin.display(description=_("to state"))
    def to_label(self, obj):
        return obj.get_to_state_display()

    def _labelled(self, names):
        return list(dict.fromkeys(self.LABELLED.get(name, name) for name in names))

    def get_list_display(self, request):
        return self._labelled(super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._labelled(super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if issubclass(self.model, StateChange):
            readonly += list(self.LABELLED)
        return self._labelled(readonly)


def choices_filter(field_name, title, choices):
    """A list filter on a field stored without choices (a history row's state), offering the labels."""

    class ChoicesFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            return list(choices)

        def queryset(self, request, queryset):
            return queryset.filter(**{field_name: self.value()}) if self.value() else queryset

    ChoicesFilter.title = title
    return ChoicesFilter


class _RowForm(forms.ModelForm):
    """A row of an inline: its foreign keys know the records loaded with the row (no query to name them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, KnownModelChoiceField) and name in self._known_relations:
                relation = self._meta.model._meta.get_field(name)
                if relation.is_cached(self.instance):
                    know(field, [getattr(self.instance, name)])

    @property
    def _known_relations(self):
        return {f.name for f in self._meta.model._meta.concrete_fields if f.is_relation}


class _RowsFormSet(forms.BaseInlineFormSet):
    """An inline's formset whose rows' ids, when saved, are found among the rows it loaded (not asked one by one)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            if not hasattr(self, "_rows_by_pk"):
                self._rows_by_pk = list(self.get_queryset())
            known = KnownModelChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget, empty_label=None
            )
            know(known, self._rows_by_pk)
            form.fields[name] = known


class RowsLoadedOnceMixin:
    """An inline that costs the same queries at 1 row and at 300.

    The rows come with the records they name (``row_select_related``, for their ``__str__``
    too); the autocompletes (``autocomplete_fields``, the only widget fit for a choice of more
    than ~200 records) name each row's record from the row itself rather than one query per
    row; and on saving, the rows' ids and their unchanged records are found among what was
    loaded. What still costs a query per row when saving: the rows' own UPDATEs, and the
    database's unique constraints, checked row by row by Django.
    """

    row_select_related = ()
    form = _RowForm
    formset = _RowsFormSet

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.row_select_related) if self.row_select_related else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
            kwargs.setdefault("form_class", KnownModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedTabularInline(ScopedChoicesMixin, admin.TabularInline):
    """A tabular inline whose choice lists stay within the methodist's districts."""


class ScopedStackedInline(ScopedChoicesMixin, admin.StackedInline):
    """A stacked inline whose choice lists stay within the methodist's districts."""


class AuditAdmin(StateLabelsMixin, DistrictScopedAdmin):
    """A history table in the back office: read, never added to, changed or deleted, by anyone.

    States are shown by their labels (StateLabelsMixin).
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Here rather than in boundary.py: boundary stays below the admin (admin reads it, not the reverse).
@checks.register(checks.Tags.admin)
def check_admins(app_configs=None, **kwargs):
    errors = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in boundary.PORTAL_APPS:
            continue
        if not isinstance(model_admin, DistrictScopedAdmin):
            errors.append(
                checks.Error(
                    f"{type(model_admin).__name__} does not extend DistrictScopedAdmin",
                    obj=model,
                    id="boundary.E002",
                )
            )
        for inline in model_admin.inlines:
            if not issubclass(inline, ScopedChoicesMixin):
                errors.append(
                    checks.Error(
                        f"{inline.__name__} does not extend ScopedChoicesMixin (its choice lists would cross districts)",
                        obj=model,
                        id="boundary.E003",
                    )
                )
    return errors
