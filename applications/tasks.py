"""Background jobs of the competitions app."""

from celery import shared_task

from . import uploads


@shared_task(name="applications.purge_partial_uploads")
def purge_partial_uploads():
    """Remove partial uploads of the editor nobody has continued for two days; returns how many."""
    return uploads.purge()
