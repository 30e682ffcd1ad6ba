"""Reading annual plans from Word: the two real district plans and small made-up documents.

No Django here: run with ``pytest -p no:django -q tests/plans/test_docx_reader.py``.
The fixtures are rebuilt by ``tests/fixtures/plans/make_fixtures.py``.
"""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from plans.importers.docx_reader import (
    ParsedItem,
    ParsedPlan,
    ParsedSection,
    PlanReadError,
    read_plan_docx,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
PETROGRADSKY = FIXTURES / "plan-petrogradsky-2019-2020.docx"
ADMIRALTEYSKY = FIXTURES / "plan-admiralteysky-2023-2024.docx"
BROKEN = FIXTURES / "plan-broken.docx"
NO_PLAN_TABLE = FIXTURES / "plan-no-plan-table.docx"


@pytest.fixture(scope="module")
def petrogradsky() -> ParsedPlan:
    return read_plan_docx(PETROGRADSKY)


@pytest.fixture(scope="module")
def admiralteysky() -> ParsedPlan:
    return read_plan_docx(ADMIRALTEYSKY)


def by_number(plan: ParsedPlan, number: str) -> list[ParsedItem]:
    return [item for item in plan.iter_items() if item.number == number]


def by_row(plan: ParsedPlan, row: int) -> ParsedItem:
    (item,) = [item for item in plan.iter_items() if item.row == row]
    return item


# ---------------------------------------------------------------------------------------------
# Петроградский район, 2019-2020: unnumbered sections in the first cell, three tables
# ---------------------------------------------------------------------------------------------


def test_petrogradsky_title_and_columns(petrogradsky):
    assert petrogradsky.title == (
        "План мероприятий по сопровождению инновационной деятельности образовательных учреждений "
        "Петроградского района Санкт-Петербурга на 2019 - 2020 учебный год"
    )
    assert petrogradsky.columns == ["number", "title", "timeframe", "audience", "organizers"]


def test_petrogradsky_sections_and_counts(petrogradsky):
    assert [(s.number, s.title, s.row, len(s.items)) for s in petrogradsky.sections] == [
        ("", "Повышение квалификации", 2, 5),
        ("", "Организационно-методическое сопровождение", 8, 13),
        ("", "Аналитическая деятельность", 23, 5),
        ("", "Информационная поддержка", 29, 5),
    ]
    assert len(list(petrogradsky.iter_items())) == 28
    assert not any(item.children for item in petrogradsky.iter_items())


def test_petrogradsky_item_with_all_fields(petrogradsky):
    item = petrogradsky.sections[1].items[0]
    assert item == ParsedItem(
        number="1.",
        title=(
            "Разработка локальных документов по организации и сопровождению инновационной "
            "деятельности в ОУ района, в том числе подготовка проекта Распоряжения администрации "
            "Петроградского района «Об организации опытно-экспериментальной и инновационной "
            "деятельности в системе образования Петроградского района»"
        ),
        timeframe="июнь-август",
        audience="руководители и педагоги ОУ",
        organizers="ОО, КС, ИМЦ",
        responsible="",
        expected_result="",
        row=9,
        children=[],
    )


def test_petrogradsky_timeframes_and_organizers_as_written(petrogradsky):
    section = petrogradsky.sections[1]
    assert {i.number: i.timeframe for i in section.items} == {
        "1.": "июнь-август",
        "2.": "август",
        "3.": "август-октябрь",
        "4.": "по графику конкурсов",
        "5.": "март, июнь",
        "6.": "сентябрь - апрель",
        "7.": "ноябрь - февраль",
        "8.": "ноябрь - февраль",
        "9.": "февраль",
        "10.": "январь-март",
        "12.": "февраль-март",
        "13.": "октябрь, февраль, май",
        "14.": "1 раз в 2 месяца",
    }
    assert [i.organizers for i in section.items][:3] == ["ОО, КС, ИМЦ", "ОО, ИМЦ, КС", "ИМЦ"]
    first = petrogradsky.sections[0].items[0]
    assert (first.timeframe, first.audience) == ("октябрь - апрель", "руководители и педагоги ГБОУ и ГБДОУ")


def test_petrogradsky_row_split_across_tables_is_joined(petrogradsky):
    item = by_row(petrogradsky, 12)
    assert item.number == "4."
    assert item.title == (
        "Оказание информационно-методического сопровождения ОУ по подготовке к участию в "
        "различных конкурсах инновационной направленности."
    )
    assert item.timeframe == "по графику конкурсов"
    assert item.organizers == "ИМЦ"
    assert (
        "Строка 13 (таблица 2): строка без номера и сроков («направленности.») присоединена к "
        "пункту «4.» из строки 12: похоже, строка таблицы перенесена на новую страницу."
    ) in petrogradsky.warnings


def test_petrogradsky_numbers_kept_as_written_with_gaps_reported(petrogradsky):
    numbers = [[i.number for i in s.items] for s in petrogradsky.sections]
    assert numbers == [
        ["1.", "2.", "3.", "4.", "5."],
        ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", "10.", "12.", "13.", "14."],
        ["1.", "2.", "3.", "4.", "6."],
        ["1.", "2.", "3.", "4.", "5."],
    ]


def test_petrogradsky_rows_are_numbered_across_the_three_tables(petrogradsky):
    assert [i.row for i in petrogradsky.sections[1].items] == [9, 10, 11, 12, *range(14, 23)]
    assert [i.row for i in petrogradsky.sections[3].items] == [30, 31, 32, 33, 34]


def test_petrogradsky_legend(petrogradsky):
    assert petrogradsky.legend == [
        ("ОО", "отдел образования"),
        ("КС", "Координационный совет по инновационной деятельности"),
        ("ИМЦ", "информационно-методический центр"),
        ("ОУ", "образовательные учреждения"),
    ]


def test_petrogradsky_warnings(petrogradsky):
    assert petrogradsky.warnings == [
        "Таблица 2 (без строки заголовка) прочитана как продолжение таблицы плана: строки 13–29.",
        "Таблица 3 (без строки заголовка) прочитана как продолжение таблицы плана: строки 30–34.",
        "Строка 13 (таблица 2): строка без номера и сроков («направленности.») присоединена к "
        "пункту «4.» из строки 12: похоже, строка таблицы перенесена на новую страницу.",
        "Строка 20 (таблица 2): после пункта «10» идёт «12.»: пропущен номер «11».",
        "Строка 28 (таблица 2): после пункта «4» идёт «6.»: пропущен номер «5».",
    ]


# ---------------------------------------------------------------------------------------------
# Адмиралтейский район, 2023-2024: merged section rows, nested 4.12.x, footnote legend
# ---------------------------------------------------------------------------------------------


def test_admiralteysky_title_and_columns(admiralteysky):
    assert admiralteysky.title == (
        "План мероприятий по сопровождению инновационной деятельности ОУ района на 2023-2024 учебный год"
    )
    assert admiralteysky.columns == ["number", "title", "timeframe", "audience", "expected_result"]


def test_admiralteysky_sections_and_counts(admiralteysky):
    assert [(s.number, s.title, s.row) for s in admiralteysky.sections] == [
        (
            "1",
            "Организация работы по нормативному обеспечению, текущему и перспективному "
            "планированию инновационной деятельности (далее – ИД)",
            2,
        ),
        ("2", "Научно-методическое сопровождение инновационной деятельности", 8),
        ("3", "Информационная поддержка инновационной деятельности", 22),
        ("4", "Профессиональное развитие руководящих и педагогических кадров", 27),
        ("5", "Участие в городских мероприятиях по поддержке инновационной деятельности в образовании", 61),
        ("6", "Популяризация и диссеминация опыта инновационной деятельности", 71),
        ("7", "Диагностическое сопровождение инновационной деятельности в районе. Аналитическая деятельность.", 77),
    ]
    assert [len(s.items) for s in admiralteysky.sections] == [5, 13, 4, 13, 9, 5, 5]
    assert [len(list(s.iter_items())) for s in admiralteysky.sections] == [5, 13, 4, 32, 9, 5, 5]
    assert len(list(admiralteysky.iter_items())) == 73


def test_admiralteysky_item_with_all_fields(admiralteysky):
    (item,) = by_number(admiralteysky, "1.1.")
    assert item == ParsedItem(
        number="1.1.",
        title=(
            "Проведение установочных семинаров (совещаний) по изучению и освоению стратегических "
            "документов, регламентирующих деятельность сферы образования на федеральном и "
            "региональном уровнях"
        ),
        timeframe="в течение года",
        audience="Образовательные учреждения (далее – ОУ) района",
        organizers="",
        responsible="",
        expected_result=(
            "Обеспечение взаимной согласованности и сбалансированности локальных актов, "
            "отражающих стратегические и тактические действия ОУ в ИД"
        ),
        row=3,
    )


def test_admiralteysky_nested_open_events(admiralteysky):
    section = admiralteysky.sections[3]
    (parent,) = [i for i in section.items if i.number == "4.12."]
    assert parent.title == "Открытые мероприятия инновационных площадок и площадок педагогического творчества:"
    assert (parent.timeframe, parent.audience, parent.expected_result, parent.row) == ("", "", "", 41)
    assert [c.number for c in parent.children] == [f"4.12.{n}" for n in range(1, 20)]
    assert [c.row for c in parent.children] == list(range(42, 61))
    assert parent.group == "Проблемно-практические семинары по различным аспектам ИД"

    child = parent.children[6]
    assert child == ParsedItem(
        number="4.12.7",
        title=(
            'ГБОУ № 255. Семинар Семинар "Реализация новых инвариантных модулей по предмету '
            '"Технология" ("Робототехника", "3D-моделирование, прототипирование и макетирование")'
        ),
        timeframe="02.11.2023",
        # the audience and the result are one cell merged down over all the open events
        audience="Координаторы ИД, руководители ОУ",
        expected_result=(
            "-Наличие материалов инновационных разработок ОУ; -расширение сферы внедрения и "
            "распространения результатов инновационной деятельности; - создание механизма "
            "измерения результативности инноваций; - обеспечение трансляции результатов "
            "инновационной деятельности; - взаимообогащение практик ИД."
        ),
        row=48,
        group="Проблемно-практические семинары по различным аспектам ИД",
    )
    assert {c.audience for c in parent.children} == {"Координаторы ИД, руководители ОУ"}
    assert parent.children[-1].title == "ГБОУ № 231. Городской семинар «Маршрут длиною в жизнь»"
    assert parent.children[-1].timeframe == "17.04.2024"


def test_admiralteysky_multi_paragraph_cells_are_joined_with_spaces(admiralteysky):
    (item,) = by_number(admiralteysky, "2.3.")
    assert item.expected_result == (
        "Наличие материалов информационно-методических совещаний по вопросам реализации задач ИД, "
        "деятельности ППТ. -Поддержание политики, а также ее развитие и доведение до всех "
        "сотрудников; -интеграция действий в соответствии со стратегической целью; -определение "
        "новых задач и оценка эффективности уже реализованных; -решение возникающих вопросов."
    )
    assert item.timeframe == "не реже 1 раза в 2 месяца"
    (festival,) = by_number(admiralteysky, "4.3.")
    assert festival.title == (
        "Фестиваль Передовых Педагогических Практик «Учитель - тоже ученик. Пути и способы "
        "повышения профессионального мастерства. Новые форматы»"
    )
    assert festival.expected_result == (
        "Наличие материалов по распространению лучших педагогических практик инновационной деятельности"
    )


def test_admiralteysky_timeframes_as_written(admiralteysky):
    timeframes = {i.number: i.timeframe for i in admiralteysky.iter_items()}
    assert timeframes["1.3."] == "июль -август"
    assert timeframes["2.2."] == "2 раза в год"
    assert timeframes["2.5."] == "по графику"
    assert timeframes["2.6."] == "февраль-апрель"
    assert timeframes["2.8."] == "март- июнь"
    assert timeframes["3.2."] == "Не менее 1 раза в 3 месяца"
    assert timeframes["5.1."] == "сентябрь- февраль"
    assert timeframes["6.1."] == "апрель – май"
    assert timeframes["7.2."] == "февраль май"
    assert timeframes["7.3."] == "июнь, сентябрь"
    assert timeframes["4.12.1"] == "10.10.2023"


def test_admiralteysky_footnote_marks_are_not_text(admiralteysky):
    (item,) = by_number(admiralteysky, "2.1.")
    assert item.title == (
        "Заседания научно-методического совета (НМС) Адмиралтейского района, в том числе в "
        "формате расширенных заседаний с представителями РОО, руководителями ОУ"
    )
    (fair,) = by_number(admiralteysky, "4.5.")
    assert fair.title.endswith("разработок дошкольных ОУ, педагогов ДОУ")


def test_admiralteysky_repeated_number_and_number_in_title(admiralteysky):
    first, second = by_number(admiralteysky, "4.4.")
    assert (first.title, first.row) == (
        "Городская научно-практическая конференция старшеклассников «Лабиринты науки»",
        31,
    )
    assert (second.title, second.row) == ("Районный конкурс инновационных продуктов", 32)
    (bank,) = by_number(admiralteysky, "6.5.")
    assert bank.title.startswith("Обновление банка методических материалов")
    assert bank.row == 76


def test_admiralteysky_legend_comes_from_footnotes(admiralteysky):
    assert admiralteysky.legend == [
        ("РОО", "районный отдел образования"),
        ("ДОУ", "дошкольное образовательное учреждение"),
    ]


def test_admiralteysky_warnings(admiralteysky):
    assert admiralteysky.warnings == [
        "Строка 32: номер пункта «4.4.» повторяется (он уже был в строке 31).",
        "Строка 40: строка без номера «Проблемно-практические семинары по различным аспектам ИД» "
        "внутри раздела 4 прочитана как подзаголовок: следующие пункты остаются в разделе 4.",
        "Строка 76: номер пункта «6.5.» записан в колонке наименования, а колонка номера пуста; "
        "номер взят из наименования.",
    ]


# ---------------------------------------------------------------------------------------------
# Every transcribed row comes back, text exactly as in the script's data
# ---------------------------------------------------------------------------------------------


def _load_fixture_script():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flat(text: str) -> str:
    return " ".join(re.sub(r"\[\^\d+\]", "", text).split())


def _expected_items(module, rows, fields):
    expected: list[dict] = []
    for entry in rows:
        if isinstance(entry, module.Section | module.TableBreak):
            continue
        if isinstance(entry, module.SpanRow):
            values = {"number": entry.number, "title": _flat(entry.title)}
        elif isinstance(entry, module.EventRow):
            values = {
                "number": entry.number,
                "title": _flat(entry.title),
                "timeframe": entry.date,
                "audience": _flat(module.ADMIRALTEYSKY_EVENTS_AUDIENCE),
                "expected_result": _flat(module.ADMIRALTEYSKY_EVENTS_RESULT),
            }
        else:
            values = {name: _flat(text) for name, text in zip(fields, entry.cells, strict=True)}
            if not values["number"] and not values["timeframe"]:  # the orphan «направленности.»
                expected[-1]["title"] += " " + values["title"]
                continue
            if not values["number"]:  # «6.5. Обновление банка…» typed in the title cell
                values["number"], values["title"] = values["title"].split(" ", 1)
        expected.append({name: values.get(name, "") for name in fields})
    return expected


@pytest.mark.parametrize(
    ("path", "rows_name", "fields"),
    [
        (PETROGRADSKY, "PETROGRADSKY_ROWS", ("number", "title", "timeframe", "audience", "organizers")),
        (ADMIRALTEYSKY, "ADMIRALTEYSKY_ROWS", ("number", "title", "timeframe", "audience", "expected_result")),
    ],
)
def test_every_transcribed_row_is_read_back(path, rows_name, fields):
    module = _load_fixture_script()
    expected = _expected_items(module, getattr(module, rows_name), fields)
    got = [{name: getattr(item, name) for name in fields} for item in read_plan_docx(path).iter_items()]
    assert got == expected


def test_fixture_sections_match_the_script():
    module = _load_fixture_script()
    titles = [e.title for e in module.ADMIRALTEYSKY_ROWS if type(e) is module.Section]
    plan = read_plan_docx(ADMIRALTEYSKY)
    assert [f"{s.number}. {s.title}" for s in plan.sections] == [_flat(t) for t in titles]


# ---------------------------------------------------------------------------------------------
# Broken documents
# ---------------------------------------------------------------------------------------------


def test_broken_fixture_reports_rows():
    plan = read_plan_docx(BROKEN)
    assert plan.title == "План мероприятий ИМЦ на 2024-2025 учебный год (черновик)"
    assert plan.columns == ["number", "title", "timeframe", "audience", "organizers", ""]
    assert plan.warnings == [
        "Таблица 1 не импортирована: таблица стоит до таблицы плана, и в ней нет строки заголовка с "
        "колонками «Мероприятие» и «Сроки» (например, гриф утверждения).",
        "Строка 1: колонка «Примечание» не распознана и пропущена.",
        "Строка 4: не удалось определить номер пункта «—»; пункт прочитан без номера.",
        "Строка 5: не удалось определить номер пункта «1.2а»; пункт прочитан без номера.",
        "Строка 6: после пункта «1.1» идёт «1.3.»: пропущен номер «1.2».",
        "Строка 6: у пункта «1.3.» не заполнено наименование мероприятия. Строка выглядит так: «1.3.» | «» | "
        "«декабрь» | «ОУ» | «ИМЦ» | «»; ожидались номер, наименование мероприятия в своей колонке и сроки, или "
        "название раздела в объединённой ячейке.",
        "Строка 7: у пункта «1.4.» не указаны сроки.",
        "Строка 9: после пункта «1.4» идёт «1.6.»: пропущен номер «1.5».",
        "Строка 10: номер пункта «1.6.» повторяется (он уже был в строке 9).",
    ]
    (section,) = plan.sections
    assert (section.number, section.title, section.row) == ("1", "Работа с педагогами", 2)
    assert [(i.row, i.number, i.organizers) for i in section.items] == [
        (3, "1.1.", "ИМЦ"),
        (4, "", "ИМЦ, ОО"),
        (5, "", "ИМЦ"),
        (6, "1.3.", "ИМЦ"),
        (7, "1.4.", "ИМЦ"),
        (9, "1.6.", "ЭС"),
        (10, "1.6.", "ОО, ИМЦ"),
    ]
    assert plan.legend == [("ИМЦ", "информационно-методический центр"), ("ЭС", "экспертный совет")]


def test_table_without_timeframe_column_is_not_a_plan():
    with pytest.raises(PlanReadError) as error:
        read_plan_docx(NO_PLAN_TABLE)
    assert error.value.message == (
        "В документе не найдена таблица плана: колонка мероприятий есть, а колонки сроков "
        "(«Сроки», «Сроки проведения», «Дата») нет."
    )


def test_document_without_any_plan_table():
    document = Document()
    document.add_paragraph("План мероприятий на 2024-2025 учебный год")
    document.add_paragraph("1. Семинар — октябрь")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "УТВЕРЖДАЮ"
    table.cell(1, 0).text = "Директор ИМЦ"
    with pytest.raises(PlanReadError) as error:
        read_plan_docx(_save(document))
    assert error.value.message == (
        "В документе не найдена таблица плана: нет строки заголовка с колонками «Мероприятие» и «Сроки»."
    )
    assert str(error.value) == error.value.message


def test_document_with_no_tables_at_all():
    document = Document()
    document.add_paragraph("План мероприятий")
    with pytest.raises(PlanReadError, match="нет ни одной таблицы"):
        read_plan_docx(_save(document))


def test_header_without_rows():
    with pytest.raises(PlanReadError, match="нет ни одного мероприятия"):
        read_plan_docx(_doc([[["№", "Мероприятие", "Сроки"]]]))


@pytest.mark.parametrize("content", [b"", b"not a word file", b"PK\x03\x04broken zip"])
def test_not_a_docx(content):
    with pytest.raises(PlanReadError, match="не удалось открыть как документ Word"):
        read_plan_docx(io.BytesIO(content))


# ---------------------------------------------------------------------------------------------
# Small documents built here
# ---------------------------------------------------------------------------------------------


class Merged:
    """A row whose text is one cell merged across the whole row."""

    def __init__(self, text: str, bold: bool = False):
        self.text = text
        self.bold = bold


class Bold(str):
    """A cell written in bold."""


def _save(document) -> io.BytesIO:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _add_table(document, rows):
    width = max(len(r) for r in rows if not isinstance(r, Merged))
    table = document.add_table(rows=0, cols=width)
    for data in rows:
        row = table.add_row()
        if isinstance(data, Merged):
            cell = row.cells[0].merge(row.cells[-1])
            cell.paragraphs[0].add_run(data.text).bold = data.bold or None
            continue
        for cell, text in zip(row.cells, data, strict=True):
            for index, line in enumerate(text.split("\n")):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                paragraph.add_run(line).bold = isinstance(text, Bold) or None
    return table


def _doc(tables, before=("План мероприятий ИМЦ на 2024-2025 учебный год",), after=(), between=("",)):
    document = Document()
    for text in before:
        document.add_paragraph(text)
    for index, rows in enumerate(tables):
        if index:
            for text in between:
                document.add_paragraph(text)
        _add_table(document, rows)
    for text in after:
        document.add_paragraph(text)
    return _save(document)


HEADER_VARIANTS = [
    ("№", "number"),
    ("№ п/п", "number"),
    ("п.п", "number"),
    ("N", "number"),
    ("№ п\\п", "number"),
    ("Наименование мероприятия", "title"),
    ("Мероприятие", "title"),
    ("Мероприятия", "title"),
    ("Направления деятельности", "title"),
    ("Содержание работы", "title"),
    ("Наименование", "title"),
    ("  НАИМЕНОВАНИЕ   мероприятия: ", "title"),
    ("Сроки", "timeframe"),
    ("Сроки проведения", "timeframe"),
    ("Срок исполнения", "timeframe"),
    ("Сроки 2022 г.", "timeframe"),
    ("Дата", "timeframe"),
    ("Срок", "timeframe"),
    ("СРОКИ\nПРОВЕДЕНИЯ", "timeframe"),
    ("Целевая аудитория", "audience"),
    ("Участники", "audience"),
    ("Категория участников", "audience"),
    ("Ответственный организатор", "organizers"),
    ("Организатор", "organizers"),
    ("Организаторы", "organizers"),
    ("Ожидаемый результат", "expected_result"),
    ("Ожидаемые результаты", "expected_result"),
    ("Планируемый результат", "expected_result"),
    ("Результат", "expected_result"),
]


@pytest.mark.parametrize(("header", "field"), HEADER_VARIANTS)
def test_header_synonyms(header, field):
    if field == "title":
        columns, values = [header, "Сроки"], ["Семинар", "май"]
    elif field == "timeframe":
        columns, values = ["Мероприятие", header], ["Семинар", "май"]
    else:
        columns, values = ["Мероприятие", "Сроки", header], ["Семинар", "май", "1." if field == "number" else "ИМЦ"]
    plan = read_plan_docx(_doc([[columns, values]]))
    assert plan.columns == [
        field if c == header else {"Мероприятие": "title", "Сроки": "timeframe"}[c] for c in columns
    ]
    (item,) = plan.iter_items()
    assert (item.title, item.timeframe) == ("Семинар", "май")
    if field not in ("title", "timeframe"):
        assert getattr(item, field) == values[2]
    assert plan.warnings == []


def test_header_matched_by_meaning_not_position():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["Срок исполнения", "Ответственный организатор", "Категория участников", "Содержание работы", "№"],
                    ["до 10.02", "ИМЦ", "педагоги", "Приём заявок на конкурс", "1."],
                ]
            ]
        )
    )
    assert plan.columns == ["timeframe", "organizers", "audience", "title", "number"]
    (item,) = plan.iter_items()
    assert (item.number, item.title, item.timeframe, item.audience, item.organizers) == (
        "1.",
        "Приём заявок на конкурс",
        "до 10.02",
        "педагоги",
        "ИМЦ",
    )


