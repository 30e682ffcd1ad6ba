"""A plan file goes through the heavy queue to a real worker, which refuses hostile files and lives on.

With Redis and PostgreSQL (CI) a REAL worker process consumes the heavy queue (its own copy of
it, as the mail-queue test does: the portal routes `plans.*` to «heavy»). A methodist uploads a
zip bomb, then a table that takes seconds of CPU to read (the worker's CPU limit for plan files
is two seconds here: FAULTS_PLAN_CPU_SECONDS), then a real district plan: the first two are
refused with their Russian reasons, the third is previewed and imported, and the worker process
is still the same one. Without them (a bare `make test`) the same story runs with the tasks
eager, after the routing to the heavy queue is checked.
"""

import contextlib
import dataclasses
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innovation_portal.celery import app
from plans import services
from plans.models import Plan, PlanImport
from plans.tasks import read_plan_import
from tests.factories import DistrictFactory, Role, UserFactory, with_role
from tests.plans.factories import PETROGRADSKY_DOCX
from tests.security import hostile_files as hostile

from .test_worker_killed import wait_for, workers  # noqa: F401 - the real workers' fixture

pytestmark = pytest.mark.worker
CPU_SECONDS = 2


def _upload(client, district, name, data, period="2019/2020"):
    response = client.post(
        reverse("plans:import"),
        {"file": SimpleUploadedFile(name, data), "district": district.pk, "period": period, "kind": "plan"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return PlanImport.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def _finished(job, timeout=120):
    wait_for(lambda: PlanImport.objects.get(pk=job.pk).is_finished, timeout, f"the worker to read {job.file_name}")
    return PlanImport.objects.get(pk=job.pk)


def test_plan_files_go_through_the_heavy_queue_to_a_worker_that_survives_them(workers, client, monkeypatch):  # noqa: F811
    assert app.amqp.router.route({}, read_plan_import.name)["queue"].name == "heavy"
    district = DistrictFactory(name="Петроградский район", short_name="Петроградский", slug="petrogradsky-w")
    methodist = with_role(UserFactory(), Role.METHODIST, district)
    client.force_login(methodist)
    if workers is None:  # eager: the same limit in this process
        monkeypatch.setattr(services, "PLAN_LIMITS", dataclasses.replace(services.PLAN_LIMITS, cpu_seconds=CPU_SECONDS))
        run, worker = contextlib.nullcontext(), None
    else:
        heavy = f"{workers.queue}-heavy"
        workers.env["FAULTS_PLAN_CPU_SECONDS"] = str(CPU_SECONDS)
        worker = workers.start("heavy", queue=heavy)
        wait_for(lambda: "ready." in workers.log_text("heavy"), 60, "the heavy worker to start")
        run = mock.patch.object(
            read_plan_import, "delay", lambda **kw: read_plan_import.apply_async(kwargs=kw, queue=heavy)
        )
    with run:
        bomb = _finished(_upload(client, district, "план.docx", hostile.zip_bomb_docx()))
        slow = _finished(_upload(client, district, "длинный план.docx", hostile.slow_docx()))
        good = _finished(_upload(client, district, PETROGRADSKY_DOCX.name, PETROGRADSKY_DOCX.read_bytes()))

    assert (bomb.state, slow.state, good.state) == ("failed", "failed", "done"), (bomb.message, slow.message)
    assert "zip-бомбы" in bomb.message
    assert f"больше {CPU_SECONDS} секунд процессорного времени" in slow.message
    # The page stops polling and shows the reason; the good file's page is its preview.
    polled = client.get(reverse("plans:import_job", args=[slow.pk]), HTTP_HX_REQUEST="true")
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"
    assert "процессорного времени" in client.get(reverse("plans:import_job", args=[slow.pk])).content.decode()
    assert "Пунктов: 28" in client.get(reverse("plans:import_job", args=[good.pk])).content.decode()
    response = client.post(reverse("plans:import_confirm", args=[good.pk]))
    plan = Plan.objects.get(district=district)
    assert response["Location"] == reverse("plans:detail", args=[plan.pk]) and plan.items.count() == 28

    if worker is not None:
        assert worker.poll() is None, "the worker process is still alive"
        log = workers.log_text("heavy")
        assert len(re.findall(r"Task plans\.read_plan_import\[\S+\] succeeded", log)) == 3, log[-3000:]
