"""The district office's dashboard and downloads: what each role sees, the annual report's contents."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from exports.models import ExportJob
from tests.factories import Role, UserFactory, with_role

from .factories import populate


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:dashboard"), params)


def test_the_district_office_sees_its_year_at_a_glance(client, world):
    data = populate(world, rows=3)
    page = dashboard(client, world.users.district_office).content.decode()
    assert "Районная стажировочная площадка" in page and "Экспериментальная площадка" in page
    assert "Конкурс 1" in page and "Конкурс 3" in page
    assert "Инновационные процессы района" in page
    assert data["campaign"].title in page
    assert 'id="chart-plans"' in page and 'id="dashboard-charts"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    # Every download is offered directly and in the background.
    for name in ("annual-report.pdf", "annual-report.xlsx", "competition-results.xlsx", "plan-execution.xlsx"):
        assert reverse("reports:download", args=[name]) in page
    assert 'value="reports.annual_pdf"' in page


def test_the_chart_data_counts_what_the_tables_count(client, world):
    populate(world, rows=3)
    response = dashboard(client, world.users.methodist)
    charts = response.context["charts"]
    assert sorted(charts["sites"]["labels"]) == ["ЭП", "РСП"] or sorted(charts["sites"]["labels"]) == ["РСП", "ЭП"]
    assert sum(charts["sites"]["datasets"][0]["data"]) == 3
    awarded = charts["competitions"]["datasets"][0]
    assert awarded["data"] == [1, 1, 1]
    held = next(d for d in charts["plans"]["datasets"] if d["label"] == "проведено")
    assert sum(held["data"]) == 2
    assert sum(charts["rating"]["datasets"][0]["data"]) == 3


def test_a_coordinator_is_refused(client, world):
    assert dashboard(client, world.users.coordinator).status_code == 403


def test_another_districts_office_sees_nothing_of_this_district(client, world):
    populate(world)
    office = with_role(UserFactory(email="office2@example.org"), Role.DISTRICT_OFFICE, world.other_district)
    assert dashboard(client, office, district=world.district.pk).status_code == 404
    own = dashboard(client, office).content.decode()
    assert "Конкурс 1" not in own and world.other_district.name in own
    url = reverse("reports:download", args=["annual-report.xlsx"])
    assert client.get(url, {"district": world.district.pk}).status_code == 404


def test_the_menu_shows_reports_to_readers_only(client, world):
    client.force_login(world.users.district_office)
    assert reverse("reports:dashboard") in client.get("/").content.decode()
    client.force_login(world.users.coordinator)
    assert reverse("reports:dashboard") not in client.get("/").content.decode()


def test_a_year_without_data_says_so(client, world):
    page = dashboard(client, world.users.district_office).content.decode()
    assert "Конкурсов в этом году не было" in page or "No calls this year." in page


def download(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse("reports:download", args=[name]), params)


def test_the_annual_report_pdf_has_every_section(client, world):
    data = populate(world, rows=2)
    response = download(client, world.users.district_office, "annual-report.pdf", year=data["year"])
    assert response["Content-Type"] == "application/pdf"
    assert f"annual-report-krasnoselsky-{data['year'].replace('/', '-')}.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Ежегодный отчёт об инновационной деятельности" in text
    assert "Красносельский район" in text and data["year"] in text
    for section in (
        "1. Реестр инновационных площадок",
        "2. Конкурсы и решения",
        "3. Экспертиза",
        "4. Рейтинг инновационной активности",
        "5. Выполнение плана",
        "6. Публикации",
    ):
        assert section in text, section
    assert "ГБОУ лицей № 590" in text and "Конкурс 1" in text
    assert "Статья о проекте 1" in text


def test_the_annual_report_xlsx_has_a_sheet_per_table(client, world):
    data = populate(world, rows=2)
    response = download(client, world.users.methodist, "annual-report.xlsx", year=data["year"])
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Реестр площадок",
        "Площадки по статусам",
        "Конкурсы",
        "Решения",
        "Экспертиза",
        "Рейтинг",
        "Планы",
        "Выполнение плана",
        "Сборники",
        "Принятые статьи",
    ]
    registry = list(book["Реестр площадок"].iter_rows(values_only=True))
    assert registry[0][1] == "Учреждение"
    assert {row[1] for row in registry[1:]} == {"ГБОУ лицей № 590", "ГБОУ школа № 100"}
    decisions = list(book["Решения"].iter_rows(values_only=True))
    assert len(decisions) == 3 and decisions[1][3] == "статус присвоен"


def test_competition_results_and_plan_execution_downloads(client, world):
    data = populate(world, rows=2)
    results = load_workbook(
        io.BytesIO(download(client, world.users.district_office, "competition-results.xlsx", year=data["year"]).content)
    )
    assert results.sheetnames[:2] == ["Конкурсы", "Решения"]
    plans = load_workbook(
        io.BytesIO(download(client, world.users.district_office, "plan-execution.xlsx", year=data["year"]).content)
    )
    rows = list(plans["Выполнение плана"].iter_rows(values_only=True))
    assert rows[-1][0] == "Итого" and rows[-1][1:3] == (1, 1)  # planned 1, held 1


def test_the_annual_report_is_made_in_the_background(client, world, django_capture_on_commit_callbacks):
    data = populate(world)
    client.force_login(world.users.district_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:start"),
            {"name": "reports.annual_xlsx", "district": world.district.pk, "year": data["year"]},
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert job.state == ExportJob.State.DONE and job.title.startswith("Ежегодный отчёт")
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert "Реестр площадок" in load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames


def test_a_background_report_of_another_district_is_refused(client, world):
    client.force_login(world.users.other_methodist)
    response = client.post(
        reverse("exports:start"), {"name": "reports.annual_pdf", "district": world.district.pk, "year": "x"}
    )
    assert response.status_code == 404
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("exports:start"),
        {"name": "reports.annual_pdf", "district": world.district.pk, "year": "2025/2026"},
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("rows", [1, 25])
def test_dashboard_queries_do_not_grow(client, world, django_assert_num_queries, rows):
    populate(world, rows=rows)
    client.force_login(world.users.district_office)
    with django_assert_num_queries(18):
        response = client.get(reverse("reports:dashboard"))
    assert len(response.context["report"].competitions) == rows
    assert len(response.context["report"].sites) == rows
