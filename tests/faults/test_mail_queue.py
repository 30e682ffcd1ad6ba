"""Letters are never stuck behind exports: 30 exports queued, a letter still leaves at once.

With Redis and PostgreSQL (CI) two REAL workers run, one per queue as in docker-compose
(`worker-mail`, `worker-heavy`); 30 exports of a second each wait on the heavy queue while a
letter goes out through the mail queue. Without them (a bare `make test`) the same guarantee is
checked where it is made: the routing that puts letters and exports on different queues.
"""

from unittest import mock

import pytest

from exports import services as export_services
from exports.models import ExportJob
from exports.tasks import run_export
from innovation_portal.celery import app
from notifications.notify import notify
from notifications.tasks import send_notification_mail
from tests.factories import UserFactory
from tests.faults import slow_export

from .test_worker_killed import wait_for, workers  # noqa: F401 - the real workers' fixture

pytestmark = pytest.mark.worker


def test_a_letter_leaves_while_thirty_exports_wait(workers, settings):  # noqa: F811
    settings.EXPORTS_UNFINISHED_MAX = 100
    methodist, coordinator = UserFactory(), UserFactory(email="letter@example.org")
    route = app.amqp.router.route
    assert route({}, run_export.name)["queue"].name != route({}, send_notification_mail.name)["queue"].name
    if workers is None:
        return
    heavy, mail_queue = f"{workers.queue}-heavy", f"{workers.queue}-mail"
    workers.start("heavy", queue=heavy)
    workers.start("mail", queue=mail_queue)
    for name in ("heavy", "mail"):
        wait_for(lambda name=name: "ready." in workers.log_text(name), 60, f"the {name} worker to start")
    with (
        mock.patch.object(run_export, "delay", lambda **kw: run_export.apply_async(kwargs=kw, queue=heavy)),
        mock.patch.object(
            send_notification_mail,
            "delay",
            lambda **kw: send_notification_mail.apply_async(kwargs=kw, queue=mail_queue),
        ),
    ):
        for _ in range(30):
            export_services.start_export(methodist, slow_export.NAME, {})
        notify([coordinator], kind="application_returned", title="Заявка возвращена на доработку", body="Исправьте.")
        letter = wait_for(lambda: list(workers.mail_dir.iterdir()), 30, "the letter to leave")
    unfinished = ExportJob.objects.exclude(state=ExportJob.State.DONE).count()
    assert letter and "letter@example.org" in letter[0].read_text()
    # The letter did not wait for the exports: most of them are still waiting or being made.
    assert unfinished >= 20, f"only {unfinished} of 30 exports were unfinished when the letter left"
