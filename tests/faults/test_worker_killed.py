"""A Celery worker dies in the middle of a job; the job still completes, and only once.

With Redis and PostgreSQL (CI) a REAL worker process is started, given a book build or a
reminder run, and killed with SIGKILL in the middle of it; a second worker gets the message
back (acks late) and finishes the job, taking over the dead worker's claim once it is stale.
The worker runs `tests.faults.worker_app`: the portal's app with Redis' redelivery timeout and
the build's stale window shortened to seconds, and a slow reminder source to be killed in.

Without Redis (a bare `make test`) a worker process cannot share the in-memory broker, so the
same story is played at the level of the claims: the dead worker's row is left claimed with an
old timestamp and the redelivered task is run again. Both paths assert the same outcome.
"""

import os
import re
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from innovation_portal.celery import app
from notifications import reminders
from notifications.models import Notification
from notifications.notify import claim_for_sending
from notifications.tasks import send_notification_mail, send_reminders
from publications import services
from publications.models import ArticlePdf, BookBuild, Collection
from publications.tasks import build_book
from tests.factories import DistrictFactory, InstitutionFactory, Role, UserFactory, with_role
from tests.publications.factories import ArticleFactory, CollectionFactory, paragraphs

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
FAULT_PREFIX = "Сбой"  # the institutions tests.faults.worker_app's reminder source reads


def real_worker_possible():
    """A worker process needs a broker and a database it can share with this test process."""
    return str(settings.CELERY_BROKER_URL).startswith("redis") and connection.vendor == "postgresql"


