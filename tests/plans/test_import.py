"""Importing the shared plans from Word: complete, understood or flagged, all or nothing."""

from dataclasses import replace

import pytest

from accounts.models import Institution
from plans import services
from plans.importers.docx_reader import ParsedItem, ParsedPlan, ParsedSection, read_plan_docx
from plans.models import Plan, PlanItem, PlanItemMonth, PlanSection
from tests.factories import DistrictFactory, InstitutionFactory

from .factories import ADMIRALTEYSKY_DOCX, PETROGRADSKY_DOCX


@pytest.fixture
def admiralteysky(db):
    district = DistrictFactory(name="Адмиралтейский район", short_name="Адмиралтейский", slug="admiralteysky")
    for number in ("5", "231", "235", "238", "255", "278", "287", "306", "624"):
        InstitutionFactory(district=district, number=number, short_name=f"ГБОУ № {number}")
    return district


@pytest.fixture
def petrogradsky(db):
    return DistrictFactory(name="Петроградский район", short_name="Петроградский", slug="petrogradsky")


def test_admiralteysky_plan_imports_completely(admiralteysky):
    plan = services.import_plan(read_plan_docx(ADMIRALTEYSKY_DOCX), admiralteysky, "2023/2024")
    assert plan.status == Plan.Status.DRAFT
    assert plan.title.startswith("План мероприятий по сопровождению инновационной деятельности")
    assert (plan.period_start.isoformat(), plan.period_end.isoformat()) == ("2023-09-01", "2024-08-31")
    assert plan.sections.count() == 7
    assert plan.items.count() == 73
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "3", "4", "5", "6", "7"]
    nested = plan.items.get(number="4.12.1")
    assert nested.parent.number == "4.12."
    assert plan.items.get(number="4.12.").children.count() == 19
    assert dict(plan.abbreviations.values_list("abbr", "meaning"))["РОО"] == "районный отдел образования"


def test_petrogradsky_plan_imports_completely(petrogradsky):
    plan = services.import_plan(read_plan_docx(PETROGRADSKY_DOCX), petrogradsky, "2019/2020")
    assert plan.sections.count() == 4
    assert plan.items.count() == 28
    assert list(plan.sections.values_list("title", flat=True)) == [
        "Повышение квалификации",
        "Организационно-методическое сопровождение",
        "Аналитическая деятельность",
        "Информационная поддержка",
    ]
    item = plan.items.get(section__title="Повышение квалификации", number="1.")
    assert item.timeframe_text == "октябрь - апрель"
    assert item.months == ["2019-10", "2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04"]
    # «ОО, КС, ИМЦ» are linked to the legend.
    organizers = plan.items.filter(organizers_text="ОО, КС, ИМЦ").first()
    assert sorted(organizers.organizers.values_list("abbr", flat=True)) == ["ИМЦ", "КС", "ОО"]
    assert organizers.organizers.get(abbr="ОО").meaning == "отдел образования"


@pytest.mark.parametrize(
    "docx, period, flagged",
    [
        (
            ADMIRALTEYSKY_DOCX,
            "2023/2024",
            {"2.5.": "по графику", "2.7.": "по графику", "4.12.": "", "7.2.": "февраль май"},
        ),
        (PETROGRADSKY_DOCX, "2019/2020", {"3.": "по графику ОУ", "4.": "по графику конкурсов"}),
    ],
)
def test_every_timeframe_is_understood_or_flagged(db, docx, period, flagged):
    district = DistrictFactory()
    plan = services.import_plan(read_plan_docx(docx), district, period)
    not_understood = {i.number: i.timeframe_text for i in plan.items.filter(understood=False)}
    assert not_understood == flagged
    assert set(plan.items.filter(needs_review=True).values_list("number", flat=True)) == set(flagged)
    for item in plan.items.filter(understood=True):
        assert item.months, f"{item.number} «{item.timeframe_text}» understood without months"
        assert item.month_rows.count() == len(item.months)
    # Nothing is guessed for the flagged ones: no months, no calendar rows.
    assert not PlanItemMonth.objects.filter(item__plan=plan, item__understood=False).exists()