def test_unknown_column_is_ignored_with_a_warning():
    plan = read_plan_docx(
        _doc([[["№", "Мероприятие", "Место проведения", "Сроки"], ["1.", "Семинар", "ГБОУ № 287", "май"]]])
    )
    assert plan.columns == ["number", "title", "", "timeframe"]
    assert plan.warnings == ["Строка 1: колонка «Место проведения» не распознана и пропущена."]


def test_responsible_abbreviations_are_organizers():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"],
                    ["1.", "Семинар", "май", "ИМЦ", "Материалы"],
                    ["2.", "Совет", "июнь", "ОО, КС, ИМЦ", "Решение"],
                    ["3.", "Конференция", "март", "ГБОУ № 287; ИМЦ", "Сборник"],
                ]
            ]
        )
    )
    assert plan.columns == ["number", "title", "timeframe", "organizers", "expected_result"]
    assert [i.organizers for i in plan.iter_items()] == ["ИМЦ", "ОО, КС, ИМЦ", "ГБОУ № 287; ИМЦ"]
    assert [i.responsible for i in plan.iter_items()] == ["", "", ""]


def test_roadmap_responsible_people():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Срок", "Ответственные", "Планируемый результат"],
                    ["1.", "Разработка модели", "Сентябрь 2022-июнь 2023", "Иванова И.И., Петров П.П.", "Модель"],
                    ["2.", "Семинар для педагогов", "2 квартал 2023", "методисты ИМЦ", "Программа"],
                ]
            ],
            before=("Дорожная карта реализации проекта",),
        )
    )
    assert plan.title == "Дорожная карта реализации проекта"
    assert plan.columns == ["number", "title", "timeframe", "responsible", "expected_result"]
    first, second = plan.iter_items()
    assert (first.responsible, first.organizers, first.timeframe) == (
        "Иванова И.И., Петров П.П.",
        "",
        "Сентябрь 2022-июнь 2023",
    )
    assert second.responsible == "методисты ИМЦ"


