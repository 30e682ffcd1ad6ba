"""Uploaded CSV text: UTF-8 (with or without BOM) or Windows-1251, read by one function."""

import pytest

from innovation_portal.importing import RussianCSV, decode_text

TEXT = "Учреждение;E-mail эксперта\nГБОУ лицей № 590;expert@example.org\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_decode_text_reads_every_encoding_offices_save_in(encoding):
    assert decode_text(TEXT.encode(encoding)) == TEXT


def test_the_bom_does_not_stick_to_the_first_header():
    assert decode_text(TEXT.encode("utf-8-sig")).startswith("Учреждение")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_the_import_format_reads_them_the_same_way(encoding):
    dataset = RussianCSV().create_dataset(TEXT.encode(encoding), delimiter=";")
    assert dataset.headers == ["Учреждение", "E-mail эксперта"]
    assert dataset[0] == ("ГБОУ лицей № 590", "expert@example.org")


def test_a_csv_export_puts_an_apostrophe_before_a_formula_and_quotes_every_cell():
    import tablib

    from innovation_portal.importing import InertCSV

    dataset = tablib.Dataset(["=1+1", "-2", "ГБОУ № 590", None], headers=["@Заголовок", "Б", "В", "Г"])
    text = InertCSV().export_data(dataset)
    assert text.splitlines() == ['"\'@Заголовок","Б","В","Г"', '"\'=1+1","\'-2","ГБОУ № 590",""']


def test_an_exported_csv_imports_back_as_it_was_typed():
    import tablib

    from innovation_portal.importing import InertCSV

    dataset = tablib.Dataset(['=HYPERLINK("http://evil","x")', "\t=1", "'просто апостроф"], headers=["А", "Б", "В"])
    back = RussianCSV().create_dataset(InertCSV().export_data(dataset).encode("utf-8"))
    assert back[0] == ('=HYPERLINK("http://evil","x")', "\t=1", "'просто апостроф")


def test_an_xlsx_export_keeps_dates_and_numbers_and_makes_formulas_text():
    import datetime
    import io

    import tablib
    from openpyxl import load_workbook

    from innovation_portal.importing import InertXLSX

    dataset = tablib.Dataset([datetime.date(2025, 4, 1), 12, "=1+1"], headers=["Дата", "Число", "Текст"])
    dataset.title = "Учреждения"
    sheet = load_workbook(io.BytesIO(InertXLSX().export_data(dataset))).active
    assert sheet.title == "Учреждения"
    date, number, text = sheet[2]
    assert date.value == datetime.datetime(2025, 4, 1) and date.number_format == "DD.MM.YYYY"
    assert number.value == 12
    assert text.value == "=1+1" and text.data_type == "s" and text.quotePrefix
