"""Shared pieces for spreadsheet imports through django-import-export."""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from innovation_portal import boundary


def decode_text(data: bytes) -> str:
    """The text of an uploaded CSV in UTF-8 (with or without BOM) or Windows-1251 (Excel's default).

    UTF-8 is tried first: a Windows-1251 text almost never decodes as UTF-8, while any bytes
    decode as Windows-1251 (bar a few), so the other order would garble UTF-8 files.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


class RussianCSV(CSV):
    """CSV that accepts both UTF-8 (with or without BOM) and Windows-1251.

    Russian offices save CSV from Excel in Windows-1251 by default and from LibreOffice in
    UTF-8; nobody should have to know which they have. The file is kept as bytes and
    decoded here (`decode_text`).
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        return super(CSV, self).create_dataset(in_stream, **kwargs)


IMPORT_FORMATS = [XLSX, RussianCSV]
EXPORT_FORMATS = [XLSX, CSV]


class VerboseNameResourceMixin:
    """Columns are headed by the model fields' (translated) verbose names.

    Methodists keep spreadsheets with Russian headers («Краткое наименование»), not code
    names; the same headers work for export and for importing the exported file back.
    Fields declared with an explicit column name keep it.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        model = self._meta.model
        for field in self.fields.values():
            if field.column_name != field.attribute or not field.attribute:
                continue
            try:
                verbose = model._meta.get_field(field.attribute).verbose_name
            except FieldDoesNotExist:  # a computed column keeps its own name
                continue
            field.column_name = str(verbose)[:1].upper() + str(verbose)[1:]


def _accounts():
    # By name: the helpers here sit below the apps and do not import them.
    from django.apps import apps

    return apps.get_model("accounts", "District"), apps.get_model("accounts", "RoleAssignment")


class BoundaryResourceMixin:
    """Every imported row stays within the importing methodist's districts.

    The district of a row comes from the model's ``district_path`` (innovation_portal.boundary),
    both for the record as it was (an existing school matched by the row) and as the row would
    leave it: a row that would touch another district's record, or create one there, is a
    validation error of that row, and as imports are all-or-nothing nothing is written.
    A superuser, and a command run without a user, import anywhere.
    """

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance._districts_before = frozenset() if new else boundary.district_ids_of(instance)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        refusal = self.boundary_error(instance, kwargs.get("user"))
        if refusal:
            errors.setdefault(NON_FIELD_ERRORS, []).append(refusal)
        if errors:
            raise ValidationError(errors)

    def boundary_error(self, instance, user):
        if user is None or user.is_superuser:
            return None
        District, RoleAssignment = _accounts()
        allowed = user.district_ids(RoleAssignment.Role.METHODIST)
        touched = set(getattr(instance, "_districts_before", ())) | set(boundary.district_ids_of(instance))
        foreign = touched - allowed
        if not foreign:
            return None
        names = ", ".join(District.objects.filter(pk__in=foreign).order_by("name").values_list("name", flat=True))
        return _("This row belongs to %(districts)s: you can import only into your own districts.") % {
            "districts": names
        }
