"""Plans as methodists really keep them in Word: each layout built with python-docx and read back
field by field. Every test also checks that no table of the document is dropped silently: each
is either read as the plan or listed in ``skipped_tables`` with a reason.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu

from plans.importers import read_plan
from plans.importers.docx_reader import read_plan_docx

HEADER = ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Целевая аудитория", "Ответственные"]


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, rows, width=None):
    width = width or max(len(r) for r in rows if isinstance(r, list))
    table = document.add_table(rows=0, cols=width)
    for data in rows:
        row = table.add_row()
        if isinstance(data, tuple):  # (text, columns merged from the first)
            text, span = data
            cell = row.cells[0].merge(row.cells[span - 1]) if span > 1 else row.cells[0]
            cell.paragraphs[0].add_run(text).bold = True
            continue
        for cell, text in zip(row.cells, data, strict=False):
            cell.paragraphs[0].add_run(text)
    return table


def _every_table_accounted_for(plan, document_bytes):
    count = len(Document(io.BytesIO(document_bytes)).tables)
    numbers = sorted(plan.plan_tables + [t.number for t in plan.skipped_tables])
    assert numbers == list(range(1, count + 1))
    for skipped in plan.skipped_tables:
        assert skipped.reason and f"Таблица {skipped.number} не импортирована" in " ".join(plan.warnings)


def _items(plan):
    return [(i.number, i.title, i.timeframe, i.audience, i.organizers, i.row) for i in plan.iter_items()]


@pytest.mark.parametrize(
    "caption",
    [
        "Продолжение таблицы 1",
        "Продолжение табл. 1",
        "(продолжение)",
        "Окончание таблицы 1",
        "Продолжение приложения 1",
        "ПРОДОЛЖЕНИЕ ТАБЛИЦЫ № 1",
    ],
)
def test_headerless_continuation_under_any_caption_is_read(caption):
    document = Document()
    document.add_paragraph("План мероприятий ИМЦ на 2024/2025 учебный год")
    _table(document, [HEADER, ("1. Повышение квалификации", 5), ["1.1.", "Курсы", "октябрь", "педагоги", "ИМЦ"]])
    document.add_paragraph(caption)
    _table(document, [["1.2.", "Семинар", "ноябрь", "заместители", "ИМЦ, ОО"], ["1.3.", "Форум", "май", "ОУ", "ОО"]])
    data = _save(document)
    plan = read_plan_docx(data)
    assert _items(plan) == [
        ("1.1.", "Курсы", "октябрь", "педагоги", "ИМЦ", 3),
        ("1.2.", "Семинар", "ноябрь", "заместители", "ИМЦ, ОО", 4),
        ("1.3.", "Форум", "май", "ОУ", "ОО", 5),
    ]
    assert plan.plan_tables == [1, 2] and plan.skipped_tables == []
    _every_table_accounted_for(plan, data)


def test_continuation_with_one_more_grid_column_is_read_by_its_cells():
    """A PDF→Word converter splits one column of the second part in two: each row still has
    five cells, one of them spanning two grid columns."""
    document = Document()
    document.add_paragraph("План мероприятий")
    _table(document, [HEADER, ["1.", "Курсы", "октябрь", "педагоги", "ИМЦ"]])
    document.add_paragraph("")
    table = document.add_table(rows=0, cols=6)
    for values in (["2.", "Семинар", "ноябрь", "заместители", "ИМЦ"], ["3.", "Конференция", "март", "ОУ", "ОО"]):
        row = table.add_row()
        merged = row.cells[2].merge(row.cells[3])
        cells = [row.cells[0], row.cells[1], merged, row.cells[4], row.cells[5]]
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(text)
    data = _save(document)
    plan = read_plan_docx(data)
    assert _items(plan) == [
        ("1.", "Курсы", "октябрь", "педагоги", "ИМЦ", 2),
        ("2.", "Семинар", "ноябрь", "заместители", "ИМЦ", 3),
        ("3.", "Конференция", "март", "ОУ", "ОО", 4),
    ]
    assert "Таблица 2 (без строки заголовка) прочитана как продолжение таблицы плана: строки 3–4." in plan.warnings
    _every_table_accounted_for(plan, data)


def test_continuation_with_an_extra_empty_column_is_read_by_position():
    document = Document()
    document.add_paragraph("План мероприятий")
    first = _table(document, [HEADER, ["1.", "Курсы", "октябрь", "педагоги", "ИМЦ"]])
    second = _table(document, [["2.", "Семинар", "ноябрь", "заместители", "ИМЦ", ""]])
    # the converter's extra column is a sliver at the right edge
    for index, column in enumerate(first.columns):
        second.columns[index].width = column.width - Emu(20000)
    second.columns[5].width = Emu(100000)
    plan = read_plan_docx(_save(document))
    assert _items(plan)[-1] == ("2.", "Семинар", "ноябрь", "заместители", "ИМЦ", 3)


def test_a_table_whose_numbering_starts_again_is_not_a_continuation_and_is_listed():
    document = Document()
    document.add_paragraph("План мероприятий")
    _table(document, [HEADER, ["1.", "Курсы", "октябрь", "педагоги", "ИМЦ"], ["2.", "Совет", "май", "ОУ", "ИМЦ"]])
    document.add_paragraph("Список участников")
    _table(document, [["1.", "Иванова И.И.", "ГБОУ № 1", "учитель", "—"]])
    data = _save(document)
    plan = read_plan_docx(data)
    assert [i.title for i in plan.iter_items()] == ["Курсы", "Совет"]
    (skipped,) = plan.skipped_tables
    assert skipped.number == 2 and skipped.rows == [["1.", "Иванова И.И.", "ГБОУ № 1", "учитель", "—"]]
    _every_table_accounted_for(plan, data)


def test_approval_block_and_legend_tables_are_listed_with_their_first_rows():
    document = Document()
    _table(document, [["СОГЛАСОВАНО", "УТВЕРЖДАЮ"], ["Начальник ОО", "Директор ИМЦ"]])
    document.add_paragraph("План работы ИМЦ на 2024/2025 учебный год")
    _table(document, [HEADER, ["1.", "Курсы", "октябрь", "педагоги", "ИМЦ"]])
    document.add_paragraph("Сокращения:")
    _table(document, [["ИМЦ", "информационно-методический центр"], ["ОО", "отдел образования"]])
    data = _save(document)
    plan = read_plan_docx(data)
    assert plan.title == "План работы ИМЦ на 2024/2025 учебный год"
    assert [(t.number, t.rows[0]) for t in plan.skipped_tables] == [
        (1, ["СОГЛАСОВАНО", "УТВЕРЖДАЮ"]),
        (3, ["ИМЦ", "информационно-методический центр"]),
    ]
    assert "расшифровка сокращений" in plan.skipped_tables[1].reason
    assert plan.legend == [("ИМЦ", "информационно-методический центр"), ("ОО", "отдел образования")]
    _every_table_accounted_for(plan, data)


def test_an_appendix_with_another_header_is_offered_separately():
    document = Document()
    document.add_paragraph("Дорожная карта реализации проекта")
    _table(document, [HEADER, ["1.", "Семинар", "октябрь", "педагоги", "Иванова А.А."]])
    document.add_paragraph("Приложение 1. График открытых мероприятий")
    _table(
        document,
        [
            ["Мероприятие", "Муниципальный район", "Дата проведения"],
            ["Мастер-класс", "Адмиралтейский", "17.10.2024"],
            ["Открытый урок", "Кировский", "20.11.2024"],
        ],
    )
    data = _save(document)
    plan = read_plan_docx(data)
    assert [i.title for i in plan.iter_items()] == ["Семинар"]
    (appendix,) = plan.skipped_tables
    assert appendix.number == 2 and appendix.importable
    assert appendix.rows[0] == ["Мероприятие", "Муниципальный район", "Дата проведения"]
    assert "похоже на приложение" in appendix.reason
    _every_table_accounted_for(plan, data)
    separate = read_plan(data, "plan.docx", table=2)
    assert [(i.title, i.timeframe) for i in separate.iter_items()] == [
        ("Мастер-класс", "17.10.2024"),
        ("Открытый урок", "20.11.2024"),
    ]
    assert separate.plan_tables == [2] and separate.skipped_tables[0].number == 1


def test_section_rows_merged_over_some_columns_are_sections():
    document = Document()
    document.add_paragraph("План мероприятий")
    header = [*HEADER, "Отметка о выполнении"]
    _table(
        document,
        [
            header,
            ("Повышение квалификации", 5),  # merged over all but the added column
            ["1.1.", "Курсы", "октябрь", "педагоги", "ИМЦ", ""],
            ("2. Аналитическая деятельность", 3),  # merged over the first three columns
            ["2.1.", "Мониторинг", "май", "ОУ", "ИМЦ", "выполнено"],
        ],
    )
    plan = read_plan_docx(_save(document))
    assert [(s.number, s.title, s.row, [i.number for i in s.items]) for s in plan.sections] == [
        ("", "Повышение квалификации", 2, ["1.1."]),
        ("2", "Аналитическая деятельность", 4, ["2.1."]),
    ]
    assert not any("без наименования" in w or "не заполнено" in w for w in plan.warnings)


def test_a_row_that_cannot_be_read_says_what_it_looked_like():
    document = Document()
    document.add_paragraph("План мероприятий")
    _table(document, [HEADER, ["1.", "Курсы", "октябрь", "педагоги", "ИМЦ"], ["2.", "", "май", "ОУ", "ИМЦ"]])
    plan = read_plan_docx(_save(document))
    (warning,) = [w for w in plan.warnings if "не заполнено наименование" in w]
    assert warning.startswith("Строка 3: у пункта «2.» не заполнено наименование мероприятия. Строка выглядит так:")
    assert "«2.» | «» | «май» | «ОУ» | «ИМЦ»" in warning and "ожидались" in warning


def _list_style_document(*, linked=True):
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70"><w:styleLink w:val="PlanList"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    link = '<w:numStyleLink w:val="PlanList"/>' if linked else '<w:numStyleLink w:val="Missing"/>'
    numbering.append(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="71">{link}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="70"><w:abstractNumId w:val="70"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="71"><w:abstractNumId w:val="71"/></w:num>'))
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="numbering" w:styleId="PlanList"><w:name w:val="Plan List"/>'
            '<w:pPr><w:numPr><w:numId w:val="70"/></w:numPr></w:pPr></w:style>'
        )
    )
    document.add_paragraph("План мероприятий")
    table = _table(
        document,
        [
            ["№", "Мероприятие", "Сроки"],
            ["", "Повышение квалификации", ""],
            ["", "Курсы", "октябрь"],
            ["", "Семинар", "ноябрь"],
            ["", "Аналитическая деятельность", ""],
            ["", "Мониторинг", "май"],
        ],
    )
    for index, level in [(1, 0), (2, 1), (3, 1), (4, 0), (5, 1)]:
        p_pr = table.rows[index].cells[0].paragraphs[0]._p.get_or_add_pPr()
        p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="71"/></w:numPr>'))
    return _save(document)


def test_numbering_through_a_list_style_gives_the_numbers_word_shows():
    plan = read_plan_docx(_list_style_document())
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1", "Повышение квалификации"),
        ("2", "Аналитическая деятельность"),
    ]
    assert [[i.number for i in s.items] for s in plan.sections] == [["1.1.", "1.2."], ["2.1."]]
    assert not any("номер" in w for w in plan.warnings)


def test_numbering_that_cannot_be_rendered_is_warned_about():
    plan = read_plan_docx(_list_style_document(linked=False))
    assert [i.number for i in plan.iter_items()] == ["", "", ""]
    assert any("автоматическая нумерация Word, которую не удалось прочитать" in w for w in plan.warnings)


def test_missing_numbers_on_some_items_are_warned_about():
    document = Document()
    document.add_paragraph("План мероприятий")
    _table(
        document,
        [
            ["№", "Мероприятие", "Сроки"],
            ["1.", "Курсы", "октябрь"],
            ["", "Семинар", "ноябрь"],
            ["", "Совет", "декабрь"],
            ["4.", "Форум", "март"],
        ],
    )
    plan = read_plan_docx(_save(document))
    assert plan.warnings[0] == (
        "номера есть не у всех пунктов: у 2 из 4 пунктов номер не указан или не прочитан; проверьте нумерацию в документе."
    )
    assert "Строка 3: у пункта «Семинар» не указан номер." in plan.warnings


def test_one_event_over_two_rows_is_one_item_with_both_dates_and_audiences():
    document = Document()
    document.add_paragraph("План мероприятий")
    table = _table(
        document,
        [
            HEADER,
            ["1.", "Открытый семинар «Школа будущего»", "17.10.2024", "учителя начальных классов", "ГБОУ № 287"],
            ["", "", "21.11.2024", "учителя математики", ""],
            ["2.", "Совет", "май", "ОУ", "ИМЦ"],
        ],
    )
    for col in (0, 1, 4):
        table.rows[1].cells[col].merge(table.rows[2].cells[col])
    plan = read_plan_docx(_save(document))
    first, second = plan.iter_items()
    assert (first.number, first.title, first.timeframe, first.audience, first.organizers, first.row) == (
        "1.",
        "Открытый семинар «Школа будущего»",
        "17.10.2024; 21.11.2024",
        "учителя начальных классов; учителя математики",
        "ГБОУ № 287",
        2,
    )
    assert (second.number, second.row) == ("2.", 4)
    assert not any("повторяется" in w for w in plan.warnings)


def test_soft_hyphens_typed_as_characters_are_removed():
    document = Document()
    document.add_paragraph("План меро\u00adприятий")
    _table(document, [["Мероприятие", "Сроки"], ["Мето\u00adдическое объеди\u00adнение", "ок\u00adтябрь"]])
    plan = read_plan_docx(_save(document))
    (item,) = plan.iter_items()
    assert (plan.title, item.title, item.timeframe) == ("План мероприятий", "Методическое объединение", "октябрь")


def test_word_soft_hyphen_element_is_not_text():
    document = Document()
    document.add_paragraph("План")
    table = _table(document, [["Мероприятие", "Сроки"], ["", "май"]])
    paragraph = table.rows[1].cells[0].paragraphs[0]
    run = paragraph.add_run("Семи")
    run._r.append(parse_xml(f"<w:softHyphen {nsdecls('w')}/>"))
    paragraph.add_run("нар")
    (item,) = read_plan_docx(_save(document)).iter_items()
    assert item.title == "Семинар"


def test_monthly_work_plan_keeps_its_month_sections():
    document = Document()
    document.add_paragraph("План работы ИМЦ на 2024/2025 учебный год")
    _table(
        document,
        [
            ["Содержание работы", "Дата", "Ответственный"],
            ("СЕНТЯБРЬ 2024", 3),
            ["Совещание заместителей директоров", "11.09", "Петрова И.И."],
            ["Консультации для молодых специалистов", "в течение месяца", "Сидорова А.А."],
            ("ОКТЯБРЬ 2024", 3),
            ["Семинар по ФГОС", "4-я неделя", "Петрова И.И."],
        ],
    )
    plan = read_plan_docx(_save(document))
    assert [(s.title, [(i.title, i.timeframe, i.responsible) for i in s.items]) for s in plan.sections] == [
        (
            "СЕНТЯБРЬ 2024",
            [
                ("Совещание заместителей директоров", "11.09", "Петрова И.И."),
                ("Консультации для молодых специалистов", "в течение месяца", "Сидорова А.А."),
            ],
        ),
        ("ОКТЯБРЬ 2024", [("Семинар по ФГОС", "4-я неделя", "Петрова И.И.")]),
    ]


def test_content_control_and_nested_layout_with_a_repeated_header_on_each_page():
    document = Document()
    document.add_paragraph("План мероприятий по сопровождению инновационной деятельности")
    _table(
        document,
        [HEADER, ["1", "2", "3", "4", "5"], ("I. Организационная работа", 5), ["1.", "Совет", "сентябрь", "ОУ", "ИМЦ"]],
    )
    document.add_paragraph("")
    _table(document, [HEADER, ["2.", "Семинар", "октябрь", "ОУ", "ИМЦ"]])
    data = _save(document)
    plan = read_plan_docx(data)
    assert [(s.number, s.title) for s in plan.sections] == [("I", "Организационная работа")]
    assert [i.number for i in plan.iter_items()] == ["1.", "2."]
    assert plan.plan_tables == [1, 2]
    _every_table_accounted_for(plan, data)


def test_table_cell_shading_or_sdt_does_not_hide_a_table():
    """A table inside a content control is still one of the document's tables."""
    document = Document()
    document.add_paragraph("План")
    table = _table(document, [["Мероприятие", "Сроки"], ["Семинар", "май"]])
    body = document.element.body
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtContent/></w:sdt>")
    body.replace(table._tbl, sdt)
    sdt.find(qn("w:sdtContent")).append(table._tbl)
    plan = read_plan_docx(_save(document))
    assert [i.title for i in plan.iter_items()] == ["Семинар"]
