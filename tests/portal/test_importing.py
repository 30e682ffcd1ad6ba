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