def test_organizer_and_responsible_columns_together():
    plan = read_plan_docx(
        _doc([[["Мероприятие", "Сроки", "Организатор", "Ответственный"], ["Семинар", "май", "ИМЦ", "Сидорова А.А."]]])
    )
    assert plan.columns == ["title", "timeframe", "organizers", "responsible"]
    (item,) = plan.iter_items()
    assert (item.organizers, item.responsible) == ("ИМЦ", "Сидорова А.А.")


def test_continuation_table_with_repeated_header():
    header = ["№ п/п", "Наименование мероприятия", "Сроки проведения", "Целевая аудитория"]
    plan = read_plan_docx(
        _doc(
            [
                [header, Merged("1. Повышение квалификации"), ["1.1.", "Курсы", "октябрь", "педагоги"]],
                [header, ["1.2.", "Семинар", "ноябрь", "педагоги"], ["??", "Консультации", "ежемесячно", "ОУ"]],
            ],
            between=("",),
        )
    )
    (section,) = plan.sections
    assert [(i.number, i.title, i.row) for i in section.items] == [
        ("1.1.", "Курсы", 3),
        ("1.2.", "Семинар", 5),
        ("", "Консультации", 6),
    ]
    assert plan.warnings == [
        "Таблица 2 (с повторённой строкой заголовка) прочитана как продолжение таблицы плана: строки 4–6.",
        "Строка 6 (таблица 2): не удалось определить номер пункта «??»; пункт прочитан без номера.",
    ]