def test_exact_dates_and_hosts_are_read(admiralteysky):
    plan = services.import_plan(read_plan_docx(ADMIRALTEYSKY_DOCX), admiralteysky, "2023/2024")
    item = plan.items.get(number="4.12.2")
    assert item.dates == ["2023-10-11"]
    assert item.host_institution.short_name == "ГБОУ № 624"
    # «ГБОУ № 235 … (совместно с ГБОУ №5)»: the title starts with the host.
    assert plan.items.get(number="4.12.3").host_institution.short_name == "ГБОУ № 235"
    hosted = plan.items.filter(host_institution__isnull=False).count()
    assert hosted == 18
    assert plan.items.get(number="4.12.1").starts_on.isoformat() == "2023-10-10"


def test_ambiguous_institution_names_nobody(db):
    district = DistrictFactory()
    InstitutionFactory(district=district, number="5", short_name="ГБОУ школа № 5")
    InstitutionFactory(
        district=district, number="5", short_name="ГБДОУ детский сад № 5", kind=Institution.Kind.KINDERGARTEN
    )
    institutions = list(district.institutions.all())
    assert services.match_host_institution("ГБОУ № 5. Семинар", institutions).short_name == "ГБОУ школа № 5"
    assert services.match_host_institution("Семинар в ОУ № 5", institutions) is None
    assert services.match_host_institution("Детский сад № 5: мастер-класс", institutions).number == "5"


def _plan_with(items):
    return ParsedPlan(
        title="План мероприятий",
        columns=["number", "title", "timeframe"],
        sections=[ParsedSection(number="1", title="Раздел", row=2, items=items)],
        legend=[],
        warnings=[],
    )


def test_import_is_all_or_nothing_and_names_the_row(db):
    district = DistrictFactory()
    good = ParsedItem(number="1.1.", title="Семинар", timeframe="октябрь", row=3)
    bad = replace(good, number="1.2.", timeframe="октябрь " * 80, row=7)
    with pytest.raises(services.PlanImportError) as error:
        services.import_plan(_plan_with([good, bad]), district, "2023/2024")
    assert error.value.errors == ["Строка 7: поле «сроки» длиннее 500 символов."]
    assert not Plan.objects.exists()
    assert not PlanSection.objects.exists()
    assert not PlanItem.objects.exists()


def test_an_item_without_a_name_is_refused_with_its_row(db):
    district = DistrictFactory()
    with pytest.raises(services.PlanImportError) as error:
        services.import_plan(_plan_with([ParsedItem(number="1.1.", title=" ", row=4)]), district, "2023/2024")
    assert "Строка 4" in error.value.errors[0]
    assert not Plan.objects.exists()


def test_preview_writes_nothing_and_lists_what_was_not_understood(admiralteysky):
    preview = services.preview_plan(read_plan_docx(ADMIRALTEYSKY_DOCX), admiralteysky, "2023/2024")
    assert (len(preview.sections), preview.item_count, preview.understood_count) == (7, 73, 69)
    assert [(i.row, i.number) for i in preview.not_understood][0][1] == "2.5."
    assert all(i.row > 0 for i in preview.not_understood)
    assert preview.summary_lines() == [
        "Разделов: 7",
        "Пунктов: 73",
        "Сроки распознаны: 69",
        "Сроки не распознаны: 4",
    ]
    assert not Plan.objects.exists()


def test_unexplained_organizers_get_an_empty_legend_line(petrogradsky):
    plan = services.import_plan(read_plan_docx(PETROGRADSKY_DOCX), petrogradsky, "2019/2020")
    unexplained = set(plan.abbreviations.filter(meaning="").values_list("abbr", flat=True))
    assert unexplained == {"ИП", "ЭС"}
    assert plan.items.filter(organizers__abbr="ЭС").exists()
