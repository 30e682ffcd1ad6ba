"""Notifications, mail templates, reminder settings and exports now live in apps of their own.

The `notifications` and `exports` apps took the tables over with their rows (their 0001
migrations); here accounts lets go of the models (state only: no table is touched), and
the rows that name the old app follow:

- content types (and with them permissions and the back office's log entries) move to the
  new app label;
- the beat's schedule rows (django-celery-beat) name the tasks by their new names. The old
  names stay registered as aliases, so messages already queued still run.
"""

from django.db import migrations

MOVED = {
    "notification": "notifications",
    "mailtemplate": "notifications",
    "remindersetting": "notifications",
    "exportjob": "exports",
}

TASKS = {
    "accounts.send_notification_mail": "notifications.send_notification_mail",
    "accounts.send_pending_mail": "notifications.send_pending_mail",
    "accounts.send_reminders": "notifications.send_reminders",
    "accounts.weekly_digest": "notifications.weekly_digest",
    "accounts.run_export": "exports.run_export",
    "accounts.purge_exports": "exports.purge_exports",
    "accounts.resume_stale_exports": "exports.resume_stale_exports",
}


def _move_content_types(apps, moves):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, (old, new) in moves.items():
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue  # already made for the new app (e.g. by a migrate run in between): keep it
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def _rename_tasks(apps, names):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in names.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, {model: ("accounts", app) for model, app in MOVED.items()})
    _rename_tasks(apps, TASKS)


def backwards(apps, schema_editor):
    _move_content_types(apps, {model: (app, "accounts") for model, app in MOVED.items()})
    _rename_tasks(apps, {new: old for old, new in TASKS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_default_mail_templates"),
        ("notifications", "0001_initial"),
        ("exports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ExportJob"),
                migrations.DeleteModel(name="MailTemplate"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="ReminderSetting"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
