"""Background work of the expertise."""

from celery import shared_task

from . import services


@shared_task
def freeze_reviews():
    """Close the reviews of calls whose expertise has ended (the save check refuses edits anyway)."""
    return services.freeze_reviews()
