"""Shared pieces for spreadsheet imports and exports through django-import-export.

Exports write user text as data, never as a formula (OWASP «CSV injection»): `InertXLSX`
writes the workbook through innovation_portal.spreadsheets (a text starting with = + - @, a
tab or a carriage return is a quote-prefixed string cell), `InertCSV` puts an apostrophe
before such a text and quotes every cell. The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT
is not used: it only drops a leading «=» (changing the text, leaving + - @ live) and turns
every cell, numbers and dates too, into text.

`PortalImportExportMixin` is the back office's import and export: these formats, cell types
kept in the XLSX, and a confirmation step that imports only a file this person uploaded.

Imports: a file is never parsed in the web process: `SafeXLSX` checks the workbook's archive
(safe_office.check_office_file: sizes, parts, compression ratio) before openpyxl sees it, and
both formats cap the rows and read the file in a child process with CPU, memory and time
limits (safe_office.run_limited, innovation_portal.sheet_rows). A refusal is an
`ImportFileRefused` with the Russian reason, which `SafeImportMixin` (part of
`PortalImportExportMixin`) shows on the import form.

The import-export dry run itself (matching rows to records, validation) still runs in the
request: it is the library's own view, bounded here by the number of rows. Moving it to Celery
would mean replacing that view and its confirm step; the plan upload page
(plans.views.import_docx) is the background flow for large Word and Excel plans.
"""

import csv
import io
import logging
import os
import tempfile

import tablib
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from innovation_portal import boundary, spreadsheets
from innovation_portal.safe_office import MB, OfficeFileRefused, OfficeLimits, check_office_file, run_limited
from innovation_portal.sheet_rows import decode, decode_text

log = logging.getLogger(__name__)

# A back-office sheet: thousands of rows of text, no pictures. A workbook of 10,000 rows by 10
# columns is 0.4 MB packed, 18 MB unpacked, and is read in about 2 s of CPU; one built to be
# slow (9,500 rows by 80 columns, 14 s of CPU) is stopped at 10 s.
IMPORT_LIMITS = OfficeLimits(
    max_compressed=20 * MB,
    max_uncompressed=120 * MB,
    max_member=80 * MB,
    max_members=200,
    cpu_seconds=10,
    memory=1024 * MB,
    wall_seconds=30,
    max_result=200 * MB,
)
IMPORT_MAX_ROWS = 10000
IMPORT_MAX_COLUMNS = 200


class ImportFileRefused(OfficeFileRefused):
    """The import file breaks a limit or cannot be read; `str(error)` is the Russian reason."""


def _too_many_rows(count):
    return ngettext(
        "The file has %(count)d row; at most %(max)d rows are imported at once. Split the file.",
        "The file has %(count)d rows; at most %(max)d rows are imported at once. Split the file.",
        count,
    ) % {"count": count, "max": IMPORT_MAX_ROWS}


def _dataset(answer):
    if "too_many_rows" in answer:
        raise ImportFileRefused(_too_many_rows(answer["too_many_rows"]))
    dataset = tablib.Dataset()
    if answer["headers"]:
        dataset.headers = [decode(value) for value in answer["headers"]]
    for row in answer["rows"]:
        dataset.append([decode(value) for value in row])
    return dataset


def _limited(target, *args):
    try:
        return run_limited(target, *args, limits=IMPORT_LIMITS)
    except OfficeFileRefused as error:
        raise ImportFileRefused(str(error)) from error
    except RuntimeError as error:  # the reader failed on the file (its traceback is in the message)
        log.warning("An import file could not be read: %s", error)
        raise ImportFileRefused(
            _("The file could not be read as an Excel workbook (.xlsx) or a CSV text. Save it again and retry.")
        ) from error


class RussianCSV(CSV):
    """CSV that accepts both UTF-8 (with or without BOM) and Windows-1251, size- and row-capped.

    Russian offices save CSV from Excel in Windows-1251 by default and from LibreOffice in
    UTF-8; nobody should have to know which they have. The file is kept as bytes and
    decoded here (`decode_text`), then read in the limited child (sheet_rows.read_csv).
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            if len(in_stream) > IMPORT_LIMITS.max_compressed:
                raise ImportFileRefused(
                    _("The file is too large: at most %(max)d MB is accepted.")
                    % {"max": IMPORT_LIMITS.max_compressed // MB}
                )
            lines = in_stream.count(b"\n")
            if lines > IMPORT_MAX_ROWS + 1:
                raise ImportFileRefused(_too_many_rows(lines - 1))
            in_stream = decode_text(in_stream)
        dataset = _dataset(_limited("innovation_portal.sheet_rows:read_csv", in_stream, IMPORT_MAX_ROWS, kwargs))
        return _restored(dataset)


class SafeXLSX(XLSX):
    """Excel workbooks checked before openpyxl opens them, and read in the limited child."""

    def create_dataset(self, in_stream):
        check = io.BytesIO(in_stream)
        try:
            check_office_file(check, IMPORT_LIMITS)
        except OfficeFileRefused as error:
            raise ImportFileRefused(str(error)) from error
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            copy.write(in_stream)
            copy.flush()
            answer = _limited(
                "innovation_portal.sheet_rows:read_xlsx", copy.name, IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, ignore_blanks
            )
        return _dataset(answer)


class SafeImportMixin:
    """For an import-export admin: a refused file is shown with its Russian reason, never as a 500.

    The library reports a failed read as «'KeyError' encountered while trying to read file»; a
    refusal of ours says what limit the file broke. The confirm step reads the file again (in
    the child too); if that is refused the methodist is sent back to the import page.
    """

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileRefused):
            form.add_error("import_file", str(e))
            return
        super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileRefused as error:
            messages.error(request, str(error))
            app_label, model_name = self.get_model_info()
            url = reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
            return HttpResponseRedirect(url)


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


IMPORT_FORMATS = [SafeXLSX, RussianCSV]
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


class PortalImportExportMixin(SafeImportMixin, ImportExportMixin):
    """django-import-export in the back office, with the portal's formats and a guarded confirmation.

    The confirmation step posts back the name of the uploaded file: only a name this session
    was given, of a file still there, with the format, resource (and plan) of its preview, is
    imported; anything else (a file name made up, another person's upload, a form changed by
    hand, the same confirmation pressed twice) is refused with a message and the person is
    sent back to the upload, instead of failing.
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
