"""Office files from users are checked from the archive's directory and parsed in a capped child process."""

import io
import os
import zipfile

import pytest
from docx import Document

from innovation_portal.safe_office import MB, OfficeFileRefused, OfficeLimits, check_office_file, run_limited


def word_file(extra=()):
    """A real .docx (python-docx) with `extra` (name, bytes) members added."""
    doc = Document()
    doc.add_paragraph("Введение")
    plain = io.BytesIO()
    doc.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, data in extra:
            target.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    out.seek(0)
    return out


def zip_bomb():
    return word_file([("word/media/image1.png", b"\0" * (21 * MB))])


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking_it(monkeypatch):
    bomb = zip_bomb()
    assert len(bomb.getvalue()) < 100 * 1024  # 21 MB of one byte pack into a few KB

    def never(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(OfficeFileRefused) as refused:
        check_office_file(bomb, OfficeLimits())
    assert "zip" in str(refused.value).lower() or "сжат" in str(refused.value)
    assert "word/media/image1.png" in str(refused.value)


def test_the_reason_is_in_russian(settings):
    from django.utils import translation

    with translation.override("ru"), pytest.raises(OfficeFileRefused) as refused:
        check_office_file(zip_bomb(), OfficeLimits())
    assert "раз" in str(refused.value) and "21,0 МБ" in str(refused.value)


def test_too_many_members_are_refused_from_the_end_record(monkeypatch):
    many = word_file([(f"extra/part{i}.xml", b"<a/>") for i in range(600)])
    count = len(zipfile.ZipFile(many).infolist())
    # The count is read from the archive's end record, before its directory is parsed.
    monkeypatch.setattr(zipfile.ZipFile, "__init__", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed")))
    with pytest.raises(OfficeFileRefused) as refused:
        check_office_file(many, OfficeLimits(max_members=500))
    assert str(count) in str(refused.value) and "500" in str(refused.value)


def test_a_file_larger_than_the_limit_and_a_large_total_are_refused():
    with pytest.raises(OfficeFileRefused):
        check_office_file(
            word_file([("word/media/photo.bin", os.urandom(200_000))]), OfficeLimits(max_compressed=100_000)
        )
    with pytest.raises(OfficeFileRefused):
        check_office_file(
            word_file([("word/a.xml", b"x" * (2 * MB))]), OfficeLimits(max_uncompressed=MB, max_ratio=10**6)
        )


def test_not_a_zip_and_a_plain_zip_are_refused():
    with pytest.raises(OfficeFileRefused):
        check_office_file(io.BytesIO(b"%PDF-1.4 not a Word file" * 100))
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(OfficeFileRefused):
        check_office_file(plain)


def test_a_normal_word_file_passes_and_is_left_at_its_start():
    file = word_file()
    file.seek(10)
    check_office_file(file, OfficeLimits())
    assert file.tell() == 0


def test_a_runaway_parse_is_stopped_by_the_cpu_limit():
    with pytest.raises(OfficeFileRefused) as refused:
        run_limited("tests.portal.runaway:spin", limits=OfficeLimits(cpu_seconds=1, wall_seconds=30))
    assert "processor time" in str(refused.value) or "процессорного" in str(refused.value)


def test_a_parse_that_eats_memory_is_stopped_by_the_memory_limit():
    with pytest.raises(OfficeFileRefused) as refused:
        run_limited("tests.portal.runaway:eat", 2048, limits=OfficeLimits(memory=400 * MB))
    assert "memory" in str(refused.value) or "памяти" in str(refused.value)


def test_lxml_running_out_of_memory_is_reported_as_the_memory_limit():
    with pytest.raises(OfficeFileRefused) as refused:
        run_limited("tests.portal.runaway:parse_xml", 60, limits=OfficeLimits(memory=300 * MB))
    assert "memory" in str(refused.value) or "памяти" in str(refused.value)


def test_the_child_returns_the_functions_json_result_and_reports_its_errors():
    assert run_limited("tests.portal.runaway:echo", {"a": [1, "б"]}) == {"a": [1, "б"]}
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        run_limited("tests.portal.runaway:fail")
