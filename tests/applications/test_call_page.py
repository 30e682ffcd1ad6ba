import pytest
from django.urls import reverse

from applications.models import Application, Call

from .factories import add_checklist, application_for, call_for


def test_the_call_page_lists_what_the_technical_check_requires(login, world):
    """Nobody is returned for something they were never told: the checklist is on the call's page."""
    call = call_for(world)
    add_checklist(call)
    body = login(world.users.coordinator).get(reverse("applications:call", args=[call.pk])).content.decode()
    assert "Что проверяется на технической экспертизе" in body
    for line in ("Обязательные поля", "Таблицы", "Файлы", "Подпись руководителя"):
        assert f"<li>{line}</li>" in body


def _pdf_text(content):
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


@pytest.mark.parametrize(
    ("form", "experience_works"),
    [(Call.Form.TRAINING_SITE, "Виды работ"), (Call.Form.BASE_SITE, "Виды работ, результаты")],
)
def test_table_headings_match_the_official_form_in_the_editor_and_the_pdf(login, world, form, experience_works):
    """Seed forms: staff «Ф.И.О. сотрудника, должность, ученая степень, ученое звание | Наименование работ,
    выполняемых в ходе реализации программы»; experience «Наименование проекта | Годы реализации | Виды работ»."""
    call = call_for(world, form=form)
    application = application_for(world, call=call)
    client = login(world.users.coordinator)
    editor = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "<th>Наименование работ, выполняемых в ходе реализации программы</th>" in editor
    assert f"<th>{experience_works}</th>" in editor
    application.state = Application.State.SUBMITTED
    application.save(update_fields=["state"])
    text = _pdf_text(client.get(reverse("applications:pdf", args=[application.pk])).content)
    assert "Ф.И.О. сотрудника, должность, ученая степень, ученое звание" in text
    assert "Наименование работ, выполняемых в ходе реализации программы" in text
    assert experience_works in text
