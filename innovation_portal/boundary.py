"""Which district a record belongs to, declared once on each model.

Every model of the portal's own apps says how to reach its district, as an ORM path:

    class Review(models.Model):
        district_path = "assignment__application__call__district"

    class District(models.Model):
        district_path = "pk"                    # a district is its own

    class StatusKind(models.Model):
        district_path = boundary.INSTALLATION   # shared by every district

A path through a reverse or many-to-many relation (a user's ``roles__district``) makes the
record belong to every district it reaches; a nullable last step (a mail template's
``district``) makes a record without one installation-wide.

Everything that draws the line between districts reads that one declaration: the back
office's lists, choice lists and raw-id lookups (`innovation_portal.admin`), object
permissions (`accounts.rules.district_id_of`), every import, row by row
(`innovation_portal.importing.BoundaryResourceMixin`), and selectors (`within`). Nothing
else spells a district path. The system checks below stop the portal at start-up when a
model of our apps has no declaration or a declaration does not lead to a district; the one
in innovation_portal.admin when one of our models is in the back office under an admin that
does not draw the line.
"""

from functools import cache

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

# Records shared by the whole installation (kinds of status, the installation's default letters).
INSTALLATION = "__installation__"

# The apps whose models must declare their district.
PORTAL_APPS = {
    "accounts",
    "plans",
    "applications",
    "expertise",
    "ratings",
    "publications",
    "notifications",
    "exports",
    "reports",
    "conversations",
    "questionnaires",
    "conference",
}


def path_of(model):
    """The declared path of a model (class or instance); ImproperlyConfigured when missing."""
    model = model if isinstance(model, type) else type(model)
    path = getattr(model, "district_path", None)
    if not path:
        raise ImproperlyConfigured(f"{model._meta.label} does not declare district_path")
    return path


def is_installation_wide(model):
    return path_of(model) == INSTALLATION


@cache
def _steps(model):
    """The relation fields along a model's path, checked once per model."""
    path = path_of(model)
    if path in (INSTALLATION, "pk"):
        return ()
    fields = []
    current = model
    for name in path.split("__"):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"{model._meta.label}.district_path: no field «{name}» on {current}") from None
        if not field.is_relation:
            raise ImproperlyConfigured(f"{model._meta.label}.district_path: «{name}» is not a relation")
        fields.append(field)
        current = field.related_model
    if current._meta.label != "accounts.District":
        raise ImproperlyConfigured(f"{model._meta.label}.district_path does not end at a district")
    return tuple(fields)


def is_multi_valued(model):
    """True when a record may belong to several districts (the path crosses a to-many relation)."""
    return any(field.one_to_many or field.many_to_many for field in _steps(model))


def is_nullable(model):
    """True when a record may belong to no district (a nullable step): then it is installation-wide."""
    return any(getattr(field, "null", False) for field in _steps(model) if field.many_to_one)


def lookup(model):
    """The ORM lookup of the district's id, e.g. ``call__district``; None for installation-wide models."""
    path = path_of(model)
    if path == INSTALLATION:
        return None
    return path


def within(queryset, district_ids, *, shared=False):
    """The records of `queryset` that belong to one of `district_ids`.

    Installation-wide models are returned whole. With ``shared=True`` records of a model
    with a nullable path that belong to no district (the installation's defaults) are kept too.
    """
    model = queryset.model
    path = lookup(model)
    if path is None:
        return queryset
    from django.db.models import Q

    condition = Q(**{f"{path}__in": list(district_ids)})
    if shared and is_nullable(model):
        condition |= Q(**{f"{path}__isnull": True})
    queryset = queryset.filter(condition)
    return queryset.distinct() if is_multi_valued(model) else queryset


def district_ids_of(obj):
    """The ids of the districts a record belongs to (empty for installation-wide or unattached ones)."""
    if obj is None:
        return frozenset()
    path = path_of(obj)
    if path == INSTALLATION:
        return frozenset()
    if path == "pk":
        return frozenset({obj.pk}) if obj.pk else frozenset()
    objects = [obj]
    steps = _steps(type(obj))
    for index, field in enumerate(steps):
        last = index == len(steps) - 1
        following = []
        for current in objects:
            if field.many_to_one or field.one_to_one and field.concrete:
                if last:
                    value = getattr(current, field.attname)
                    if value is not None:
                        following.append(value)
                    continue
                related = getattr(current, field.name, None)
                if related is not None:
                    following.append(related)
            else:
                if current.pk is None:
                    continue
                manager = getattr(current, field.get_accessor_name() if field.auto_created else field.name)
                if last:
                    following.extend(manager.values_list("pk", flat=True))
                else:
                    following.extend(manager.all())
        objects = following
    return frozenset(objects)


def district_id_of(obj):
    """The one district of a record, or None (installation-wide, unattached, or several)."""
    ids = district_ids_of(obj)
    return next(iter(ids)) if len(ids) == 1 else None


def portal_models():
    return [model for model in apps.get_models() if model._meta.app_label in PORTAL_APPS]


@checks.register()
def check_declarations(app_configs=None, **kwargs):
    errors = []
    for model in portal_models():
        try:
            _steps(model)
        except ImproperlyConfigured as error:
            errors.append(
                checks.Error(
                    str(error),
                    hint="Add district_path = «path to the district», or boundary.INSTALLATION.",
                    obj=model,
                    id="boundary.E001",
                )
            )
    return errors


def q(model, district_ids):
    """A condition «belongs to one of `district_ids`» for composing with others (Q objects)."""
    from django.db.models import Q

    path = lookup(model)
    return Q() if path is None else Q(**{f"{path}__in": list(district_ids)})
