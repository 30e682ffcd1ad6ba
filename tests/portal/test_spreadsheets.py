"""Workbooks: one writer (innovation_portal.spreadsheets) and text that never turns into a formula."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Institution
from applications import exports as application_exports
from applications.models import Application
from expertise import exports as expertise_exports
from expertise import selectors as expertise_selectors
from innovation_portal.spreadsheets import Line, Sheet, xlsx
from plans import exports as plan_exports
from ratings import exports as rating_exports
from ratings import selectors as rating_selectors
from ratings import services as rating_services
from ratings.models import RatingCampaign
from tests.applications.factories import AwardFactory, application_for
from tests.expertise.factories import application_in_expertise, expertise_call
from tests.plans.factories import make_item, make_plan, make_section
from tests.ratings.factories import CampaignFactory, CardFactory, IndicatorFactory, accepted

FORMULA = '=HYPERLINK("http://x","y")'


def _book(content):
    return load_workbook(BytesIO(content))


def test_a_sheet_has_a_bold_frozen_header_widths_and_russian_dates():
    moment = timezone.make_aware(datetime.datetime(2025, 3, 9, 12, 30), datetime.UTC)
    content = xlsx(
        [
            Sheet(
                "Заявки",
                ["№", "Тема", "Подана", "Срок"],
                [[1, "Смысловое чтение", moment, datetime.date(2025, 4, 1)], Line(["2.", "Раздел"], bold=True)],
                widths=[6, 50],
                above=[["Заголовок"]],
                below=[["ОО", "отдел образования"]],
            )
        ]
    )
    sheet = _book(content).active
    assert sheet.title == "Заявки"
    assert [c.value for c in sheet[2]] == ["№", "Тема", "Подана", "Срок"]
    assert all(c.font.bold for c in sheet[2]) and sheet.freeze_panes == "A3"
    subject = sheet.cell(3, 2)
    assert subject.alignment.wrap_text
    submitted, due = sheet.cell(3, 3), sheet.cell(3, 4)
    assert submitted.value == datetime.datetime(2025, 3, 9, 15, 30)  # Moscow time, no zone
    assert submitted.number_format == "DD.MM.YYYY HH:MM" and due.number_format == "DD.MM.YYYY"
    assert sheet.cell(4, 2).font.bold
    assert [c.value for c in sheet[6]] == ["ОО", "отдел образования", None, None]
    assert sheet.column_dimensions["A"].width == 6 and sheet.column_dimensions["B"].width == 50
    assert 8 <= sheet.column_dimensions["C"].width <= 50


@pytest.mark.parametrize("text", [FORMULA, "+7 (812) 000", "-1", "@SUM(A1)", "\tтаб", "\rстрока"])
def test_text_that_looks_like_a_formula_stays_text(text):
    sheet = _book(xlsx([Sheet("Лист", [text], [[text, 5]])])).active
    for cell in (sheet.cell(1, 1), sheet.cell(2, 1)):  # a header (an indicator's name) and a value
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def _cells(content):
    return [cell for sheet in _book(content).worksheets for row in sheet.iter_rows() for cell in row]


def _call_list(world):
    application = application_for(world, state=Application.State.SUBMITTED, theme=FORMULA)
    return application_exports.applications_xlsx(application.call, [application])


def _registry(world):
    return application_exports.registry_xlsx([AwardFactory(institution=world.institution, theme=FORMULA)])


def _expertise(world):
    call = expertise_call(world)
    application = application_in_expertise(world, call=call)
    Application.objects.filter(pk=application.pk).update(theme=FORMULA)
    return expertise_exports.results_xlsx(expertise_selectors.call_results(call))


def _rating(world):
    # The rating has no theme: the institution's name (typed in the back office) stands for it.
    Institution.objects.filter(pk=world.institution.pk).update(short_name=FORMULA)
    campaign = CampaignFactory(district=world.district, status=RatingCampaign.Status.PUBLISHED)
    indicator = IndicatorFactory(campaign=campaign)
    accepted(CardFactory(campaign=campaign, institution=world.institution), indicator)
    rating_services.compute(campaign)
    return rating_exports.rating_xlsx(campaign, [indicator], list(rating_selectors.results(campaign)))


def _plan(world):
    plan = make_plan(world.district)
    make_item(make_section(plan), FORMULA, "октябрь")
    return plan


@pytest.mark.parametrize(
    "build",
    [
        _call_list,
        _registry,
        _expertise,
        _rating,
        lambda world: plan_exports.plan_xlsx(_plan(world)),
        lambda world: plan_exports.execution_report_xlsx(_plan(world)),
    ],
    ids=["call_applications", "registry", "expertise_results", "rating", "plan", "plan_execution"],
)
def test_a_formula_typed_by_a_user_comes_out_as_text_in_every_export(world, build):
    cells = _cells(build(world))
    typed = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert typed, "the typed text is in the workbook"
    assert all(cell.data_type == "s" and cell.value.endswith(FORMULA) for cell in typed)
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_control_characters_a_workbook_cannot_hold_do_not_break_the_file():
    # A vertical tab is what Word's manual line break becomes when pasted; openpyxl refuses it.
    sheet = _book(xlsx([Sheet("Лист", ["Тема"], [["первая\x0bвторая\x01"]])])).active
    assert sheet.cell(2, 1).value == "первая\nвторая\N{REPLACEMENT CHARACTER}"
