"""Background jobs of the plans app (all on the heavy queue: CELERY_TASK_ROUTES «plans.*»)."""

from datetime import timedelta

from celery import shared_task
from django.core.files.storage import default_storage
from django.utils import timezone

from . import services
from .models import PlanImport

KEEP = timedelta(days=1)
# Where uploads waited between preview and confirmation before the import jobs kept them;
# files left there by an older version are still cleared.
LEGACY_IMPORT_FOLDER = "plans/import-uploads"


# The reader runs in a limited child process (innovation_portal.safe_office); these Celery
# limits are only the backstop for the task around it.
@shared_task(name="plans.read_plan_import", soft_time_limit=3 * 60, time_limit=4 * 60)
def read_plan_import(*, import_id):
    """Check and read one uploaded plan file (services.run_plan_import); safe to run twice."""
    if not PlanImport.objects.filter(pk=import_id).exists():
        return None
    return services.run_plan_import(import_id)


@shared_task(name="plans.resume_stale_imports")
def resume_stale_imports():
    """Plan files whose reading never started or lost its worker: queued again once, then shown as failed."""
    return services.expire_stale_plan_imports()


@shared_task(name="plans.purge_import_uploads")
def purge_import_uploads():
    """Delete import jobs nobody confirmed (older than a day) with their files; returns how many."""
    removed = services.purge_plan_imports(KEEP)
    if default_storage.exists(LEGACY_IMPORT_FOLDER):
        _folders, files = default_storage.listdir(LEGACY_IMPORT_FOLDER)
        old = timezone.now() - KEEP
        for name in files:
            path = f"{LEGACY_IMPORT_FOLDER}/{name}"
            if default_storage.get_modified_time(path) < old:
                default_storage.delete(path)
                removed += 1
    return removed
