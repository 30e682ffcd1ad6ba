"""Background jobs of the plans app."""

from datetime import timedelta

from celery import shared_task
from django.core.files.storage import default_storage
from django.utils import timezone

from .views import IMPORT_FOLDER  # where Word files wait between preview and confirmation

KEEP = timedelta(days=1)


@shared_task(name="plans.purge_import_uploads")
def purge_import_uploads():
    """Delete previews' Word files left by imports nobody confirmed (older than a day)."""
    if not default_storage.exists(IMPORT_FOLDER):
        return 0
    _folders, files = default_storage.listdir(IMPORT_FOLDER)
    old = timezone.now() - KEEP
    removed = 0
    for name in files:
        path = f"{IMPORT_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < old:
            default_storage.delete(path)
            removed += 1
    return removed
