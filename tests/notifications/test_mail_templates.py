"""Mail templates per district: who edits which, trying a template out on save, falling back when one breaks."""

import ast
import logging
import pathlib
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from applications.models import Application
from notifications import kinds, reminders
from notifications.models import MailTemplate, Notification
from notifications.notify import notify
from tests.applications.factories import application_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
# The portal's own apps: the installed ones that live in this repository.
APPS = [config.name for config in django_apps.get_app_configs() if pathlib.Path(config.path).parent == ROOT]


def default(kind="application_submitted", **fields):
    """The installation's default for a kind (made here: transactional tests elsewhere empty the table)."""
    template, _created = MailTemplate.objects.update_or_create(
        kind=kind,
        district=None,
        defaults={"subject": "Общая тема: {{ title }}", "text": "Общий текст для {{ user }}.", **fields},
    )
    return template


def own(district, kind="application_submitted", **fields):
    fields = {"subject": "Тема района: {{ title }}", "text": "Текст района для {{ user }}.", **fields}
    return MailTemplate.objects.create(district=district, kind=kind, **fields)


def form_data(template, **changes):
    data = {
        "district": template.district_id or "",
        "kind": template.kind,
        "description": template.description,
        "subject": template.subject,
        "text": template.text,
        "html": template.html,
        "is_active": "on" if template.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def change_url(template):
    return reverse("admin:notifications_mailtemplate_change", args=[template.pk])


# --- The registry ----------------------------------------------------------------------------


def test_notify_refuses_a_kind_that_is_not_registered(world):
    with pytest.raises(kinds.UnknownKind):
        notify([world.users.coordinator], kind="no.such.letter", title="x")


def _kinds_in_code():
    """Every kind= passed to notify() in the apps: literal strings, and f-strings by their fixed prefix."""
    literals, prefixes = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not (
                    isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "notify"
                ):
                    continue
                for keyword in node.keywords:
                    if keyword.arg != "kind":
                        continue
                    if isinstance(keyword.value, ast.Constant):
                        literals.add(keyword.value.value)
                    elif isinstance(keyword.value, ast.JoinedStr):
                        prefixes.add(keyword.value.values[0].value)
    return literals, prefixes


def test_every_kind_the_code_sends_is_registered():
    literals, prefixes = _kinds_in_code()
    codes = {kind.code for kind in kinds.all_kinds()}
    assert literals and prefixes  # the walk found the calls
    assert literals <= codes, literals - codes
    for prefix in prefixes:
        assert any(code.startswith(prefix) for code in codes), prefix
    assert {f"reminder.{kind}" for kind in reminders.KINDS} <= codes


def test_the_state_letters_of_applications_are_registered():
    told = {"submitted", "resubmitted", "withdrawn", "admitted", "returned", "awarded", "not_awarded"}
    assert told <= set(Application.State.values)
    for state in told:
        kinds.get(f"application_{state}")


def test_the_shipped_defaults_pass_their_own_check():
    """The wording the data migration ships (accounts 0003) compiles and knows its placeholders."""
    from importlib import import_module

    from notifications.letters import check_template

    module = import_module("accounts.migrations.0003_default_mail_templates")
    for kind, description, subject, text in module.TEMPLATES:
        check_template(MailTemplate(kind=kind, description=description, subject=subject, text=module.GREETING + text))


# --- Checked on save ---------------------------------------------------------------------------


def test_a_template_with_an_error_is_refused_naming_the_error_and_line(world, login):
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:notifications_mailtemplate_add"),
        form_data(
            MailTemplate(district=world.district, kind="application_submitted", subject="Тема", is_active=True),
            text="Здравствуйте!\n{% if user %}\nнет конца",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ошибка в шаблоне" in page and "строка 2" in page
    assert not MailTemplate.objects.filter(district=world.district).exists()


def test_a_template_with_an_unknown_placeholder_is_refused(world, login):
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:notifications_mailtemplate_add"),
        form_data(
            MailTemplate(district=world.district, kind="application_submitted", subject="Тема", is_active=True),
            text="Срок: {{ deadline }}",
        ),
    )
    assert response.status_code == 200
    assert "Неизвестные подстановки: {{ deadline }}" in response.content.decode()
    assert not MailTemplate.objects.filter(district=world.district).exists()


def test_the_form_offers_kinds_by_russian_name_and_lists_placeholders(world, login):
    client = login(world.users.methodist)
    template = own(world.district, kind="reminder.call_closing", subject="{{ title }}", text="{{ deadline }}")
    page = client.get(change_url(template)).content.decode()
    assert "Напоминание: приём заявок заканчивается" in page
    assert "{{ offset }}" in page and "насколько далёк срок" in page


# --- Which wording a letter gets -----------------------------------------------------------------


def test_a_districts_own_template_overrides_the_default_for_its_records(world, django_capture_on_commit_callbacks):
    default()
    own(world.district)
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.users.coordinator], kind="application_submitted", title="Заявка", district_id=world.district.pk)
        notify([world.users.other_methodist], kind="application_submitted", title="Заявка", obj=world.other_district)
    letters = {m.to[0]: m for m in mail.outbox}
    assert letters["coordinator@example.org"].subject == "Тема района: Заявка"
    assert letters["methodist2@example.org"].subject == "Общая тема: Заявка"


