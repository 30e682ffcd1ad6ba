"""The rows of an uploaded XLSX or CSV, read in a limited child process (safe_office.run_limited).

The back office's imports (django-import-export) need a header and rows; reading a workbook
is openpyxl's work, which a crafted file can make as slow or as hungry as it likes (a sheet that
declares a million rows by 16,384 columns, shared strings that unpack to gigabytes). So the web
process only checks the archive (safe_office.check_office_file) and this module reads it in the
child, answering in JSON: values that JSON has no type for (dates, times) are tagged and
restored by `decode`. At most `max_rows` rows are read; a longer sheet answers
``{"too_many_rows": n}`` for the web process to refuse in Russian.

It imports no Django: the child starts fast and needs no settings.
"""

import datetime

TAGS = {"date": datetime.date, "datetime": datetime.datetime, "time": datetime.time}


def decode_text(data: bytes) -> str:
    """The text of an uploaded CSV in UTF-8 (with or without BOM) or Windows-1251 (Excel's default).

    UTF-8 is tried first: a Windows-1251 text almost never decodes as UTF-8, while any bytes
    decode as Windows-1251 (bar a few), so the other order would garble UTF-8 files.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")


def _encode(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return str(value)


def decode(value):
    """A cell value as the child found it (the inverse of its encoding)."""
    if isinstance(value, dict):
        (tag, text), *_ = value.items()
        return TAGS[tag].fromisoformat(text)
    return value


def read_xlsx(path, max_rows, max_columns, ignore_blank_lines=False):
    """The active sheet's header and rows, as django-import-export's XLSX format reads them."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.active
    # A sheet's stored dimension may claim XFD1048576 for a one-cell sheet: read the cells there are.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return {"headers": [], "rows": []}
    headers = [_encode(value) for value in header[:max_columns]]
    width = len(headers)
    out = []
    for values in rows:
        values = [_encode(value) for value in values[:width]]
        values += [None] * (width - len(values))
        if ignore_blank_lines and all(value is None for value in values):
            continue
        if len(out) == max_rows:
            return {"too_many_rows": max_rows + 1}
        out.append(values)
    return {"headers": headers, "rows": out}


def read_csv(text, max_rows, options):
    """The header and rows of a CSV's text (tablib's reading, as django-import-export does it)."""
    import tablib

    dataset = tablib.import_set(text, format="csv", **options)
    if dataset.height > max_rows:
        return {"too_many_rows": dataset.height}
    return {"headers": list(dataset.headers or []), "rows": [list(row) for row in dataset]}
