"""Running registered exports (exports.registry) as ExportJob rows."""

from datetime import timedelta

from celery import current_app
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exports import registry as exports

from .models import ExportJob

# A job «being made» for longer than this lost its worker and may be taken over.
STALE = timedelta(minutes=30)


class ExportRefused(Exception):
    """The user may not have this export (or it does not exist)."""


def start_export(user, name, params):
    """Create a job for `user` and queue it; refuses unknown exports and what the user may not see."""
    export = exports.get(name)
    if export is None or not export.allowed(user, params):
        raise ExportRefused(_("This export is not available to you."))
    job = ExportJob.objects.create(user=user, name=name, params=params, title=str(export.title(params)))
    # By name: tasks.py imports this module, not the other way round.
    transaction.on_commit(lambda: current_app.tasks["exports.run_export"].delay(job_id=job.pk))
    return job


def claim(job_id):
    """Take a queued job (or one whose worker died) for running; False if another has it or it is done."""
    now = timezone.now()
    stale = now - STALE
    return (
        ExportJob.objects.filter(pk=job_id)
        .filter(state=ExportJob.State.QUEUED)
        .update(state=ExportJob.State.RUNNING, started_at=now, progress=1)
        == 1
        or ExportJob.objects.filter(pk=job_id, state=ExportJob.State.RUNNING, started_at__lt=stale).update(
            started_at=now, progress=1
        )
        == 1
    )


def run(job):
    export = exports.get(job.name)

    def progress(percent):
        ExportJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, int(percent))))

    if export is None or not export.allowed(job.user, job.params):
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, message=_("This export is not available to you."), finished_at=timezone.now()
        )
        return
    try:
        filename, content = export.build(job.params, progress)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, message=str(error)[:500], finished_at=timezone.now()
        )
        raise
    job.file.save(filename, ContentFile(content), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, file=job.file.name, filename=filename, finished_at=timezone.now()
    )


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