def test_a_broken_template_falls_back_to_the_default_wording_and_is_logged(
    world, login, caplog, django_capture_on_commit_callbacks
):
    """Inserted past the form's check (an old row, a direct edit): the coordinator's withdrawal still works."""
    default(kind="application_withdrawn", subject="Заявка отозвана: {{ title }}")
    MailTemplate.objects.create(
        district=world.district, kind="application_withdrawn", subject="{{ title|no_such_filter }}", text="{% if %}"
    )
    application = application_for(world, state=Application.State.SUBMITTED)
    client = login(world.users.coordinator)
    with (
        caplog.at_level(logging.WARNING, logger="notifications.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("applications:withdraw", args=[application.pk]), {"reason": "Передумали"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN
    letter = next(m for m in mail.outbox if m.to == ["methodist@example.org"])
    assert letter.subject.startswith("Заявка отозвана: ")
    note = Notification.objects.get(user=world.users.methodist, kind="application_withdrawn")
    assert "no_such_filter" in note.template_error and world.district.name in note.template_error
    assert any("application_withdrawn" in record.getMessage() for record in caplog.records)


def test_without_any_working_template_the_letter_uses_the_notifications_own_words(
    world, django_capture_on_commit_callbacks
):
    MailTemplate.objects.filter(kind="application_returned").delete()
    MailTemplate.objects.create(kind="application_returned", subject="{% broken %}", text="x")
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(
            [world.users.coordinator], kind="application_returned", title="Заявка возвращена", body="Исправьте"
        )
    assert (note.title, note.body, note.from_template) == ("Заявка возвращена", "Исправьте", False)
    assert note.template_error
    assert mail.outbox[0].subject == "Заявка возвращена"


# --- Who edits which ---------------------------------------------------------------------------


def test_a_methodist_edits_and_deletes_their_districts_template(world, login):
    template = own(world.district)
    client = login(world.users.methodist)
    response = client.post(change_url(template), form_data(template, subject="Новая тема {{ title }}"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Новая тема {{ title }}"
    delete = reverse("admin:notifications_mailtemplate_delete", args=[template.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not MailTemplate.objects.filter(pk=template.pk).exists()


def test_another_districts_template_is_out_of_a_methodists_reach(world, login):
    theirs = own(world.other_district)
    client = login(world.users.methodist)
    listing = client.get(reverse("admin:notifications_mailtemplate_changelist")).content.decode()
    assert "Тема района" not in listing
    response = client.get(change_url(theirs))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(change_url(theirs), form_data(theirs, subject="Чужая"))
    theirs.refresh_from_db()
    assert theirs.subject == "Тема района: {{ title }}"


def test_the_default_is_read_only_for_a_methodist(world, login):
    template = default()
    client = login(world.users.methodist)
    assert "Общая тема" in client.get(reverse("admin:notifications_mailtemplate_changelist")).content.decode()
    page = client.get(change_url(template))
    assert page.status_code == 200
    assert 'name="subject"' not in page.content.decode()  # shown, not editable
    assert client.post(change_url(template), form_data(template, subject="Моя")).status_code == 403
    delete = reverse("admin:notifications_mailtemplate_delete", args=[template.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    template.refresh_from_db()
    assert template.subject == "Общая тема: {{ title }}"


def test_a_methodist_cannot_make_an_installation_default(world, login):
    client = login(world.users.methodist)
    data = form_data(MailTemplate(district=None, kind="application_admitted", subject="Т", text="т", is_active=True))
    response = client.post(reverse("admin:notifications_mailtemplate_add"), data)
    assert response.status_code == 200
    assert not MailTemplate.objects.filter(kind="application_admitted").exists()


def test_a_superuser_edits_the_default(world, login, admin_user):
    template = default()
    client = login(admin_user)
    response = client.post(change_url(template), form_data(template, subject="Исправлено: {{ title }}"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Исправлено: {{ title }}"


def test_a_methodist_makes_their_districts_template_from_the_default(world, login):
    template = default(description="Заявка подана")
    client = login(world.users.methodist)
    response = client.post(
        reverse("admin:notifications_mailtemplate_changelist"),
        {"action": "copy_for_my_district", "_selected_action": [template.pk]},
    )
    made = MailTemplate.objects.get(district=world.district, kind="application_submitted")
    assert response.status_code == 302 and response["Location"] == change_url(made)
    assert (made.subject, made.text, made.description) == (template.subject, template.text, "Заявка подана")
    assert client.get(change_url(made)).status_code == 200


# --- The back office's other pages on letters ------------------------------------------------------


def test_a_methodist_opens_the_list_and_a_notification(world, login):
    (note,) = notify([world.users.coordinator], kind="application_returned", title="Заявка возвращена", mail=False)
    client = login(world.users.methodist)
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    page = client.get(reverse("admin:notifications_notification_change", args=[note.pk]))
    assert page.status_code == 200 and "Заявка возвращена" in page.content.decode()
    assert client.get(reverse("admin:notifications_mailtemplate_changelist")).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_the_template_list_queries_do_not_grow(world, login, django_assert_num_queries, rows):
    codes = [kind.code for kind in kinds.all_kinds()][:rows]
    MailTemplate.objects.all().delete()
    for code in codes:
        own(world.district, kind=code)
    client = login(world.users.methodist)
    client.get(reverse("admin:notifications_mailtemplate_changelist"))  # warm the session and caches
    # The kind filter offers the registered kinds by name: no query for the distinct codes; no
    # second count of the whole table (show_full_result_count is off in the back office).
    with django_assert_num_queries(5):
        response = client.get(reverse("admin:notifications_mailtemplate_changelist"))
    assert (
        response.status_code == 200 and len(re.findall(r'name="_selected_action"', response.content.decode())) == rows
    )
