"""Shared pieces for spreadsheet imports through django-import-export."""

from django.core.exceptions import FieldDoesNotExist
from import_export.formats.base_formats import CSV, XLSX


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