def test_headerless_continuation_after_a_continuation_line():
    header = ["№", "Мероприятие", "Сроки"]
    plan = read_plan_docx(
        _doc([[header, ["1.", "Семинар", "май"]], [["2.", "Совет", "июнь"]]], between=("Продолжение таблицы",))
    )
    assert [(i.number, i.row) for i in plan.iter_items()] == [("1.", 2), ("2.", 3)]


def test_table_after_other_text_is_not_a_continuation():
    plan = read_plan_docx(
        _doc(
            [[["№", "Мероприятие", "Сроки"], ["1.", "Семинар", "май"]], [["Согласовано", "Иванова", "подпись"]]],
            between=("Исполнитель: методист ИМЦ",),
        )
    )
    assert [i.number for i in plan.iter_items()] == ["1."]
    (skipped,) = plan.skipped_tables
    assert (skipped.number, skipped.rows, skipped.importable) == (2, [["Согласовано", "Иванова", "подпись"]], False)
    assert plan.warnings == [
        "Таблица 2 не импортирована: в таблице нет строки заголовка с колонками «Мероприятие» и «Сроки», и она "
        "не похожа на продолжение таблицы плана (другие колонки или нумерация не продолжается)."
    ]


def test_repeated_header_and_column_numbers_inside_a_table_are_skipped():
    header = ["№", "Мероприятие", "Сроки", "Участники"]
    plan = read_plan_docx(
        _doc(
            [
                [
                    header,
                    ["1", "2", "3", "4"],
                    ["1.", "Семинар", "май", "ОУ"],
                    header,
                    ["2.", "Совет", "июнь", "ОУ"],
                ]
            ]
        )
    )
    assert [(i.number, i.row) for i in plan.iter_items()] == [("1.", 3), ("2.", 5)]
    assert plan.warnings == []


