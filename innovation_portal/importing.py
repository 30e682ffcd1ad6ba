"""Shared pieces for spreadsheet imports and exports through django-import-export.

Exports write user text as data, never as a formula (OWASP «CSV injection»): `InertXLSX`
writes the workbook through innovation_portal.spreadsheets (a text starting with = + - @, a
tab or a carriage return is a quote-prefixed string cell), `InertCSV` puts an apostrophe
before such a text and quotes every cell. The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT
is not used: it only drops a leading «=» (changing the text, leaving + - @ live) and turns
every cell, numbers and dates too, into text.

`PortalImportExportMixin` is the back office's import and export: these formats, cell types
kept in the XLSX, and a confirmation step that imports only a file this person uploaded.
"""

import csv
import os

import tablib
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from innovation_portal import boundary, spreadsheets


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
        dataset = super(CSV, self).create_dataset(in_stream, **kwargs)
        return _restored(dataset)


def inert(value):
    """A CSV cell a spreadsheet shows as typed: an apostrophe before a text that would be a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(spreadsheets.FORMULA_STARTS) else text


def _restore(value):
    # The apostrophe `inert` added (or Excel kept) is not part of the text: an exported file imports back as it was.
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(spreadsheets.FORMULA_STARTS):
        return value[1:]
    return value


def _restored(dataset):
    restored = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        restored.append([_restore(value) for value in row])
    return restored


class InertCSV(CSV):
    """CSV whose cells are never formulas: OWASP's apostrophe before = + - @ tab CR, every cell quoted."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=[inert(h) for h in dataset.headers or []] or None, title=dataset.title)
        for row in dataset:
            safe.append([inert(value) for value in row])
        kwargs.setdefault("quoting", csv.QUOTE_ALL)
        return safe.export(self.get_title(), **kwargs)


class InertXLSX(XLSX):
    """XLSX written by the portal's one workbook writer: text stays text, dates and numbers keep their types."""

    def export_data(self, dataset, **kwargs):
        sheet = spreadsheets.Sheet(dataset.title or _("Data"), list(dataset.headers or []), list(dataset))
        return spreadsheets.xlsx([sheet])


IMPORT_FORMATS = [XLSX, RussianCSV]
EXPORT_FORMATS = [InertXLSX, InertCSV]


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


# --- The back office's import and export ----------------------------------------------------

# The files a person uploaded and may now confirm (the confirmation step names them).
PENDING_IMPORTS_KEY = "import_export_pending"
PENDING_KEPT = 20
FILE_NAMES = ("import_file_name", "original_file_name")


class PortalImportExportMixin(ImportExportMixin):
    """django-import-export in the back office, with the portal's formats and a guarded confirmation.

    The confirmation step posts back the name of the uploaded file: only a name this session
    was given, of a file still there, in a format and resource offered, is imported; anything
    else (a file name made up, another person's upload, a form changed by hand) is refused
    with a message and the person is sent back to the upload, instead of failing.
    """

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS

    def export_action(self, request):
        # The export filters the list as the list page does, from the address; filters it cannot
        # apply (a made-up field, a word where a number goes) are what the list page answers
        # with a redirect. Here too: the export page again, without them, and why.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.warning(request, _("The filters in the address were not understood, so they are not applied."))
            return redirect(request.path)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # As the library's, but cell types are kept for every binary format: it decides by the
        # exact class (`type(f) in BINARY_FORMATS`), which InertXLSX is not.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=file_format.is_binary(), **kwargs)
        data.title = str(self.model._meta.verbose_name_plural)[: spreadsheets.MAX_TITLE]
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        name = os.path.basename(initial.get("import_file_name") or "")
        if name:
            pending = request.session.get(PENDING_IMPORTS_KEY, {})
            pending.pop(name, None)
            kept = list(pending.items())[-(PENDING_KEPT - 1) :]
            request.session[PENDING_IMPORTS_KEY] = {**dict(kept), name: _choices(initial)}
        return initial

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            refusal = self.confirmation_refusal(request)
            if refusal:
                messages.error(request, refusal)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_import(request, **kwargs)

    def confirmation_refusal(self, request):
        """Why this confirmation cannot be imported (a Russian sentence), or None."""
        name = os.path.basename(request.POST.get("import_file_name", ""))
        choice = request.session.get(PENDING_IMPORTS_KEY, {}).get(name)
        storage = self.get_tmp_storage_class()(name=name, read_mode="rb", **self.get_tmp_storage_class_kwargs())
        if not name or choice is None or not _stored(storage):
            return _("This file is no longer waiting to be imported: upload it again.")
        if any(str(request.POST.get(key) or "") != value for key, value in choice.items()):
            return _("The import form was damaged: upload the file again.")
        return None


def _choices(values):
    """What the upload step chose (format, resource, the plan…): the confirmation must post the same."""
    return {name: str(value or "") for name, value in values.items() if name not in FILE_NAMES}


def _stored(storage):
    """Whether the pending file is still kept (read once more: the files are small, the storages many)."""
    try:
        return storage.read() is not None
    except (OSError, ValueError):
        return False
