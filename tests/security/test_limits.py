"""No single user can slow or stall the portal: bodies capped before they are read, rates limited,
exports whose worker died noticed and retried, deadlines judged by when the request arrived."""

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from applications.models import Application
from exports import registry as exports
from exports import services as export_services
from exports.models import ExportJob
from innovation_portal import limits
from innovation_portal.celery import app
from tests.applications.factories import application_for, call_for
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GB = 1024**3


# --- bodies -------------------------------------------------------------------------------


def test_an_anonymous_two_gigabyte_post_is_refused_from_its_headers(client):
    # The test client's body is a few bytes: had the portal tried to read the 2 GB it claims,
    # the read would fail. The refusal comes from the headers alone.
    response = client.post(reverse("login"), {"username": "x"}, CONTENT_LENGTH=str(2 * GB))
    assert response.status_code == 413
    assert "не больше 64 КБ" in response.content.decode()


def test_a_signed_in_document_page_refuses_more_than_a_document(login, world):
    client = login(world.users.coordinator)
    response = client.post(reverse("exports:start"), {}, CONTENT_LENGTH=str(40 * 1024 * 1024))
    assert response.status_code == 413
    assert "30 МБ" in response.content.decode()


def test_only_the_application_editor_takes_a_video(world, settings):
    settings.MAX_UPLOAD_SIZE_MB = 200
    request = RequestFactory().post("/")
    request.user = world.users.coordinator
    application = application_for(world, complete=False)
    editor = resolve(reverse("applications:edit", args=[application.pk])).func
    article = resolve(reverse("login")).func
    assert limits.body_limit(request, editor) == 201 * limits.MB
    assert limits.body_limit(request, article) == 30 * limits.MB
    request.user = mock.Mock(is_authenticated=False)
    assert limits.body_limit(request, editor) == 64 * 1024


def test_the_upload_handler_stops_a_body_longer_than_it_said():
    request = RequestFactory().post("/")
    request.body_limit = 10
    handler = limits.LimitedUploadHandler(request)
    handler.handle_raw_input(None, {}, 5, b"x")
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"678901", 5)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """The portal under gunicorn, as in production (a page that needs no database)."""
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "innovation_portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "TMPDIR": str(tmp_path / "tmp"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    (tmp_path / "tmp").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "innovation_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_under_gunicorn_a_huge_anonymous_body_is_answered_before_it_is_sent(gunicorn):
    port, tmp_path = gunicorn
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            (
                "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {2 * GB}\r\n\r\n"
            ).encode()
        )
        sent = 0
        try:
            for _ in range(16):  # 1 MB of the 2 GB, then the answer is read
                connection.sendall(b"\0" * 65536)
                sent += 65536
        except OSError:
            pass
        answer = connection.recv(65536).decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert sent <= 16 * 65536
    # Nothing of the body was written anywhere.
    assert list((tmp_path / "tmp").iterdir()) == []


# --- rates --------------------------------------------------------------------------------


@pytest.fixture
def slow_export():
    """An export that stays unfinished (its build never runs: tasks are not sent)."""

    @exports.register("test.limits", label="Проверка")
    class Export:
        allowed = staticmethod(lambda user, params: True)
        title = staticmethod(lambda params: "Проверка ограничений")
        build = staticmethod(lambda params, progress: ("x.txt", b"x"))

    yield Export
    exports._registry.pop("test.limits")


def test_one_person_cannot_queue_thirty_exports(login, world, slow_export, settings):
    client = login(world.users.coordinator)
    with mock.patch.object(app.tasks["exports.run_export"], "delay"):  # the worker is busy elsewhere
        answers = [client.post(reverse("exports:start"), {"name": "test.limits"}) for _ in range(30)]
    assert [a.status_code for a in answers[:5]] == [302] * 5
    assert {a.status_code for a in answers[5:]} == {429}
    assert "Дождитесь, пока они будут готовы" in answers[5].content.decode()
    assert ExportJob.objects.filter(user=world.users.coordinator).count() == 5


def test_exports_are_limited_per_minute_and_the_refusal_says_when(login, world, slow_export, settings):
    settings.EXPORTS_UNFINISHED_MAX = 100
    client = login(world.users.coordinator)
    answers = [client.post(reverse("exports:start"), {"name": "test.limits"}) for _ in range(12)]
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429
    text = answers[10].content.decode()
    assert "Слишком много запросов. Попробуйте снова через" in text and ("секунд" in text or "минуту" in text)


def test_password_reset_letters_are_limited_per_address(client, world):
    address = world.users.coordinator.email
    answers = [
        client.post(reverse("password_reset"), {"email": address.upper() if i % 2 else address}) for i in range(5)
    ]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert len([m for m in mail.outbox if m.to == [address]]) == 3
    assert "Попробуйте снова через" in answers[3].content.decode()


def test_password_reset_letters_are_limited_per_client(client, world):
    answers = [client.post(reverse("password_reset"), {"email": f"nobody{i}@example.org"}) for i in range(11)]
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429