@pytest.mark.parametrize(
    ("row", "number", "title"),
    [
        (Merged("1. Информационная поддержка"), "1", "Информационная поддержка"),
        (Merged("I. Организационная работа"), "I", "Организационная работа"),
        (Merged("Раздел 2. Методическая работа"), "2", "Методическая работа"),
        (Merged("Повышение квалификации"), "", "Повышение квалификации"),
        (["Повышение квалификации", "", "", ""], "", "Повышение квалификации"),
        (["", "Повышение квалификации", "", ""], "", "Повышение квалификации"),
        ([Bold("2."), Bold("Аналитическая деятельность"), "", ""], "2", "Аналитическая деятельность"),
    ],
)
def test_section_row_styles(row, number, title):
    plan = read_plan_docx(_doc([[["№", "Мероприятие", "Сроки", "Участники"], row, ["2.1", "Мониторинг", "май", "ОУ"]]]))
    (section,) = plan.sections
    assert (section.number, section.title, section.row) == (number, title, 2)
    assert [(i.number, i.title, i.row) for i in section.items] == [("2.1", "Мониторинг", 3)]


def test_numbered_row_without_details_opens_a_section_only_when_followed_by_subitems():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Сроки"],
                    ["1.", "Повышение квалификации", ""],
                    ["1.1.", "Курсы", "октябрь"],
                    ["2.", "Итоговый отчёт", ""],
                    ["3.", "Совет", "май"],
                ]
            ]
        )
    )
    assert [(s.number, s.title) for s in plan.sections] == [("1", "Повышение квалификации")]
    assert [i.number for i in plan.iter_items()] == ["1.1.", "2.", "3."]
    assert plan.warnings == ["Строка 4: у пункта «2.» не указаны сроки."]


