from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Article, BookBuild, WordImport


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


# The parse and the layout run in a limited child process (innovation_portal.safe_office);
# these Celery limits are only the backstop for the task around it.
@shared_task(name="publications.convert_word", soft_time_limit=6 * 60, time_limit=7 * 60)
def convert_word(*, import_id):
    """Convert one uploaded Word file into its article (services.run_word_import); safe to run twice."""
    if not WordImport.objects.filter(pk=import_id).exists():
        return None
    return services.run_word_import(import_id)


@shared_task(name="publications.estimate_length", soft_time_limit=3 * 60, time_limit=4 * 60)
def estimate_length(*, article_id, version):
    """Measure an article's length for one version of its text; nothing to do if it changed or is measured."""
    article = Article.objects.filter(pk=article_id).only("pk", "content_version", "length_version").first()
    if article is None or article.content_version != version or article.length_version == version:
        return None
    return services.estimate_length(article)


@shared_task(name="publications.expire_stale_imports")
def expire_stale_imports():
    """Word uploads that never started or lost their worker are shown as failed, not as spinning."""
    return services.expire_stale_imports()
