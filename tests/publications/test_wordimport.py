import io

from docx import Document
from docx.shared import Cm
from PIL import Image

from publications.wordimport import convert_docx, split_html

PNG_SIZE = (40, 30)


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", PNG_SIZE, (30, 120, 200)).save(out, format="PNG")
    out.seek(0)
    return out


def make_docx(*, preamble=True, bold_heading=True):
    """A small article as a coordinator would write it in Word."""
    doc = Document()
    doc.add_heading("Лаборатория осмысленного чтения", level=1)
    if preamble:
        doc.add_paragraph("Статья подготовлена творческой группой лицея.")
    doc.add_paragraph("Ключевые слова: смысловое чтение, функциональная грамотность.")
    doc.add_heading("Введение", level=2)
    doc.add_paragraph("Проблема смыслового чтения остаётся острой.")
    if bold_heading:
        doc.add_paragraph().add_run("Краткое описание хода опытно-практической работы").bold = True
    else:
        doc.add_heading("Ход работы", level=2)
    doc.add_paragraph("Работа велась два года в трёх параллелях.")
    doc.add_heading("Методы и результаты исследования", level=2)
    doc.add_paragraph("Приём «чтение с остановками» и таблица находок.")
    doc.add_picture(png_bytes(), width=Cm(4))
    doc.add_heading("Результаты", level=2)
    doc.add_paragraph("Доля читателей высокого уровня выросла с 28 до 47 %.")
    doc.add_heading("Выводы", level=2)
    doc.add_paragraph("Практика применима в других предметах.")
    doc.add_heading("Список литературы", level=2)
    doc.add_paragraph("Сметанникова Н. Н. Стратегиальный подход к обучению чтению. — М., 2005.")
    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    out.name = "статья.docx"
    return out


def test_a_word_article_is_split_into_the_five_parts_with_its_image():
    converted = convert_docx(make_docx())
    sections = converted.sections
    assert "Проблема смыслового чтения" in sections["introduction"]
    assert "два года" in sections["course_of_work"]
    assert "чтение с остановками" in sections["methods_and_findings"]
    assert '<img src="data:image/png;base64,' in sections["methods_and_findings"]
    assert "с 28 до 47 %" in sections["results"]
    assert "других предметах" in sections["conclusions"]
    assert converted.title == "Лаборатория осмысленного чтения"
    assert converted.keywords == "смысловое чтение, функциональная грамотность"
    assert converted.references.startswith("Сметанникова")
    assert set(converted.found) >= {"introduction", "course_of_work", "methods_and_findings", "results", "conclusions"}


def test_text_before_the_first_heading_goes_to_the_introduction_and_is_reported():
    converted = convert_docx(make_docx(preamble=True))
    assert converted.unrecognised
    assert converted.sections["introduction"].index("творческой группой") < converted.sections["introduction"].index(
        "Проблема"
    )
    assert not convert_docx(make_docx(preamble=False)).unrecognised


def test_heading_variants_are_recognised():
    html = (
        "<h2>1. Введение</h2><p>а</p><h2>Ход работы</h2><p>б</p>"
        "<p><strong>Описание методических приёмов, находок</strong></p><p>в</p>"
        "<h3>Характеристика результатов инновационной деятельности</h3><p>г</p><h2>Заключение</h2><p>д</p>"
    )
    sections = split_html(html).sections
    assert [sections[k] for k in ("introduction", "course_of_work", "methods_and_findings", "results", "conclusions")] == [
        "<p>а</p>", "<p>б</p>", "<p>в</p>", "<p>г</p>", "<p>д</p>",
    ]  # fmt: skip


def test_the_authors_own_subheadings_go_below_the_books_headings():
    sections = split_html("<h2>Введение</h2><h1>Актуальность</h1><p>текст</p>").sections
    assert sections["introduction"] == "<h3>Актуальность</h3><p>текст</p>"