def test_uploads_are_limited_per_person(login, world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.factories import PDF

    settings.RATE_UPLOADS = "2/h"
    client = login(world.users.coordinator)
    application = application_for(world, complete=False)
    url = reverse("applications:edit", args=[application.pk])
    codes = []
    for index in range(3):
        upload = SimpleUploadedFile(f"скан {index}.pdf", PDF, content_type="application/pdf")
        codes.append(client.post(url, {"attach-kind": "other", "attach-file": upload, "save": "1"}).status_code)
    assert codes[2] == 429
    assert application.attachments.count() == sum(1 for code in codes[:2] if code == 302)


def test_chunked_uploads_are_limited_per_person(login, world, settings):
    settings.RATE_UPLOADS = "1/h"
    client = login(world.users.coordinator)
    application = application_for(world, complete=False)
    url = reverse("applications:upload_start", args=[application.pk])
    data = {"kind": "other", "name": "скан.pdf", "size": "1000", "fingerprint": "a"}
    assert client.post(url, data).status_code == 200
    refused = client.post(url, {**data, "name": "второй.pdf"})
    assert refused.status_code == 429
    assert "Попробуйте снова через" in refused.json()["error"]


# --- an export whose worker died ------------------------------------------------------------


@pytest.fixture
def quick_export():
    @exports.register("test.quick", label="Быстрая")
    class Export:
        allowed = staticmethod(lambda user, params: True)
        title = staticmethod(lambda params: "Быстрая выгрузка")
        build = staticmethod(lambda params, progress: ("quick.txt", b"ready"))

    yield Export
    exports._registry.pop("test.quick")


def _silent_job(user, attempts):
    long_ago = timezone.now() - datetime.timedelta(minutes=2)
    return ExportJob.objects.create(
        user=user,
        name="test.quick",
        title="Быстрая выгрузка",
        state=ExportJob.State.RUNNING,
        progress=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
        attempts=attempts,
    )


def test_an_export_silent_for_two_minutes_is_tried_once_more(world, quick_export):
    from exports.tasks import resume_stale_exports

    job = _silent_job(world.users.methodist, attempts=1)
    beating = _silent_job(world.users.methodist, attempts=1)
    ExportJob.objects.filter(pk=beating.pk).update(heartbeat_at=timezone.now())
    assert resume_stale_exports.apply().get() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts, job.filename) == (ExportJob.State.DONE, 2, "quick.txt")
    assert ExportJob.objects.get(pk=beating.pk).state == ExportJob.State.RUNNING


def test_an_export_that_died_twice_fails_and_can_be_retried(
    login, world, quick_export, django_capture_on_commit_callbacks
):
    from exports.tasks import resume_stale_exports

    job = _silent_job(world.users.methodist, attempts=2)
    assert resume_stale_exports.apply().get() == 0
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "Повторить" in job.message
    client = login(world.users.methodist)
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert 'id="export-retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:retry", args=[job.pk]))
    again = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("exports:detail", args=[again.pk])
    assert (again.state, again.name, again.params) == (ExportJob.State.DONE, job.name, job.params)
    # Another person's failed export is not theirs to retry.
    other = login(UserFactory())
    assert other.post(reverse("exports:retry", args=[job.pk])).status_code == 404


def test_letters_and_exports_go_to_their_own_queues():
    route = app.amqp.router.route
    assert route({}, "notifications.send_notification_mail")["queue"].name == "mail"
    assert route({}, "notifications.send_reminders")["queue"].name == "mail"
    assert route({}, "exports.run_export")["queue"].name == "heavy"
    assert route({}, "publications.tasks.build_book")["queue"].name == "heavy"
    assert route({}, "accounts.healthcheck")["queue"].name == "default"
    assert datetime.timedelta(minutes=2) >= export_services.SILENT


# --- deadlines to the second ----------------------------------------------------------------


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_submission_that_arrived_before_the_deadline_counts_even_if_processed_after(login, world):
    deadline = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    call = call_for(world, closes_at=deadline)
    application = application_for(world, call=call)
    client = login(world.users.coordinator)
    clock = [deadline - datetime.timedelta(milliseconds=500)]
    from applications import services

    real_submit = services.submit

    def slow_submit(*args, **kwargs):
        clock[0] = deadline + datetime.timedelta(seconds=2)  # the request waited for its turn
        return real_submit(*args, **kwargs)

    with (
        mock.patch("django.utils.timezone.now", side_effect=lambda: clock[0]),
        mock.patch.object(services, "submit", slow_submit),
    ):
        response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED


def test_a_late_submission_is_told_the_deadline_and_its_arrival_to_the_second(login, world):
    deadline = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    call = call_for(world, closes_at=deadline)
    application = application_for(world, call=call)
    client = login(world.users.coordinator)
    with _at(deadline + datetime.timedelta(seconds=1)):
        response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    text = response.content.decode()
    local = timezone.localtime(deadline)
    assert local.strftime("%H:%M:%S") in text
    assert timezone.localtime(deadline + datetime.timedelta(seconds=1)).strftime("%H:%M:%S") in text
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_the_proxys_arrival_stamp_is_trusted_only_when_configured(rf, settings):
    from innovation_portal.middleware import ArrivalMiddleware

    seen = {}
    middleware = ArrivalMiddleware(lambda request: seen.setdefault("at", request.arrived_at))
    earlier = time.time() - 3
    settings.TRUST_X_REQUEST_START = False
    middleware(rf.get("/", HTTP_X_REQUEST_START=f"t={earlier:.3f}"))
    assert abs(seen.pop("at").timestamp() - time.time()) < 1
    settings.TRUST_X_REQUEST_START = True
    middleware(rf.get("/", HTTP_X_REQUEST_START=f"t={earlier:.3f}"))
    assert abs(seen.pop("at").timestamp() - earlier) < 0.01
    middleware(rf.get("/", HTTP_X_REQUEST_START=f"t={int(earlier * 1e6)}"))  # microseconds
    assert abs(seen.pop("at").timestamp() - earlier) < 0.01
    for bad in ("t=garbage", f"t={time.time() + 3600:.3f}", "t=1"):
        middleware(rf.get("/", HTTP_X_REQUEST_START=bad))
        assert abs(seen.pop("at").timestamp() - time.time()) < 1
