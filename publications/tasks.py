from celery import shared_task

from .models import BookBuild


@shared_task
def build_book(*, build_id):
    """Build one queued version of a collection's book (see services.run_build); safe to run twice."""
    if not BookBuild.objects.filter(pk=build_id).exists():
        return
    from . import services

    services.run_build(build_id)
