"""The Celery application.

Settings come from Django settings under the CELERY_ namespace (see settings.py); the
reliability choices below are made here because they are properties of how our tasks are
written, not of a deployment.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_portal.settings")

app = Celery("innovation_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    # Our tasks are idempotent (they claim their row before acting), so a message is
    # acknowledged only after the task finishes: a worker killed mid-task leaves the
    # message on the broker and another worker runs it again instead of losing it.
    task_acks_late=True,
    # ...and a task whose worker process died is re-queued rather than marked failed.
    task_reject_on_worker_lost=True,
    # Book builds and large exports take minutes; a worker should not hold a backlog of
    # prefetched messages hostage behind one of them while another worker sits idle.
    worker_prefetch_multiplier=1,
    # Redis redelivers an unacknowledged message after the visibility timeout. It must be
    # longer than the longest countdown/ETA we schedule (reminders are planned at most a
    # day ahead) and the longest task, or the message would run twice while still waiting.
    # A job whose worker died is therefore picked up sooner by the beat's resume-stale-*
    # sweeps below, not by waiting for this timeout.
    broker_transport_options={"visibility_timeout": 60 * 60 * 26},
    result_backend_transport_options={"visibility_timeout": 60 * 60 * 26},
    # A runaway task (a WeasyPrint render on a pathological document) must not pin a
    # worker forever: a soft limit raises inside the task so it can clean up, the hard
    # limit kills the process.
    task_soft_time_limit=60 * 25,
    task_time_limit=60 * 30,
    # Results are only polled by progress bars for a while after a job finishes.
    result_expires=60 * 60 * 24,
    task_track_started=True,
    # Keep connection retries on start-up: the worker may start before Redis in compose.
    broker_connection_retry_on_startup=True,
    worker_send_task_events=False,
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
)

# The schedule. django-celery-beat copies it into the database on start, where methodists'
# administrators can change times in the back office; every task here is safe to run twice.
app.conf.beat_schedule = {
    "send-reminders": {"task": "notifications.send_reminders", "schedule": crontab(minute=5)},
    "send-pending-mail": {"task": "notifications.send_pending_mail", "schedule": crontab(minute="*/10")},
    "weekly-digest": {"task": "notifications.weekly_digest", "schedule": crontab(hour=8, minute=0, day_of_week=1)},
    "purge-exports": {"task": "exports.purge_exports", "schedule": crontab(hour=3, minute=30)},
    # Every minute: an export whose worker went silent (no heartbeat for a minute) is tried once
    # more, then failed with «Повторить»; long builds whose worker died are redelivered sooner too.
    "resume-stale-exports": {"task": "exports.resume_stale_exports", "schedule": crontab(minute="*")},
    "purge-plan-import-uploads": {"task": "plans.purge_import_uploads", "schedule": crontab(hour=3, minute=45)},
    # Plan files whose reading never started or lost its worker: tried once more, then failed.
    "resume-stale-plan-imports": {"task": "plans.resume_stale_imports", "schedule": crontab(minute="*/5")},
    # Chunked uploads of the application editor that were never finished.
    "purge-partial-uploads": {"task": "applications.purge_partial_uploads", "schedule": crontab(hour=4, minute=0)},
    "resume-stale-builds": {"task": "publications.tasks.resume_stale_builds", "schedule": crontab(minute="*/10")},
    "expire-stale-word-imports": {"task": "publications.expire_stale_imports", "schedule": crontab(minute="*/5")},
    # Reviews of ended expertises and decided applications are closed formally.
    "freeze-reviews": {"task": "expertise.tasks.freeze_reviews", "schedule": crontab(minute=15)},
}

app.autodiscover_tasks()
