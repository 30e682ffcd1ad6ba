import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from innovation_portal.files import FileValidator, PrivatePath

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_real_pdf_passes():
    FileValidator("document")(upload("отчёт.pdf", PDF))


def test_html_named_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        FileValidator("document")(upload("report.pdf", b"<html><script>alert(1)</script></html>"))
    assert error.value.code == "file_type"


def test_an_image_named_pdf_is_refused_for_its_extension():
    with pytest.raises(ValidationError) as error:
        FileValidator("evidence")(upload("scan.pdf", PNG))
    assert error.value.code == "file_ext"


def test_size_limit(settings):
    settings.MAX_UPLOAD_SIZE_MB = 1
    with pytest.raises(ValidationError) as error:
        FileValidator("document")(upload("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert error.value.code == "file_too_large"
    assert "не более 1 МБ" in error.value.messages[0]


def test_the_stored_name_is_ours_not_the_users():
    path = PrivatePath("attachments")(None, "../../etc/passwd Приказ №5.PDF")
    assert path.startswith("attachments/")
    assert ".." not in path and "passwd" not in path and "Приказ" not in path
    assert path.endswith(".pdf")


def test_detect_keeps_the_file_position():
    from innovation_portal.files import detect

    handle = io.BytesIO(PDF)
    handle.seek(5)
    assert detect(handle) == ("pdf", "application/pdf")
    assert handle.tell() == 5
