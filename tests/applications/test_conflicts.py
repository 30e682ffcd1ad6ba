"""Two tabs, two coordinators: a save based on an old revision overwrites nothing.

And the autosave: everything the page holds (fields and table rows added, changed or removed)
is saved in the background, or the page is told exactly what is not saved yet.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from applications.models import Application
from applications.selectors import ROW_MODELS

from .factories import application_for
from .test_editor import management, training_site_data


@pytest.fixture
def coordinator(login, world):
    return login(world.users.coordinator)


def edit(client, application, data):
    return client.post(reverse("applications:edit", args=[application.pk]), data)


def autosave(client, application, data):
    return client.post(reverse("applications:autosave", args=[application.pk]), data)


def revision_on_page(response):
    return int(re.search(r'name="revision" value="(\d+)"', response.content.decode()).group(1))


def tables(**totals):
    data = {}
    for prefix in ("experience", "staff", "sources"):
        data.update(management(prefix, *totals.get(prefix, (0, 0))))
    return data


def test_the_second_tab_is_refused_and_shown_both_texts(world, coordinator):
    application = application_for(world, complete=False)
    opened = coordinator.get(reverse("applications:edit", args=[application.pk]))
    base = revision_on_page(opened)
    first = training_site_data(relevance="Три страницы актуальности из первой вкладки", revision=base)
    assert edit(coordinator, application, first).status_code == 302
    second = training_site_data(relevance="Короткая актуальность из второй вкладки", revision=base)
    response = edit(coordinator, application, second)
    assert response.status_code == 409
    page = response.content.decode()
    application.refresh_from_db()
    assert application.relevance == "Три страницы актуальности из первой вкладки"
    assert "Три страницы актуальности из первой вкладки" in page
    assert "Короткая актуальность из второй вкладки" in page
    assert 'name="keep-relevance"' in page
    assert "ваши изменения пока не сохранены" in page.lower()
    # Fields equal in both versions are not offered.
    assert 'name="keep-theme"' not in page
    assert revision_on_page(response) == application.revision


def test_keeping_mine_field_by_field(world, coordinator):
    application = application_for(world, complete=False)
    base = application.revision
    edit(
        coordinator, application, training_site_data(relevance="Из первой", consumers="Учителя (первая)", revision=base)
    )
    application.refresh_from_db()
    resolved = training_site_data(
        relevance="Из второй",
        consumers="Учителя (вторая)",
        revision=application.revision,
        conflict=["relevance", "consumers"],
        **{"keep-relevance": "mine", "keep-consumers": "theirs"},
    )
    assert edit(coordinator, application, resolved).status_code == 302
    application.refresh_from_db()
    assert application.relevance == "Из второй"
    assert application.consumers == "Учителя (первая)"


def test_a_choice_must_be_made_for_every_difference(world, coordinator):
    application = application_for(world, complete=False)
    edit(coordinator, application, training_site_data(relevance="Из первой", revision=application.revision))
    application.refresh_from_db()
    data = training_site_data(relevance="Из второй", revision=application.revision, conflict=["relevance"])
    response = edit(coordinator, application, data)
    assert response.status_code == 409
    assert "Выберите, какой вариант оставить" in response.content.decode()
    application.refresh_from_db()
    assert application.relevance == "Из первой"


def test_a_table_changed_in_the_other_tab_is_a_difference(world, coordinator):
    application = application_for(world, complete=False)
    base = application.revision
    edit(coordinator, application, training_site_data(revision=base))
    rows = [r.project for r in application.experience.all()]
    assert len(rows) == 2
    # The second tab still shows an empty experience table and adds its own row.
    second = training_site_data(revision=base, **management("experience", 1))
    second["experience-0-project"] = "Проект из второй вкладки"
    response = edit(coordinator, application, second)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'name="keep-table:experience"' in page and "Проект из второй вкладки" in page and rows[0] in page
    # Keeping the stored table leaves both rows of the first tab.
    application.refresh_from_db()
    second.update(
        {"revision": application.revision, "conflict": ["table:experience"], "keep-table:experience": "theirs"}
    )
    assert edit(coordinator, application, second).status_code == 302
    assert [r.project for r in application.experience.all()] == rows


def test_keeping_my_table_whose_rows_were_removed_elsewhere(world, coordinator):
    application = application_for(world)
    row = application.experience.get()
    data = training_site_data(**management("experience", 1, 1), **{"experience-0-id": row.pk})
    data["experience-0-project"] = "Мой исправленный проект"
    row.delete()  # removed in the other tab
    Application.objects.filter(pk=application.pk).update(revision=application.revision + 1)
    data.update(
        {"revision": application.revision + 1, "conflict": ["table:experience"], "keep-table:experience": "mine"}
    )
    assert edit(coordinator, application, data).status_code == 302
    assert [r.project for r in application.experience.all()] == ["Мой исправленный проект"]


def test_an_autosave_based_on_an_old_revision_saves_nothing(world, coordinator):
    application = application_for(world, complete=False)
    base = application.revision
    edit(coordinator, application, training_site_data(theme="Тема из первой вкладки", revision=base))
    response = autosave(coordinator, application, training_site_data(theme="Тема из второй", revision=base))
    assert response.status_code == 409
    assert response.json()["conflict"] is True and "«Сохранить»" in response.json()["message"]
    application.refresh_from_db()
    assert application.theme == "Тема из первой вкладки"


def test_autosave_waits_while_the_person_chooses(world, coordinator):
    application = application_for(world, complete=False)
    data = training_site_data(theme="Новая", revision=application.revision, conflict=["theme"])
    assert autosave(coordinator, application, data).status_code == 409
    application.refresh_from_db()
    assert application.theme == ""


def test_autosave_saves_rows_added_changed_and_removed(world, coordinator):
    application = application_for(world, complete=False)
    data = training_site_data(revision=application.revision)
    data.update(management("experience", 3))
    data["experience-2-project"] = "Третья, добавленная в браузере"
    result = autosave(coordinator, application, data).json()
    assert result["saved"] is True and result["unsaved"] == []
    stored = list(application.experience.order_by("order"))
    assert [r.project for r in stored][2] == "Третья, добавленная в браузере"
    assert result["tables"]["experience"] == [r.pk for r in stored]
    # The page now carries the new ids (editor.js sets them) and the next autosave does not
    # duplicate the rows; the first row is removed, the second changed.
    data["revision"] = result["revision"]
    for index, pk in enumerate(result["tables"]["experience"]):
        data[f"experience-{index}-id"] = pk
    data["experience-0-DELETE"] = "on"
    data["experience-1-works"] = "Мастер-классы и стажировки"
    result = autosave(coordinator, application, data).json()
    assert result["saved"] is True
    assert [(r.project, r.works) for r in application.experience.order_by("order")] == [
        ("Городской семинар «Лаборатория осмысленного чтения»", "Мастер-классы и стажировки"),
        ("Третья, добавленная в браузере", ""),
    ]
    assert result["tables"]["experience"][0] == ""
    # And «Save» after the autosaves keeps exactly those rows.
    data["revision"] = result["revision"]
    assert edit(coordinator, application, data).status_code == 302
    assert application.experience.count() == 2 and application.staff.count() == 1


def test_autosave_names_the_rows_it_could_not_save(world, coordinator):
    application = application_for(world, complete=False)
    data = training_site_data(revision=application.revision)
    data["staff-0-full_name"] = ""
    result = autosave(coordinator, application, data).json()
    assert result["saved"] is True
    assert "кроме: таблица «Кадровое обеспечение программы»: строка 1: ФИО — Обязательное поле" in result["message"]
    assert not application.staff.exists()
    application.refresh_from_db()
    assert application.theme == data["theme"]
    assert application.experience.count() == 2


def test_each_save_counts_up_the_revision_and_who_saved(world, coordinator):
    application = application_for(world, complete=False)
    before = application.revision
    edit(coordinator, application, training_site_data(revision=before))
    application.refresh_from_db()
    assert application.revision == before + 1
    assert application.saved_by == world.users.coordinator


def test_the_page_carries_the_ids_of_stored_rows(world, coordinator):
    """Posting the editor back exactly as rendered saves and keeps every row once."""
    application = application_for(world)
    rows = list(application.experience.values_list("pk", flat=True))
    page = coordinator.get(reverse("applications:edit", args=[application.pk])).content.decode()
    for index, pk in enumerate(rows):
        assert f'name="experience-{index}-id" value="{pk}"' in page


def test_a_stored_row_changed_on_the_page_is_saved(world, coordinator):
    application = application_for(world)
    row = application.experience.get()
    data = training_site_data(**management("experience", 1, 1), revision=application.revision)
    data.update({"experience-0-id": row.pk, "experience-0-project": "Исправленное название"})
    assert edit(coordinator, application, data).status_code == 302
    assert list(application.experience.values_list("pk", "project")) == [(row.pk, "Исправленное название")]


class _Inputs(HTMLParser):
    """The values a browser would send for the editor's form (#application-form)."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._textarea, self._select, self._template = {}, False, None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = attrs.get("id") == "application-form"
        if tag == "template":
            self._template += 1
        if not self._in_form or self._template:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "radio", "checkbox"):
            self.data[name] = attrs.get("value", "")
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[name] = attrs.get("value", "on")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n") if not self.data[self._textarea] else data


def test_the_editor_posted_back_as_rendered_saves_and_changes_nothing(world, coordinator):
    application = application_for(world)
    tables = {
        key: list(model.objects.filter(application=application).values()) for key, (model, _c) in ROW_MODELS.items()
    }
    parser = _Inputs()
    parser.feed(coordinator.get(reverse("applications:edit", args=[application.pk])).content.decode())
    response = edit(coordinator, application, {**parser.data, "save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    for key, (model, _c) in ROW_MODELS.items():
        assert list(model.objects.filter(application=application).values()) == tables[key]
