"""A real Celery worker runs our tasks: against Redis when CELERY_BROKER_URL is set (CI), in
memory otherwise. The worker runs in threads of this process, reading the test database."""

import pytest
from celery.contrib.testing.worker import start_worker

from accounts.tasks import healthcheck
from innovation_portal.celery import app
from tests.factories import InstitutionFactory


@pytest.fixture
def real_worker(settings):
    app.conf.update(task_always_eager=False)
    try:
        # One worker for every queue (in production each queue has its own: docker-compose).
        queues = ["default", "mail", "heavy"]
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=queues):
            yield
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_to_the_broker_is_run_by_a_worker(real_worker):
    InstitutionFactory.create_batch(3)
    result = healthcheck.delay()
    assert result.get(timeout=30) == {"ok": True, "institutions": 3}


def test_without_a_broker_tasks_run_in_process(db):
    # The default for `make run` on a bare machine: no Redis, no worker, tasks still happen.
    assert app.conf.task_always_eager
    InstitutionFactory()
    assert healthcheck.delay().get() == {"ok": True, "institutions": 1}


def test_worker_memory_is_bounded_in_every_deployed_worker():
    # A process that grew past the limit after a task is replaced before the next one; Celery
    # applies it only to the prefork pool, which every worker of docker-compose and `make worker` runs.
    from pathlib import Path

    assert app.conf.worker_max_memory_per_child == 300_000
    root = Path(__file__).resolve().parent.parent
    compose = (root / "docker-compose.yml").read_text()
    makefile = (root / "Makefile").read_text()
    assert compose.count('"innovation_portal", "worker"') == 2
    assert makefile.count("celery -A innovation_portal worker") == 2
    for text in (compose, makefile):
        assert "--pool" not in text and "-P " not in text
