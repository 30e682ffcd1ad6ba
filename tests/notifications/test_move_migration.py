"""Moving notifications, mail templates, reminder settings and exports out of accounts keeps the data.

The database is taken back to the state before the move (accounts 0003), filled there
through the historical models, and migrated forward again; the rows must be found through
the new apps' models, and the rows that named the old app (content types, and with them
permissions and the back office's log; the beat's schedule) must name the new one.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exports.models import ExportJob
from notifications.models import MailTemplate, Notification, ReminderSetting

BEFORE = [("accounts", "0003_default_mail_templates"), ("notifications", None), ("exports", None)]
MOVED = {"notification": "notifications", "mailtemplate": "notifications", "remindersetting": "notifications"}
MOVED["exportjob"] = "exports"

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader


def _fill_before_the_move(old):
    """Rows as a database migrated at the old code holds them."""
    District = old.get_model("accounts", "District")
    User = old.get_model("accounts", "User")
    ContentType = old.get_model("contenttypes", "ContentType")
    LogEntry = old.get_model("admin", "LogEntry")
    PeriodicTask = old.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = old.get_model("django_celery_beat", "IntervalSchedule")

    district = District.objects.create(name="Красносельский район", short_name="Красносельский", slug="krs")
    user = User.objects.create(email="m@example.org", full_name="Мария Методистова", calendar_token="t-1")
    note = old.get_model("accounts", "Notification").objects.create(
        user=user, kind="application_returned", key="k:1", title="Заявка возвращена", mail_status="sent"
    )
    old.get_model("accounts", "MailTemplate").objects.create(
        kind="test.moved", subject="Тема {{ title }}", text="Здравствуйте, {{ user }}!"
    )
    old.get_model("accounts", "ReminderSetting").objects.create(district=district, kind="call_closing", offsets="3")
    old.get_model("accounts", "ExportJob").objects.create(
        user=user, name="plans.plan_pdf", title="План (PDF)", state="done", filename="plan.pdf"
    )
    # As the old code's migrate left them: the content types under accounts, a log entry on one.
    for model in MOVED:
        ContentType.objects.filter(app_label=MOVED[model], model=model).delete()
        ContentType.objects.get_or_create(app_label="accounts", model=model)
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get(app_label="accounts", model="notification"),
        object_id=str(note.pk),
        object_repr="Заявка возвращена",
        action_flag=2,
        change_message="[]",
    )
    every = IntervalSchedule.objects.create(every=1, period="hours")
    PeriodicTask.objects.create(name="send-reminders", task="accounts.send_reminders", interval=every)
    PeriodicTask.objects.create(name="purge-exports", task="accounts.purge_exports", interval=every)
    return note.pk


def test_rows_made_before_the_move_are_found_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        loader = _migrate(BEFORE)
        others = [node for node in latest if node[0] not in {"accounts", "notifications", "exports"}]
        old = loader.project_state([BEFORE[0], *others]).apps
        note_pk = _fill_before_the_move(old)
        _migrate(latest)
    finally:
        _migrate(latest)  # leave the test database as the rest of the suite expects it
        ContentType.objects.clear_cache()

    note = Notification.objects.get(pk=note_pk)
    assert (note.user.email, note.title, note.key, note.mail_status) == (
        "m@example.org",
        "Заявка возвращена",
        "k:1",
        Notification.MailStatus.SENT,
    )
    assert MailTemplate.objects.get(kind="test.moved").subject == "Тема {{ title }}"
    assert ReminderSetting.objects.get(kind="call_closing").district.slug == "krs"
    job = ExportJob.objects.get(name="plans.plan_pdf")
    assert (job.state, job.filename, job.user.email) == (ExportJob.State.DONE, "plan.pdf", "m@example.org")

    assert not ContentType.objects.filter(app_label="accounts", model__in=list(MOVED)).exists()
    for model, app in MOVED.items():
        assert ContentType.objects.filter(app_label=app, model=model).count() == 1
    entry = LogEntry.objects.get(object_id=str(note_pk))
    assert entry.content_type.model_class() is Notification
    assert entry.get_edited_object() == note

    from django_celery_beat.models import PeriodicTask

    assert dict(
        PeriodicTask.objects.filter(name__in=["send-reminders", "purge-exports"]).values_list("name", "task")
    ) == {
        "send-reminders": "notifications.send_reminders",
        "purge-exports": "exports.purge_exports",
    }


def test_the_old_task_names_still_run():
    """Messages queued under the names the tasks had in accounts are handed on, not lost."""
    from celery import current_app

    names = set(current_app.tasks)
    for old in (
        "accounts.send_notification_mail",
        "accounts.send_pending_mail",
        "accounts.send_reminders",
        "accounts.weekly_digest",
        "accounts.run_export",
        "accounts.purge_exports",
        "accounts.resume_stale_exports",
    ):
        assert old in names, old
    assert current_app.tasks["accounts.send_pending_mail"].apply().result == 0