def wait_for(condition, timeout, what, poll=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Workers:
    """Start and kill real worker processes on a queue of their own."""

    def __init__(self, tmp_path):
        self.queue = f"faults-{uuid.uuid4().hex[:12]}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.logs = tmp_path
        self.running = []
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FAULTS_MAIL_DIR": str(self.mail_dir),
            "FAULTS_QUEUE": self.queue,
            "PYTHONPATH": str(ROOT),
        }

    def start(self, name, queue=None):
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 - closed when the process is reaped
        process = subprocess.Popen(
            [str(CELERY), "-A", "tests.faults.worker_app", "worker", "--pool=solo", "-Q", queue or self.queue,
             "--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.running.append((process, log))
        return process

    def send(self, task, **kwargs):
        return task.apply_async(kwargs=kwargs, queue=self.queue)

    def kill(self, process):
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self):
        for process, log in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()

    def log_text(self, name):
        return (self.logs / f"{name}.log").read_text()


@pytest.fixture
def workers(tmp_path, transactional_db):
    """Real workers (Redis + PostgreSQL only) on a queue of their own; None where impossible."""
    if not real_worker_possible():
        yield None
        return
    pool = Workers(tmp_path)
    app.conf.update(task_always_eager=False)
    try:
        # The portal queues a build with build_book.delay(); here it goes to the workers' queue.
        with mock.patch.object(build_book, "delay", lambda **kwargs: pool.send(build_book, **kwargs)):
            yield pool
    finally:
        app.conf.update(task_always_eager=True)
        pool.stop_all()


# --- a book build ---------------------------------------------------------------------------


@pytest.fixture
def collection(transactional_db):
    district = DistrictFactory()
    collection = CollectionFactory(district=district, status=Collection.Status.EDITING)
    long_text = paragraphs(6)
    for _ in range(14):
        ArticleFactory(
            collection=collection, state="accepted", introduction=long_text, results=long_text, course_of_work=long_text
        )
    editor = with_role(UserFactory(), Role.EDITOR, district)
    collection.editors.add(editor)
    return collection, editor


def _kill_a_worker_mid_build(workers, collection, editor):
    first = workers.start("first")
    build = services.request_build(collection, by=editor)  # queued to Redis on commit
    state = wait_for(
        lambda: BookBuild.objects.filter(pk=build.pk, state__in=["running", "done"]).values_list("state", flat=True)
        .first(),
        90,
        "the first worker to start the build",
    )  # fmt: skip
    assert state == "running", "the build must still be running when the worker is killed"
    time.sleep(0.5)  # well inside the layout
    workers.kill(first)
    assert BookBuild.objects.get(pk=build.pk).state == BookBuild.State.RUNNING, "killed mid-build"
    assert not BookBuild.objects.get(pk=build.pk).pdf
    workers.start("second")
    wait_for(
        lambda: BookBuild.objects.filter(pk=build.pk, state__in=["done", "failed"]).exists(),
        180,
        "the second worker to finish the build",
    )
    assert re.search(r"Task publications\.tasks\.build_book\[\S+\] succeeded", workers.log_text("second")), (
        "the second worker ran the redelivered build"
    )
    return build


def _simulate_a_dead_worker_mid_build(collection, editor):
    build = BookBuild.objects.create(collection=collection, version=1, requested_by=editor)
    assert services.claim_build(build.pk)  # the worker that is going to die takes it
    build_book(build_id=build.pk)  # a duplicate delivery while it still lives: not stolen
    assert BookBuild.objects.get(pk=build.pk).state == BookBuild.State.RUNNING
    # ... then it dies; its claim grows stale and the message comes back.
    BookBuild.objects.filter(pk=build.pk).update(started_at=timezone.now() - timedelta(hours=1))
    build_book(build_id=build.pk)
    return build


def test_a_book_build_whose_worker_is_killed_completes_once(collection, workers):
    collection, editor = collection
    if workers is not None:
        build = _kill_a_worker_mid_build(workers, collection, editor)
    else:
        build = _simulate_a_dead_worker_mid_build(collection, editor)
    finished = BookBuild.objects.get(pk=build.pk)
    assert finished.state == BookBuild.State.DONE, finished.message
    first_finish = finished.finished_at
    # A late duplicate of the message changes nothing.
    build_book(build_id=build.pk)
    assert BookBuild.objects.filter(collection=collection).count() == 1
    assert BookBuild.objects.get(pk=build.pk).finished_at == first_finish
    books = list((Path(settings.MEDIA_ROOT) / "publications" / "books").rglob("*.pdf"))
    assert len(books) == 1, books
    assert books[0] == Path(settings.MEDIA_ROOT) / finished.pdf.name
    assert books[0].read_bytes().startswith(b"%PDF")
    per_article = ArticlePdf.objects.filter(build=finished)
    assert per_article.count() == collection.articles.count() == 14
    assert len(set(per_article.values_list("article_id", flat=True))) == 14


# --- a reminder run -------------------------------------------------------------------------


@pytest.fixture
def people(transactional_db):
    district = DistrictFactory()
    found = []
    for index in range(8):
        institution = InstitutionFactory(district=district, short_name=f"{FAULT_PREFIX} № {index + 1}")
        user = with_role(UserFactory(email=f"fault{index + 1}@example.org"), Role.COORDINATOR, district, institution)
        found.append((user, institution))
    return found


def _kill_a_worker_mid_reminders(workers, people):
    first = workers.start("first")
    workers.send(send_reminders)
    wait_for(lambda: _fault_notifications().count() >= 2, 90, "the first worker to begin the reminder run")
    workers.kill(first)
    assert _fault_notifications().count() < len(people), "killed in the middle of the run"
    workers.start("second")
    wait_for(
        lambda: _fault_notifications().filter(mail_status=Notification.MailStatus.SENT).count() == len(people),
        180,
        "the second worker to finish the run and send the letters",
    )
    assert re.search(r"Task notifications\.send_reminders\[\S+\] succeeded", workers.log_text("second")), (
        "the second worker ran the redelivered reminder run"
    )
    time.sleep(2)  # anything sent twice would arrive now
    return _letters_in(workers.mail_dir)


def _letters_in(folder):
    letters = []
    for path in Path(folder).glob("*.log"):
        letters += re.findall(r"^To: (\S+)$", path.read_text(), flags=re.MULTILINE)
    return letters


def _simulate_a_dead_worker_mid_reminders(people):
    institutions = {institution.pk: person for person, institution in people}

    def deadlines(now, die_after=None):
        for count, (institution_id, person) in enumerate(sorted(institutions.items())):
            if die_after is not None and count == die_after:
                raise SystemExit("the worker was killed")
            yield reminders.Deadline(
                kind="call_closing",
                key=f"fault:{institution_id}",
                due=now + timedelta(days=1) - timedelta(minutes=1),
                recipients=[person],
                title="Срок подачи заявки",
                url="/competitions/",
            )

    lost_mail_tasks = []
    with mock.patch.object(reminders, "_sources", [lambda now: deadlines(now, die_after=3)]):
        # The dead run: three reminders created, their letters' messages lost with the worker,
        # and one letter claimed for sending by a worker that died before sending it.
        with (
            mock.patch.object(send_notification_mail, "delay", lambda **kw: lost_mail_tasks.append(kw)),
            pytest.raises(SystemExit),
        ):
            send_reminders()
        claimed = _fault_notifications().first()
        assert claim_for_sending(claimed.pk)
        Notification.objects.filter(pk=claimed.pk).update(mail_claimed_at=timezone.now() - timedelta(hours=1))
    with mock.patch.object(reminders, "_sources", [deadlines]):
        send_reminders()  # the redelivered run
        send_reminders()  # and a duplicate delivery of it
    for task in lost_mail_tasks * 2:  # the lost letters' messages come back (twice, even)
        send_notification_mail(**task)
    return [address for letter in mail.outbox for address in letter.to]


def _fault_notifications():
    return Notification.objects.filter(key__startswith="reminder:fault:")


def test_a_reminder_run_whose_worker_is_killed_sends_each_reminder_once(people, workers):
    if workers is not None:
        letters = _kill_a_worker_mid_reminders(workers, people)
    else:
        letters = _simulate_a_dead_worker_mid_reminders(people)
    notes = list(_fault_notifications().values_list("user__email", "key", "mail_status"))
    assert len(notes) == len(people), "one reminder per person and deadline"
    assert len({key for _email, key, _status in notes}) == len(people)
    assert {email for email, _key, _status in notes} == {p.email for p, _i in people}
    assert {status for _e, _k, status in notes} == {Notification.MailStatus.SENT}
    assert sorted(letters) == sorted(p.email for p, _i in people), "exactly one letter each"


def test_redelivery_after_a_killed_worker_is_what_the_portal_asks_celery_for():
    # The killed-worker stories above rely on these: a message is acknowledged only after its
    # task finished, and a task whose worker died is given back to the broker.
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
