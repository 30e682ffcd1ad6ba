import io

from django.template import engines
from pypdf import PdfReader

from innovation_portal.pdf import font_face_css, html_to_pdf


def test_a_pdf_carries_cyrillic_text_in_embedded_fonts():
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Протокол заседания № 3</h1>{% endblock %}'
    )
    pdf = html_to_pdf(template.render({"font_faces": font_face_css()}))
    reader = PdfReader(io.BytesIO(pdf))
    assert "Протокол заседания № 3" in reader.pages[0].extract_text()
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    # Subsets of the vendored fonts are embedded under the family name the print CSS gives them.
    assert any("Portal-Serif" in name for name in fonts), fonts


def test_a_pdf_cannot_pull_in_server_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET_KEY=topsecret")
    html = (
        f'<html><body><p>Статья</p><a rel="attachment" href="{secret.as_uri()}">x</a>'
        f'<img src="{secret.as_uri()}"><link rel="stylesheet" href="{secret.as_uri()}"></body></html>'
    )
    pdf = html_to_pdf(html)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert b"topsecret" not in pdf
    assert "Статья" in reader.pages[0].extract_text()
