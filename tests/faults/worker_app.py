"""The portal's Celery app as the fault tests' worker runs it (`celery -A tests.faults.worker_app`).

Test-only changes: Redis gives an unacknowledged message back after 4 seconds instead of
26 hours (so the redelivery after a killed worker happens within the test), a reminder
source that yields the test's deadlines slowly, so the worker can be killed in the middle of
a reminder run, and (FAULTS_PLAN_CPU_SECONDS) a lower CPU limit for reading plan files, so a
slow file is stopped in seconds. Everything else (tasks, claims, acks-late) is the portal's own.
"""

import dataclasses
import os
import time
from datetime import timedelta

import django

from innovation_portal.celery import app

django.setup()  # the reminders engine reads the models: the app registry must be ready first

from notifications.reminders import Deadline, coordinators_by_institution, source  # noqa: E402
from plans import services as plan_services  # noqa: E402
from tests.faults import slow_export  # noqa: E402, F401 - the mail-queue test's slow export

app.conf.update(
    broker_transport_options={"visibility_timeout": 4, "unacked_restore_interval": 1, "unacked_restore_throttle": 1},
    task_default_queue=os.environ["FAULTS_QUEUE"],
    # Everything the worker queues (letters of a reminder run too) stays on the test's own queue,
    # which is the only one this worker consumes.
    task_routes={},
)

if os.environ.get("FAULTS_PLAN_CPU_SECONDS"):
    plan_services.PLAN_LIMITS = dataclasses.replace(
        plan_services.PLAN_LIMITS, cpu_seconds=int(os.environ["FAULTS_PLAN_CPU_SECONDS"])
    )

FAULT_PREFIX = "Сбой"


@source
def slow_fault_deadlines(now):
    from accounts.models import Institution

    institutions = list(Institution.objects.filter(short_name__startswith=FAULT_PREFIX).order_by("pk"))
    people = coordinators_by_institution(i.pk for i in institutions)
    for institution in institutions:
        time.sleep(0.4)  # a slow source: the test kills the worker while this runs
        yield Deadline(
            kind="call_closing",
            key=f"fault:{institution.pk}",
            due=now + timedelta(days=1) - timedelta(minutes=1),
            recipients=people.get(institution.pk, []),
            title=f"Срок подачи заявки: {institution.short_name}",
            url="/competitions/",
            district_id=institution.district_id,
        )
