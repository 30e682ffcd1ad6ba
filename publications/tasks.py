from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import BookBuild


# Named as Celery named them before (module.function): the beat's rows and queued messages use these.
@shared_task(name="publications.tasks.build_book")
def build_book(*, build_id):
    """Build one queued version of a collection's book (see services.run_build); safe to run twice."""
    if not BookBuild.objects.filter(pk=build_id).exists():
        return
    services.run_build(build_id)


@shared_task(name="publications.tasks.resume_stale_builds")
def resume_stale_builds():
    """Re-queue builds whose worker died or whose message was lost.

    The broker would redeliver such a message only after its visibility timeout (a day), so
    every ten minutes the beat re-sends the build of anything queued for long or «running»
    past the stale window; the build's claim makes a duplicate message harmless.
    """
    lost = BookBuild.objects.filter(state=BookBuild.State.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=10))
    dead = BookBuild.objects.filter(state=BookBuild.State.RUNNING, started_at__lt=services.stale_before())
    ids = list(lost.values_list("pk", flat=True)) + list(dead.values_list("pk", flat=True))
    for pk in ids:
        build_book.delay(build_id=pk)
    return len(ids)
