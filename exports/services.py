"""Running registered exports (exports.registry) as ExportJob rows."""

import threading
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exports import registry as exports
from innovation_portal import limits

from .models import ExportJob

# A running job beats its heartbeat every BEAT; one silent for longer than SILENT lost its
# worker: it is tried once more (MAX_ATTEMPTS in all), then shown as failed with «Повторить».
BEAT = timedelta(seconds=15)
SILENT = timedelta(minutes=1)
MAX_ATTEMPTS = 2
# A queued job whose message may have been lost is sent again after this long.
LOST = timedelta(minutes=10)
STALE = SILENT  # kept for the old name


class ExportRefused(Exception):
    """The user may not have this export (or it does not exist)."""


class ExportLimited(Exception):
    """Too many exports at once or too often: the message says when to try again."""


def start_export(user, name, params, *, request=None):
    """Create a job for `user` and queue it; refuses unknown exports and what the user may not see.

    Refuses (ExportLimited) more than EXPORTS_UNFINISHED_MAX unfinished jobs of one person and,
    given the request, more than RATE_EXPORTS starts.
    """
    export = exports.get(name)
    if export is None or not export.allowed(user, params):
        raise ExportRefused(_("This export is not available to you."))
    unfinished = ExportJob.objects.filter(user=user, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])
    if unfinished.count() >= settings.EXPORTS_UNFINISHED_MAX:
        raise ExportLimited(
            _("You already have %(count)d exports being made. Wait until they are ready, then start another.")
            % {"count": unfinished.count()}
        )
    if request is not None:
        message = limits.too_often(request, group="exports", key="user", rate=settings.RATE_EXPORTS)
        if message:
            raise ExportLimited(message)
    job = ExportJob.objects.create(user=user, name=name, params=params, title=str(export.title(params)))
    # By name: tasks.py imports this module, not the other way round.
    transaction.on_commit(lambda: current_app.tasks["exports.run_export"].delay(job_id=job.pk))
    return job


def claim(job_id, now=None):
    """Take a queued job (or one whose worker went silent) for running; False if another has it or it is done."""
    now = now or timezone.now()
    taken = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, started_at=now, heartbeat_at=now, progress=1, attempts=F("attempts") + 1
    )
    if taken:
        return True
    return bool(
        ExportJob.objects.filter(
            silent_since(now - SILENT), pk=job_id, state=ExportJob.State.RUNNING, attempts__lt=MAX_ATTEMPTS
        ).update(started_at=now, heartbeat_at=now, progress=1, attempts=F("attempts") + 1)
    )


def silent_since(moment):
    """Running jobs with no sign of life since `moment` (jobs from before heartbeats: by their start)."""
    return Q(heartbeat_at__lt=moment) | Q(heartbeat_at__isnull=True, started_at__lt=moment)


def _beat(job_id, stop):
    """Keep the job's heartbeat while the build runs (a thread of the worker process)."""
    from django.db import connection

    try:
        while not stop.wait(BEAT.total_seconds()):
            ExportJob.objects.filter(pk=job_id, state=ExportJob.State.RUNNING).update(heartbeat_at=timezone.now())
    finally:
        connection.close()


def run(job):
    export = exports.get(job.name)

    def progress(percent):
        ExportJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, int(percent))), heartbeat_at=timezone.now())

    if export is None or not export.allowed(job.user, job.params):
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, message=_("This export is not available to you."), finished_at=timezone.now()
        )
        return
    stop = threading.Event()
    if not current_app.conf.task_always_eager:  # in-process (make run, tests) the request waits anyway
        threading.Thread(target=_beat, args=(job.pk, stop), daemon=True).start()
    try:
        filename, content = export.build(job.params, progress)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, message=str(error)[:500], finished_at=timezone.now()
        )
        raise
    finally:
        stop.set()
    job.file.save(filename, ContentFile(content), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, file=job.file.name, filename=filename, finished_at=timezone.now()
    )


def sweep(now=None):
    """Jobs that lost their worker: tried again once, then failed with a reason. Returns the ids to re-send."""
    now = now or timezone.now()
    silent = ExportJob.objects.filter(silent_since(now - SILENT), state=ExportJob.State.RUNNING)
    silent.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ExportJob.State.FAILED,
        finished_at=now,
        message=_("The export was interrupted twice (the server processing it stopped). Press «Retry»."),
    )
    again = list(silent.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:200])
    lost = list(
        ExportJob.objects.filter(state=ExportJob.State.QUEUED, created_at__lt=now - LOST).values_list("pk", flat=True)[
            :200
        ]
    )
    return again + lost


def retry(job, *, request=None):
    """«Повторить»: the same export made anew for its owner (the limits apply)."""
    return start_export(job.user, job.name, job.params, request=request)


def purge(now=None):
    """Delete files of exports older than KEEP_DAYS (and their rows)."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - timedelta(days=exports.KEEP_DAYS))
    count = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
