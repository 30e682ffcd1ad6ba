"""Celery beat's schedule has every periodic task the README describes."""

import re
from pathlib import Path

from innovation_portal.celery import app

README = Path(__file__).resolve().parent.parent / "README.md"

# Tasks the README names that run when someone acts, not on the clock.
QUEUED_BY_ACTIONS = {
    "notifications.send_notification_mail",
    "exports.run_export",
    "accounts.healthcheck",
    "publications.tasks.build_book",
    "publications.convert_word",
    "publications.estimate_length",
    "plans.read_plan_import",
}


def registered_tasks():
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_the_readme_names_is_scheduled_unless_an_action_queues_it():
    named = set(re.findall(r"`([\w.]+)`", README.read_text(encoding="utf-8"))) & registered_tasks()
    assert "expertise.tasks.freeze_reviews" in named
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert named - QUEUED_BY_ACTIONS - scheduled == set()


def test_every_scheduled_task_exists():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= registered_tasks()
