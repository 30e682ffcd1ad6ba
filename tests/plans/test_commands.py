import pytest
from django.core.management import CommandError, call_command

from plans.models import Plan, PlanItem
from tests.factories import DistrictFactory

from .factories import ADMIRALTEYSKY_DOCX, PETROGRADSKY_DOCX


@pytest.fixture
def krasnoselsky(db):
    return DistrictFactory(name="Красносельский район", short_name="Красносельский", slug="krasnoselsky")


def test_import_plan_prints_a_summary_and_the_new_plan_id(krasnoselsky, capsys):
    call_command("import_plan", str(ADMIRALTEYSKY_DOCX), "--district", "Красносельский", "--period", "2023/2024")
    out = capsys.readouterr().out
    plan = Plan.objects.get()
    assert "Разделов: 7" in out
    assert "Пунктов: 73" in out
    assert "Сроки распознаны: 69" in out
    assert "Сроки не распознаны: 4" in out
    assert "«февраль май»" in out
    assert f"Номер плана: {plan.pk}" in out
    assert (plan.district, plan.kind, plan.status) == (krasnoselsky, Plan.Kind.PLAN, Plan.Status.DRAFT)
    assert plan.source_name == "plan-admiralteysky-2023-2024.docx"


def test_import_plan_dry_run_saves_nothing(krasnoselsky, capsys):
    call_command(
        "import_plan",
        str(PETROGRADSKY_DOCX),
        "--district",
        "krasnoselsky",
        "--period",
        "2019-2020",
        "--kind",
        "roadmap",
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert "Пунктов: 28" in out and "Сроки не распознаны: 2" in out
    assert "ничего не сохранено" in out
    assert not Plan.objects.exists() and not PlanItem.objects.exists()


def test_import_plan_roadmap_kind(krasnoselsky):
    call_command(
        "import_plan",
        str(PETROGRADSKY_DOCX),
        "--district",
        "Красносельский район",
        "--period",
        "2019/2020",
        "--kind",
        "roadmap",
    )
    assert Plan.objects.get().kind == Plan.Kind.ROADMAP


@pytest.mark.parametrize(
    "args, message",
    [
        (["--district", "Нет такого", "--period", "2023/2024"], "Неизвестный район"),
        (["--district", "Красносельский", "--period", "2023/2025"], "два соседних года"),
    ],
)
def test_import_plan_refuses_bad_arguments(krasnoselsky, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(ADMIRALTEYSKY_DOCX), *args)
    assert not Plan.objects.exists()


def test_import_plan_refuses_a_document_without_a_plan(krasnoselsky):
    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            str(ADMIRALTEYSKY_DOCX.parent / "plan-no-plan-table.docx"),
            "--district",
            "Красносельский",
            "--period",
            "2023/2024",
        )
    assert not Plan.objects.exists()


def test_export_plan_refuses_an_unknown_plan(db):
    with pytest.raises(CommandError):
        call_command("export_plan", "999", "--format", "json")


def test_export_plan_writes_pdf_to_a_file(krasnoselsky, tmp_path):
    call_command("import_plan", str(PETROGRADSKY_DOCX), "--district", "Красносельский", "--period", "2019/2020")
    target = tmp_path / "plan.pdf"
    call_command("export_plan", str(Plan.objects.get().pk), "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF")
