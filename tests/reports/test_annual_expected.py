"""The annual report to the Committee, for a small fixed year, against the document worked out by hand.

The year (counted on paper before writing the code):
- sites: ГБОУ лицей № 590 (РСП, district) and ГБОУ гимназия № 271 (ЭП, city) hold a status this
  year; ГБОУ школа № 54's status ended two years ago and is not counted → 2 sites;
- «Конкурс РСП»: lyceum awarded, gymnasium returned for correction, school 54 submitted, school
  200 under expertise, school 300 a draft, school 301 withdrawn → handed in 4 = 1 waiting +
  1 returned + 1 in expertise + 1 awarded + 0 not awarded (before: «подано 3», returned missing);
- «Конкурс базовых площадок»: school 54 not awarded, lyceum admitted → 2 = 1 in expertise + 1 not;
- totals: 6 = 1 + 1 + 2 + 1 + 1; decisions: 2 (one awarded); statuses awarded: 1;
- the collection: 1 accepted, 1 submitted, 1 draft → handed in 2, accepted 1.
"""

import datetime
import io
import subprocess

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, StatusKind
from innovation_portal.years import academic_year_of, parse_period
from publications.models import Article
from tests.applications.factories import ApplicationFactory, AwardFactory, CallFactory, StatusKindFactory
from tests.factories import InstitutionFactory
from tests.publications.factories import ArticleFactory, CollectionFactory

S = Application.State


def _year(world):
    year = academic_year_of().label
    start = parse_period(year).start
    rsp = StatusKindFactory(name="Районная стажировочная площадка", short_name="РСП")
    ep = StatusKindFactory(name="Экспериментальная площадка", short_name="ЭП", level=StatusKind.Level.CITY, order=2)
    school54 = InstitutionFactory(district=world.district, number="54", short_name="ГБОУ школа № 54")
    school200 = InstitutionFactory(district=world.district, number="200", short_name="ГБОУ школа № 200")
    school300 = InstitutionFactory(district=world.district, number="300", short_name="ГБОУ школа № 300")
    school301 = InstitutionFactory(district=world.district, number="301", short_name="ГБОУ школа № 301")
    this_year = {"valid_from": start, "valid_to": datetime.date(start.year + 2, 8, 31)}
    AwardFactory(institution=world.institution, status_kind=rsp, theme="Читательская грамотность", **this_year)
    AwardFactory(institution=world.other_institution, status_kind=ep, theme="Цифровая школа", **this_year)
    AwardFactory(
        institution=school54,
        status_kind=rsp,
        valid_from=datetime.date(start.year - 3, 9, 1),
        valid_to=datetime.date(start.year - 2, 8, 31),
    )
    moscow = timezone.get_current_timezone()
    first = CallFactory(
        district=world.district,
        academic_year=year,
        status_kind=rsp,
        title="Конкурс РСП",
        closes_at=datetime.datetime(start.year + 1, 4, 28, 18, 0, tzinfo=moscow),
    )
    second = CallFactory(
        district=world.district,
        academic_year=year,
        status_kind=rsp,
        title="Конкурс базовых площадок",
        closes_at=datetime.datetime(start.year + 1, 5, 16, 18, 0, tzinfo=moscow),
    )
    for call, institution, state, theme in [
        (first, world.institution, S.AWARDED, "Проект лицея"),
        (first, world.other_institution, S.RETURNED, ""),
        (first, school54, S.SUBMITTED, ""),
        (first, school200, S.UNDER_EXPERTISE, ""),
        (first, school300, S.DRAFT, ""),
        (first, school301, S.WITHDRAWN, ""),
        (second, school54, S.NOT_AWARDED, "Проект школы"),
        (second, world.institution, S.ADMITTED, ""),
    ]:
        application = ApplicationFactory(call=call, institution=institution, theme=theme)
        Application.objects.filter(pk=application.pk).update(state=state)
    collection = CollectionFactory(district=world.district, academic_year=year, title="Инновационные процессы района")
    for state, title in [
        (Article.State.ACCEPTED, "Статья лицея"),
        (Article.State.SUBMITTED, "Статья гимназии"),
        (Article.State.DRAFT, "Черновик"),
    ]:
        ArticleFactory(
            collection=collection,
            institution=world.institution,
            title=title,
            state=state,
            accepted_at=timezone.now() if state == Article.State.ACCEPTED else None,
        )
    return year, start


def _get(client, world, name, year):
    client.force_login(world.users.district_office)
    return client.get(reverse("reports:download", args=[name]), {"district": world.district.pk, "year": year}).content


def test_the_annual_xlsx_is_the_hand_counted_document(client, world):
    year, start = _year(world)
    book = load_workbook(io.BytesIO(_get(client, world, "annual-report.xlsx", year)))
    rows = {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    assert rows["Конкурсы"] == [
        [
            "Конкурс",
            "Статус",
            "Срок подачи",
            "Подано",
            "Ждут проверки",
            "Возвращены на доработку",
            "На экспертизе",
            "Статус присвоен",
            "Не присвоен",
        ],
        [
            "Конкурс РСП",
            "Районная стажировочная площадка",
            datetime.datetime(start.year + 1, 4, 28, 18, 0),
            4,
            1,
            1,
            1,
            1,
            0,
        ],
        [
            "Конкурс базовых площадок",
            "Районная стажировочная площадка",
            datetime.datetime(start.year + 1, 5, 16, 18, 0),
            2,
            0,
            0,
            1,
            0,
            1,
        ],
        ["Итого", None, None, 6, 1, 1, 2, 1, 1],
    ]
    assert [row[:4] for row in rows["Решения"]] == [
        ["Конкурс", "Учреждение", "Тема", "Решение"],
        ["Конкурс РСП", "ГБОУ лицей № 590", "Проект лицея", "статус присвоен"],
        ["Конкурс базовых площадок", "ГБОУ школа № 54", "Проект школы", "статус не присвоен"],
    ]
    assert [row[1:4] for row in rows["Реестр площадок"][1:]] == [
        ["ГБОУ лицей № 590", "Районная стажировочная площадка", "район"],
        ["ГБОУ гимназия № 271", "Экспериментальная площадка", "городской"],
    ]
    assert rows["Площадки по статусам"][1:] == [
        ["Районная стажировочная площадка", "район", 1],
        ["Экспериментальная площадка", "городской", 1],
    ]
    assert [row[3:5] for row in rows["Сборники"]] == [["Подано", "Принято"], [2, 1]]
    assert [row[:2] for row in rows["Принятые статьи"][1:]] == [["ГБОУ лицей № 590", "Статья лицея"]]


def test_the_annual_pdf_is_the_hand_counted_document(client, world):
    year, start = _year(world)
    content = _get(client, world, "annual-report.pdf", year)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    lines = [" ".join(line.split()) for line in text.stdout.decode().splitlines() if line.strip()]
    assert "Инновационных площадок в этом году 2" in lines
    assert "Конкурсы 2" in lines
    assert "Присвоено статусов 1" in lines
    assert "Принято статей 1" in lines
    assert "Районная стажировочная площадка (район): 1; Экспериментальная площадка (городской): 1." in lines
    assert f"Конкурс РСП 28.04.{start.year + 1} 4 1 1 1 1 0" in lines
    assert f"Конкурс базовых площадок 16.05.{start.year + 1} 2 0 0 1 0 1" in lines
    assert "Итого 6 1 1 2 1 1" in lines
    assert "ГБОУ школа № 54" not in " ".join(lines).split("2. Конкурсы и решения")[0]  # its status ended
    assert any(line.startswith("Инновационные процессы района") and line.endswith(" 2 1") for line in lines), lines