def test_items_before_any_section_go_to_an_implicit_section_and_nest_by_number():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Сроки"],
                    ["1.", "Конкурс", "февраль"],
                    ["1.1.", "Приём заявок", "до 10.02"],
                    ["1.1.1.", "Техническая экспертиза", "11.02"],
                    ["1.2.", "Очный этап", "март, первая неделя"],
                    ["2.3.1", "Пункт без родителя", "май"],
                    Merged("Аналитическая деятельность"),
                    ["1.", "Мониторинг", "май"],
                ]
            ]
        )
    )
    implicit, analytics = plan.sections
    assert (implicit.number, implicit.title) == ("", "")
    assert [i.number for i in implicit.items] == ["1.", "2.3.1"]
    contest = implicit.items[0]
    assert [c.number for c in contest.children] == ["1.1.", "1.2."]
    assert [c.number for c in contest.children[0].children] == ["1.1.1."]
    assert contest.children[1].timeframe == "март, первая неделя"
    assert (analytics.title, [i.number for i in analytics.items]) == ("Аналитическая деятельность", ["1."])


def test_lowercase_row_without_number_and_timeframe_continues_the_previous_item():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Сроки", "Ожидаемый результат"],
                    ["1.", "Подготовка публичных отчетов по итогам", "март, июнь", "Наличие материалов"],
                    ["", "инновационной деятельности", "", "и публикаций"],
                ]
            ]
        )
    )
    (item,) = plan.iter_items()
    assert item.title == "Подготовка публичных отчетов по итогам инновационной деятельности"
    assert item.expected_result == "Наличие материалов и публикаций"
    assert plan.warnings[0].startswith("Строка 3: строка без номера и сроков")


