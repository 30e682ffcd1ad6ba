from celery import shared_task

from .models import Institution


@shared_task(name="accounts.healthcheck")
def healthcheck():
    """Answer from a worker with what it sees of the database: proves broker, worker and DB work together."""
    return {"ok": True, "institutions": Institution.objects.filter(is_active=True).count()}
