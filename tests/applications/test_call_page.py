from django.urls import reverse

from .factories import add_checklist, call_for


def test_the_call_page_lists_what_the_technical_check_requires(login, world):
    """Nobody is returned for something they were never told: the checklist is on the call's page."""
    call = call_for(world)
    add_checklist(call)
    body = login(world.users.coordinator).get(reverse("applications:call", args=[call.pk])).content.decode()
    assert "Что проверяется на технической экспертизе" in body
    for line in ("Обязательные поля", "Таблицы", "Файлы", "Подпись руководителя"):
        assert f"<li>{line}</li>" in body