def test_multiline_cells_and_whitespace():
    plan = read_plan_docx(
        _doc(
            [
                [
                    ["№", "Мероприятие", "Сроки"],
                    ["  4.12.1 ", "ГБОУ № 287.\nКруглый  стол\t«Рука мастера»", " октябрь,\nфевраль,  май "],
                ]
            ]
        )
    )
    (item,) = plan.iter_items()
    assert (item.number, item.title, item.timeframe) == (
        "4.12.1",
        "ГБОУ № 287. Круглый стол «Рука мастера»",
        "октябрь, февраль, май",
    )


def test_title_starts_at_the_plan_heading():
    plan = read_plan_docx(
        _doc(
            [[["Мероприятие", "Сроки"], ["Семинар", "май"]]],
            before=("УТВЕРЖДАЮ", "Директор ИМЦ ________", "", "ПЛАН", "работы   ИМЦ", "на 2024/2025 учебный год"),
        )
    )
    assert plan.title == "ПЛАН работы ИМЦ на 2024/2025 учебный год"


def test_legend_variants():
    document = Document()
    document.add_paragraph("План мероприятий")
    _add_table(document, [["Мероприятие", "Сроки"], ["Семинар", "май"]])
    document.add_paragraph("")
    document.add_paragraph("Сокращения: ОО – отдел образования")
    document.add_paragraph("КС - Координационный совет; ЭС — экспертный совет")
    document.add_paragraph("Исполнитель: Иванова И.И. - методист")
    document.add_paragraph("Санкт-Петербург – 2024")
    _add_table(
        document,
        [["РЦ ДО", "ресурсный центр дополнительного образования"], ["ППТ", "площадка педагогического творчества"]],
    )
    plan = read_plan_docx(_save(document))
    assert plan.legend == [
        ("ОО", "отдел образования"),
        ("КС", "Координационный совет"),
        ("ЭС", "экспертный совет"),
        ("РЦ ДО", "ресурсный центр дополнительного образования"),
        ("ППТ", "площадка педагогического творчества"),
    ]
    assert [i.title for i in plan.iter_items()] == ["Семинар"]


