"""The head of a Word article (title, authors, affiliation) goes to the article, not into «Введение»."""

import io

from docx import Document

from publications.wordhead import parse_author_line
from publications.wordimport import convert_docx

BODY = [("heading", "Введение"), ("p", "Проблема смыслового чтения остаётся острой для основной школы.")]


def docx(*lines):
    """A .docx written as an author would: ("p"|"bold"|"caps"|"title"|"heading"|"h1", text) lines."""
    doc = Document()
    for kind, text in [*lines, *BODY]:
        if kind == "title":
            doc.add_paragraph(text, style="Title")
        elif kind == "heading":
            doc.add_heading(text, level=2)
        elif kind == "h1":
            doc.add_heading(text, level=1)
        elif kind == "bold":
            doc.add_paragraph().add_run(text).bold = True
        elif kind == "caps":  # Word's «All caps» effect: typed in lower case, shown in capitals
            doc.add_paragraph().add_run(text).font.all_caps = True
        else:
            doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    out.seek(0)
    return out


def test_a_typed_caps_title_with_an_author_line_and_an_affiliation_line():
    converted = convert_docx(
        docx(
            ("p", "ФОРМИРОВАНИЕ ФУНКЦИОНАЛЬНОЙ ГРАМОТНОСТИ НА УРОКАХ ГЕОГРАФИИ"),
            ("p", "Иванова А. А., учитель географии"),
            ("p", "ГБОУ СОШ № 5 Красносельского района Санкт-Петербурга"),
        )
    )
    assert converted.title == "ФОРМИРОВАНИЕ ФУНКЦИОНАЛЬНОЙ ГРАМОТНОСТИ НА УРОКАХ ГЕОГРАФИИ"
    assert converted.authors == [
        {
            "full_name": "Иванова А. А.",
            "position": "учитель географии",
            "institution_name": "ГБОУ СОШ № 5 Красносельского района Санкт-Петербурга",
        }
    ]
    intro = converted.sections["introduction"]
    assert "ГРАМОТНОСТИ" not in intro and "Иванова" not in intro and "ГБОУ" not in intro
    assert intro == "<p>Проблема смыслового чтения остаётся острой для основной школы.</p>"
    assert not converted.unrecognised


def test_a_bold_title_and_several_authors_each_with_position_and_institution_on_their_line():
    converted = convert_docx(
        docx(
            ("bold", "Лаборатория осмысленного чтения: от приёма к системе"),
            ("p", "Иванова Анна Александровна, учитель географии ГБОУ СОШ № 5"),
            ("p", "Петров Б.В., заместитель директора по УВР ГБОУ гимназия № 271"),
            ("p", "Аннотация. В статье описан опыт лаборатории смыслового чтения."),
            ("p", "Ключевые слова: смысловое чтение, функциональная грамотность."),
        )
    )
    assert converted.title == "Лаборатория осмысленного чтения: от приёма к системе"
    assert converted.authors == [
        {"full_name": "Иванова Анна Александровна", "position": "учитель географии", "institution_name": "ГБОУ СОШ № 5"},
        {"full_name": "Петров Б.В.", "position": "заместитель директора по УВР", "institution_name": "ГБОУ гимназия № 271"},
    ]  # fmt: skip
    assert converted.abstract == "В статье описан опыт лаборатории смыслового чтения."
    assert converted.keywords == "смысловое чтение, функциональная грамотность"
    assert "Иванова" not in converted.sections["introduction"]


def test_the_title_style_and_several_authors_on_one_line_sharing_the_affiliation():
    converted = convert_docx(
        docx(
            ("title", "Цифровая образовательная среда начальной школы"),
            ("p", "Иванова А. А., Петров Б. В., Сидорова В. Г."),
            ("p", "ГБОУ школа № 375 Красносельского района"),
            ("heading", "Аннотация"),
            ("p", "Опыт трёх лет работы."),
        )
    )
    assert converted.title == "Цифровая образовательная среда начальной школы"
    assert [a["full_name"] for a in converted.authors] == ["Иванова А. А.", "Петров Б. В.", "Сидорова В. Г."]
    assert {a["institution_name"] for a in converted.authors} == {"ГБОУ школа № 375 Красносельского района"}
    assert converted.abstract == "Опыт трёх лет работы."
    assert "Цифровая" not in converted.sections["introduction"]


def test_word_all_caps_and_heading_styles_count_as_a_title_with_authors_first():
    converted = convert_docx(
        docx(
            ("p", "А. А. Иванова, педагог-психолог, ГБДОУ детский сад № 26"),
            ("caps", "Игровые технологии в финансовом воспитании дошкольников"),
        )
    )
    assert converted.title == "Игровые технологии в финансовом воспитании дошкольников"
    assert converted.authors[0]["full_name"] == "А. А. Иванова"
    assert converted.authors[0]["institution_name"] == "ГБДОУ детский сад № 26"
    heading = convert_docx(docx(("h1", "Межпредметные кейсы"), ("p", "Смирнова О. А., учитель химии")))
    assert (heading.title, heading.authors[0]["position"]) == ("Межпредметные кейсы", "учитель химии")


def test_a_document_without_a_head_keeps_everything_in_the_body():
    converted = convert_docx(
        docx(
            ("p", "Статья подготовлена творческой группой лицея по итогам трёх лет работы."),
            ("bold", "Актуальность исследования"),
            ("p", "Проблема чтения известна давно."),
        )
    )
    assert (converted.title, converted.authors) == ("", [])
    intro = converted.sections["introduction"]
    assert "творческой группой лицея" in intro and "Актуальность исследования" in intro
    assert converted.unrecognised
    # A lone bold line on top is the body's own subheading, not a title.
    bold_only = convert_docx(docx(("bold", "Актуальность исследования"), ("p", "Проблема чтения известна давно.")))
    assert bold_only.title == "" and "Актуальность" in bold_only.sections["introduction"]


def test_author_lines_in_their_usual_shapes():
    assert parse_author_line("Иванова А. А., учитель географии ГБОУ СОШ № 5") == [
        {"full_name": "Иванова А. А.", "position": "учитель географии", "institution_name": "ГБОУ СОШ № 5"}
    ]
    both = parse_author_line("Иванова А.А. и Петров Б.В., учителя начальных классов")
    assert [(a["full_name"], a["position"]) for a in both] == [
        ("Иванова А.А.", "учителя начальных классов"),
        ("Петров Б.В.", "учителя начальных классов"),
    ]
    semicolons = parse_author_line("Иванова А. А., методист; Петров Б. В., тьютор")
    assert [(a["full_name"], a["position"]) for a in semicolons] == [
        ("Иванова А. А.", "методист"),
        ("Петров Б. В.", "тьютор"),
    ]
    assert parse_author_line("Проблема смыслового чтения остаётся острой.") == []
