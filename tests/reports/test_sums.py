"""Every table of the district's reports adds up, and agrees with a count made from the models.

Hypothesis generates a district's year (calls with applications in any state, sites with
statuses over several years, articles in any state); for each, the dashboard, the annual
report (PDF and XLSX) and the competition results (XLSX) are made as the district office
downloads them, and every table is checked: each row sums to its total, the total row sums
the rows, and each number equals a count written here directly against the models (by
state values, not by the groups the code uses, so a wrong group is caught).

Adding a report: write a `check_…(reports, data)` below and list it in CHECKS; add what it
needs to `years()` and `build()`. The plan execution report is the next one: generate plan
items with their occurrences (held / planned / moved / cancelled per month) in `build()`,
and check in `check_plan_execution` that each month's row sums, the total row sums the
months, no future month counts as held, and the numbers equal a direct count of occurrences.
"""

import datetime
import io
import re
import subprocess
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from applications.models import Application, Call, StatusAward
from exports import registry as background
from innovation_portal.years import academic_year_of, parse_period
from publications.models import Article
from tests.applications.factories import ApplicationFactory, AwardFactory, CallFactory, StatusKindFactory
from tests.factories import InstitutionFactory
from tests.publications.factories import ArticleFactory, CollectionFactory

S = Application.State
# The report's columns after «подано», written out by state value.
COLUMNS = {
    "waiting": ["submitted", "resubmitted"],
    "returned": ["returned"],
    "in_expertise": ["admitted", "under_expertise"],
    "awarded": ["awarded"],
    "not_awarded": ["not_awarded"],
}
NOT_HANDED_IN = ["draft", "withdrawn"]

states = st.sampled_from(S.values)
years = st.fixed_dictionaries(
    {
        # Up to three calls, each with up to seven applications (one per institution).
        "calls": st.lists(st.lists(states, max_size=7), min_size=1, max_size=3),
        # Sites: (status kind 0/1, first academic year relative to this one, years held).
        "awards": st.lists(
            st.tuples(st.integers(0, 1), st.integers(-3, 1), st.integers(1, 3)),
            max_size=6,
        ),
        "articles": st.lists(st.sampled_from(Article.State.values), max_size=6),
    }
)


@dataclass
class Reports:
    """One district's year as the district office gets it."""

    year: str
    dashboard: object  # the dashboard's context
    annual_xlsx: dict  # {sheet title: [rows]}
    results_xlsx: dict
    annual_pdf_text: str  # pdftotext -layout


def build(district, data):
    year = academic_year_of().label
    period = parse_period(year)
    institutions = [
        InstitutionFactory(district=district, number=str(300 + i), short_name=f"ГБОУ школа № {300 + i}")
        for i in range(7)
    ]
    kinds = [StatusKindFactory(name="Районная базовая площадка"), StatusKindFactory(name="Экспериментальная площадка")]
    for index, applications in enumerate(data["calls"], start=1):
        call = CallFactory(district=district, academic_year=year, status_kind=kinds[0], title=f"Конкурс {index}")
        for institution, state in zip(institutions, applications, strict=False):
            application = ApplicationFactory(call=call, institution=institution)
            Application.objects.filter(pk=application.pk).update(state=state)
    for index, (kind, first, length) in enumerate(data["awards"]):
        start = datetime.date(period.start.year + first, 9, 1)
        AwardFactory(
            institution=institutions[index % len(institutions)],
            status_kind=kinds[kind],
            valid_from=start,
            valid_to=datetime.date(start.year + length, 8, 31),
        )
    collection = CollectionFactory(district=district, academic_year=year, title="Инновационные процессы района")
    for index, state in enumerate(data["articles"]):
        ArticleFactory(
            collection=collection,
            institution=institutions[index % len(institutions)],
            state=state,
            accepted_at=timezone.now() if state == Article.State.ACCEPTED else None,
        )
    return year


def _sheets(content):
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def download(client, district, year):
    params = {"district": district.pk, "year": year}
    dashboard = client.get(reverse("reports:dashboard"), params).context
    files = {}
    for name in ("reports.annual_xlsx", "reports.results_xlsx", "reports.annual_pdf"):
        _filename, files[name] = background.get(name).build(params, lambda percent: None)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=files["reports.annual_pdf"], capture_output=True, check=True
    ).stdout.decode()
    return Reports(year, dashboard, _sheets(files["reports.annual_xlsx"]), _sheets(files["reports.results_xlsx"]), text)


# --- what is counted directly ---------------------------------------------------------------------


def direct_call_counts(call):
    applications = Application.objects.filter(call=call)
    counts = {key: applications.filter(state__in=values).count() for key, values in COLUMNS.items()}
    counts["handed_in"] = applications.exclude(state__in=NOT_HANDED_IN).count()
    return counts


