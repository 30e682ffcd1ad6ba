"""Two tabs on one application: autosave tells the truth, and the second save overwrites nothing.

The coordinator of «ГБОУ лицей № 590» opens the same draft in two tabs. In the first she types
the «Актуальность» and adds a row to the experience table; autosave stores both (the database
says so). In the second tab, still based on the old version, she types another «Актуальность»:
autosave refuses and says why, leaving the page asks first, and «Сохранить» shows both texts
to keep either, field by field and table by table.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import District, Institution, User
from applications import services
from applications.models import Application
from tests.applications.factories import CallFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def application(demo):
    call = CallFactory(
        district=District.objects.get(slug="krasnoselsky"),
        title="Конкурс на статус районной стажировочной площадки (две вкладки)",
        is_published=True,
    )
    lyceum = Institution.objects.get(short_name="ГБОУ лицей № 590")
    return services.start_application(call, lyceum, by=User.objects.get(email="coordinator@demo.local"))


def _saved(page):
    expect(page.locator("#autosave-status")).to_contain_text("Автоматически сохранено", timeout=20_000)


def test_two_tabs_autosave_and_a_conflict_resolved_field_by_field(application, visit):
    window = visit("coordinator@demo.local")
    first = window.go(f"/competitions/applications/{application.pk}/edit/")
    second = window.context.new_page()
    second.goto(window.base + f"/competitions/applications/{application.pk}/edit/")

    # The first tab: a field and a table row, saved in the background.
    first.fill("[name='relevance']", "Три страницы актуальности, набранные в первой вкладке.")
    experience = first.locator(".formset[data-prefix='experience']")
    experience.locator(".add-row").click()
    first.fill("[name='experience-0-project']", "Районный проект «Читаем вместе»")
    _saved(first)
    application.refresh_from_db()
    assert application.relevance == "Три страницы актуальности, набранные в первой вкладке."
    assert list(application.experience.values_list("project", flat=True)) == ["Районный проект «Читаем вместе»"]
    # More typing in the same row updates that row, never a second copy of it.
    first.fill("[name='experience-0-years']", "2022–2025")
    _saved(first)
    assert list(application.experience.values_list("project", "years")) == [
        ("Районный проект «Читаем вместе»", "2022–2025")
    ]
    window.shot("first-tab-autosaved")

    # The second tab was opened before: its autosave is refused and says so.
    second.fill("[name='relevance']", "Короткая актуальность из второй вкладки.")
    expect(second.locator("#autosave-status")).to_contain_text("Не сохранено", timeout=20_000)
    application.refresh_from_db()
    assert application.relevance == "Три страницы актуальности, набранные в первой вкладке."

    # Leaving the page with unsaved changes asks first; staying keeps the text.
    dialogs = []
    second.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    second.get_by_role("link", name="Просмотр").click()
    second.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/edit/" in second.url
    assert second.input_value("[name='relevance']") == "Короткая актуальность из второй вкладки."

    # «Сохранить»: both versions of each difference, nothing written yet.
    second.get_by_role("button", name="Сохранить", exact=True).click()
    second.wait_for_load_state()
    panel = second.locator("#conflict")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Три страницы актуальности, набранные в первой вкладке.")
    expect(panel).to_contain_text("Короткая актуальность из второй вкладки.")
    expect(panel).to_contain_text("Районный проект «Читаем вместе»")
    window.shot("second-tab-conflict", page=second)
    application.refresh_from_db()
    assert application.relevance == "Три страницы актуальности, набранные в первой вкладке."

    # A choice for every difference is required; she keeps her text and the stored table.
    relevance = panel.locator("fieldset", has=second.locator("input[value='relevance']"))
    relevance.get_by_label("Оставить мой вариант").check()
    table = panel.locator("fieldset", has=second.locator("input[value='table:experience']"))
    table.get_by_label("Оставить сохранённый вариант").check()
    second.get_by_role("button", name="Сохранить", exact=True).click()
    second.wait_for_load_state()
    expect(second.get_by_text("Сохранено.")).to_be_visible()
    application.refresh_from_db()
    assert application.relevance == "Короткая актуальность из второй вкладки."
    assert list(application.experience.values_list("project", flat=True)) == ["Районный проект «Читаем вместе»"]
    assert application.state == Application.State.DRAFT
    window.shot("second-tab-resolved", page=second)
