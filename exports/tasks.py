from celery import shared_task

from . import services
from .models import ExportJob


@shared_task(name="exports.run_export")
def run_export(*, job_id):
    if not services.claim(job_id):
        return
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return
    services.run(job)


@shared_task(name="exports.purge_exports")
def purge_exports():
    return services.purge()


@shared_task(name="exports.resume_stale_exports")
def resume_stale_exports():
    """Jobs whose worker went silent are sent again once, then failed; lost messages re-sent."""
    ids = services.sweep()
    for pk in ids:
        run_export.delay(job_id=pk)
    return len(ids)


# The names these tasks had while they lived in accounts: messages queued before the move
# still resolve, and are handed on to the task under its new name.
@shared_task(name="accounts.run_export")
def _old_run_export(*, job_id):
    run_export.delay(job_id=job_id)


@shared_task(name="accounts.purge_exports")
def _old_purge_exports():
    return purge_exports()


@shared_task(name="accounts.resume_stale_exports")
def _old_resume_stale_exports():
    return resume_stale_exports()
