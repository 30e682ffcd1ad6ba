"""The Content-Security-Policy is on in the journeys, a violation is caught, and the error pages obey it."""

import time

from django.urls import reverse


def _wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_an_injected_inline_script_is_blocked_reported_and_would_fail_a_journey(demo, visit, csp_violations):
    window = visit()
    response = window.page.goto(window.base + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy

    page = window.page
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected === undefined"), "the inline script ran"
    page.evaluate("0")
    assert any("securitypolicyviolation" in line and "script-src" in line for line in csp_violations)
    # The browser's report reached /csp-report/ and the portal logged it.
    assert _wait_for(lambda: any(line.startswith("reported to the portal") for line in csp_violations))
    csp_violations.clear()  # provoked on purpose: this journey passes


def test_a_missing_page_is_the_russian_page_in_the_layout_with_a_way_home(demo, visit):
    window = visit("coordinator@demo.local")
    page = window.page
    response = page.goto(window.base + "/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()
    window.shot("404")
    page.get_by_role("link", name="На главную").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == window.base.rstrip("/") + reverse("home").rstrip("/")


def test_a_stale_form_is_refused_with_the_russian_page_and_a_way_back(demo, visit):
    window = visit()
    page = window.go(reverse("login"))
    window.context.clear_cookies()  # the CSRF cookie is gone, as after a browser restart
    page.fill("input[name=username]", "coordinator@demo.local")
    page.fill("input[name=password]", "demo12345")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Форма не принята").is_visible()
    window.shot("csrf failure")
    page.get_by_role("link", name="На главную").click()
    page.wait_for_load_state()
    assert "Форма не принята" not in page.content()


def test_behaviour_moved_to_files_still_works_a_question_can_stop_a_form_and_a_select_sends_its_own(demo, visit):
    from accounts.models import User
    from applications.models import Application

    coordinator = User.objects.get(email="coordinator@demo.local")
    application = next(
        a for a in Application.objects.order_by("pk") if coordinator.has_perm("applications.withdraw_application", a)
    )
    state = application.state
    window = visit("coordinator@demo.local")
    page = window.go(reverse("applications:detail", args=[application.pk]))
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Отозвать").click()
    page.wait_for_timeout(300)
    assert questions == ["Отозвать заявку?"]
    application.refresh_from_db()
    assert application.state == state, "«Отмена» kept the form from being sent"

    # The footer's language select sends its form as soon as a language is chosen.
    with page.expect_navigation():
        page.select_option("#language-switch", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.select_option("#language-switch", "ru")
    assert page.locator("html").get_attribute("lang") == "ru"


def test_back_office_pages_of_the_libraries_work_without_inline_scripts(demo, visit):
    methodist = visit("methodist@demo.local")
    page = methodist.go(reverse("admin:accounts_institution_export"))
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 1
    page.locator(".select-toggle").uncheck()
    assert all(not box.is_checked() for box in fields.all()), "«select all» cleared every field"
    page.locator(".select-toggle").check()
    assert all(box.is_checked() for box in fields.all())
    methodist.shot("institution export")

    admin = visit("admin@demo.local")
    page = admin.go(reverse("admin:django_celery_beat_periodictask_add"))
    assert page.locator(".field-crontab").count() == 1
    translation = page.locator(".field-crontab_translation")
    assert translation.count() == 1 and not translation.is_visible(), "the script hid the raw translation row"
    admin.shot("periodic task form")