def test_word_automatic_numbering_is_read():
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("План мероприятий")
    table = _add_table(
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
        p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    plan = read_plan_docx(_save(document))
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1", "Повышение квалификации"),
        ("2", "Аналитическая деятельность"),
    ]
    assert [[i.number for i in s.items] for s in plan.sections] == [["1.1.", "1.2."], ["2.1."]]


def test_accepts_path_string_file_object_and_bytes():
    from_path = read_plan_docx(str(PETROGRADSKY))
    with PETROGRADSKY.open("rb") as handle:
        from_file = read_plan_docx(handle)
    assert from_path == from_file == read_plan_docx(PETROGRADSKY.read_bytes())
    assert isinstance(from_path.sections[0], ParsedSection)


def test_item_worded_like_a_header_is_not_skipped():
    plan = read_plan_docx(
        _doc([[["Мероприятие", "Сроки"], ["Семинар", "май"], ["Мероприятия к Дню учителя", "Дата по согласованию"]]])
    )
    assert [(i.title, i.timeframe, i.row) for i in plan.iter_items()] == [
        ("Семинар", "май", 2),
        ("Мероприятия к Дню учителя", "Дата по согласованию", 3),
    ]


def test_missing_numbers_are_reported_only_in_a_numbered_plan():
    unnumbered = read_plan_docx(_doc([[["№", "Мероприятие", "Сроки"], ["", "Семинар", "май"], ["", "Совет", "июнь"]]]))
    assert [i.number for i in unnumbered.iter_items()] == ["", ""]
    assert unnumbered.warnings == []
    numbered = read_plan_docx(
        _doc(
            [[["№", "Мероприятие", "Сроки"], ["1.", "Семинар", "май"], ["", "Совет", "июнь"], ["3.", "Форум", "март"]]]
        )
    )
    assert numbered.warnings == [
        "номера есть не у всех пунктов: у 1 из 3 пунктов номер не указан или не прочитан; проверьте нумерацию "
        "в документе.",
        "Строка 3: у пункта «Совет» не указан номер.",
        "Строка 4: после пункта «1» идёт «3.»: пропущен номер «2».",
    ]


def test_empty_section_is_reported():
    plan = read_plan_docx(
        _doc([[["Мероприятие", "Сроки"], Merged("Повышение квалификации"), Merged("Аналитика"), ["Мониторинг", "май"]]])
    )
    assert [(s.title, len(s.items)) for s in plan.sections] == [("Повышение квалификации", 0), ("Аналитика", 1)]
    assert plan.warnings == ["Строка 2: в разделе «Повышение квалификации» нет ни одного пункта."]


def test_row_deleted_with_track_changes_is_ignored():
    document = Document()
    document.add_paragraph("План мероприятий")
    table = _add_table(document, [["Мероприятие", "Сроки"], ["Семинар", "май"], ["Отменённый совет", "июнь"]])
    tr_pr = table.rows[2]._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="Методист" w:date="2024-01-15T09:00:00Z"/>'))
    plan = read_plan_docx(_save(document))
    assert [i.title for i in plan.iter_items()] == ["Семинар"]