def direct_sites(district, year):
    period = parse_period(year)
    return StatusAward.objects.filter(
        institution__district=district, valid_from__lte=period.end, valid_to__gte=period.start
    )


# --- the checks ---------------------------------------------------------------------------------


def _competition_rows(sheet):
    header, *rows = sheet
    assert header[3] == "Подано"
    return header, rows


def check_competitions(reports, district):
    calls = list(Call.objects.filter(district=district, academic_year=reports.year).order_by("closes_at", "pk"))
    expected = [direct_call_counts(call) for call in calls]
    order = ["handed_in", *COLUMNS]
    # The dashboard.
    shown = reports.dashboard["report"].competitions
    assert [c.pk for c in shown] == [c.pk for c in calls]
    for call, counts in zip(shown, expected, strict=True):
        assert call.counts.handed_in == sum(call.counts.columns) == counts["handed_in"]
        assert [call.counts.handed_in, *call.counts.columns] == [counts[key] for key in order]
    totals = reports.dashboard["report"].competition_totals
    assert [totals.handed_in, *totals.columns] == [sum(c[key] for c in expected) for key in order]
    chart = reports.dashboard["charts"]["competitions"]["datasets"]
    assert [sum(values) for values in zip(*(d["data"] for d in chart), strict=True)] == [
        c["handed_in"] for c in expected
    ]
    # The XLSX tables (the annual report's and the competition results').
    for book in (reports.annual_xlsx, reports.results_xlsx):
        header, rows = _competition_rows(book["Конкурсы"])
        *call_rows, total = rows
        assert total[0] == "Итого"
        for row, counts in zip(call_rows, expected, strict=True):
            assert row[3] == sum(row[4:])
            assert row[3:] == [counts[key] for key in order]
        assert total[3:] == [sum(row[i] for row in call_rows) for i in range(3, len(header))]
        decisions = book["Решения"][1:]
        assert len(decisions) == sum(c["awarded"] + c["not_awarded"] for c in expected)
    # The annual report's PDF: one line per call, the numbers after its deadline.
    for call, counts in zip(calls, expected, strict=True):
        line = next(line for line in reports.annual_pdf_text.splitlines() if line.strip().startswith(call.title))
        numbers = [int(n) for n in re.findall(r"(?<![\d.])\d+(?![\d.])", line.split(call.closes_at.strftime("%Y"))[-1])]
        assert numbers == [counts[key] for key in order], line
    awarded = sum(c["awarded"] for c in expected)
    assert re.search(rf"Присвоено статусов\s+{awarded}\b", reports.annual_pdf_text)


def check_registry(reports, district):
    sites = direct_sites(district, reports.year)
    by_kind = {}
    for award in sites.select_related("status_kind"):
        by_kind[award.status_kind.name] = by_kind.get(award.status_kind.name, 0) + 1
    report = reports.dashboard["report"]
    assert len(report.sites) == sites.count()
    assert sum(n for _kind, _level, n in report.sites_by_status) == sites.count()
    assert sum(n for _label, n in report.sites_by_level) == sites.count()
    assert {kind.name: n for kind, _level, n in report.sites_by_status} == by_kind
    assert len(reports.annual_xlsx["Реестр площадок"]) - 1 == sites.count()
    assert {row[0]: row[2] for row in reports.annual_xlsx["Площадки по статусам"][1:]} == by_kind
    assert re.search(rf"Инновационных площадок в этом году\s+{sites.count()}\b", reports.annual_pdf_text)


def check_publications(reports, district):
    articles = Article.objects.filter(collection__district=district, collection__academic_year=reports.year)
    handed_in = articles.exclude(state__in=[Article.State.DRAFT, Article.State.WITHDRAWN]).count()
    accepted = articles.filter(state=Article.State.ACCEPTED).count()
    (collection,) = reports.dashboard["report"].collections
    assert (collection.handed_in, collection.accepted) == (handed_in, accepted)
    assert accepted <= handed_in
    assert [row[3:5] for row in reports.annual_xlsx["Сборники"][1:]] == [[handed_in, accepted]]
    assert len(reports.annual_xlsx["Принятые статьи"]) - 1 == accepted


CHECKS = [check_competitions, check_registry, check_publications]


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,  # the same examples in CI and here
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=years)
def test_every_report_table_adds_up_and_matches_the_models(world, client, data):
    client.force_login(world.users.district_office)
    with transaction.atomic():
        year = build(world.district, data)
        reports = download(client, world.district, year)
        for check in CHECKS:
            check(reports, world.district)
        transaction.set_rollback(True)  # the next example starts from the bare world
