"""The editor's files sent in the background: chunked, resumable uploads and removal with an undo."""

import os
import time
from pathlib import Path

import pytest
from django.urls import reverse

from applications import uploads
from applications.models import Application, Attachment
from applications.tasks import purge_partial_uploads

from .factories import PDF, ApplicationFactory, application_for, fill_complete, real_mp4
from .test_editor import edit, management, training_site_data

State = Application.State


@pytest.fixture
def coordinator(login, world):
    return login(world.users.coordinator)


@pytest.fixture
def draft(world):
    return application_for(world, complete=False)


def start(client, application, *, kind, name, content, fingerprint="1718000000000"):
    return client.post(
        reverse("applications:upload_start", args=[application.pk]),
        {"kind": kind, "name": name, "size": str(len(content)), "fingerprint": fingerprint},
    )


def chunk(client, application, upload, offset, data):
    url = reverse("applications:upload_chunk", args=[application.pk, upload]) + f"?offset={offset}"
    return client.post(url, data, content_type="application/octet-stream")


def send_all(client, application, content, *, kind, name, size=1000):
    """What uploads.js does: ask where to start, then send the chunks in order."""
    answer = start(client, application, kind=kind, name=name, content=content).json()
    offset, response = answer["offset"], None
    while offset < len(content) or response is None:
        response = chunk(client, application, answer["upload"], offset, content[offset : offset + size])
        if response.status_code != 200:
            return response
        offset = response.json()["offset"]
    return response


def partial_folders(settings):
    root = Path(settings.MEDIA_ROOT) / uploads.FOLDER
    return [p for owner in root.iterdir() for p in owner.iterdir()] if root.exists() else []


def test_a_file_sent_in_chunks_in_order_is_attached_byte_for_byte(coordinator, draft, settings):
    content = PDF + b"%" + os.urandom(5000)  # a PDF with a tail: several chunks
    response = send_all(coordinator, draft, content, kind="immersion_scenario", name="Сценарий погружения.pdf")
    assert response.status_code == 200
    body = response.json()
    attachment = draft.attachments.get()
    assert body["attachment"]["id"] == attachment.pk
    assert "Сценарий погружения.pdf" in body["attachment"]["html"]
    assert (attachment.kind, attachment.original_name, attachment.size) == (
        Attachment.Kind.IMMERSION_SCENARIO,
        "Сценарий погружения.pdf",
        len(content),
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert partial_folders(settings) == []  # the partial upload is gone


def test_an_upload_resumes_after_a_missing_chunk_and_after_a_reload(coordinator, draft):
    content = PDF + b"%" + os.urandom(3000)
    answer = start(coordinator, draft, kind="other", name="Отчёт.pdf", content=content).json()
    assert answer["offset"] == 0
    assert chunk(coordinator, draft, answer["upload"], 0, content[:1000]).json() == {"offset": 1000}
    # The second chunk was lost on the way: the third is refused with where the bytes end.
    lost = chunk(coordinator, draft, answer["upload"], 2000, content[2000:3000])
    assert (lost.status_code, lost.json()) == (409, {"offset": 1000})
    # The page is reloaded and the same file chosen again: the server says where to go on.
    again = start(coordinator, draft, kind="other", name="Отчёт.pdf", content=content).json()
    assert (again["upload"], again["offset"]) == (answer["upload"], 1000)
    assert chunk(coordinator, draft, answer["upload"], 1000, content[1000:2500]).json() == {"offset": 2500}
    done = chunk(coordinator, draft, answer["upload"], 2500, content[2500:])
    assert done.status_code == 200
    with draft.attachments.get().file.open("rb") as stored:
        assert stored.read() == content


def test_a_chunk_beyond_the_limit_is_refused_and_the_partial_file_removed(coordinator, draft, settings):
    settings.MAX_UPLOAD_SIZE_MB = 1
    limit = 1024 * 1024
    content = PDF + b"%" + b"0" * (limit - len(PDF) - 1)
    answer = start(coordinator, draft, kind="other", name="Отчёт.pdf", content=content).json()
    assert chunk(coordinator, draft, answer["upload"], 0, content[: limit // 2]).status_code == 200
    # The browser said 1 MB, but sends more than that: the server counts the bytes itself.
    response = chunk(coordinator, draft, answer["upload"], limit // 2, content[limit // 2 :] + b"0" * 10)
    assert response.status_code == 413
    assert "Файл слишком большой" in response.json()["error"]
    assert partial_folders(settings) == []
    assert not draft.attachments.exists()


def test_a_file_over_the_limit_is_refused_before_any_byte_is_sent(coordinator, draft, settings):
    settings.MAX_UPLOAD_SIZE_MB = 1
    response = start(coordinator, draft, kind="video", name="ролик.mp4", content=b"0" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert "не более 1 МБ" in response.json()["error"]
    assert partial_folders(settings) == []


def test_a_wrong_type_is_refused_from_the_first_chunk(coordinator, draft, settings):
    content = b"<html><script>alert(1)</script></html>" + b" " * 3000
    answer = start(coordinator, draft, kind="immersion_scenario", name="Сценарий.pdf", content=content).json()
    response = chunk(coordinator, draft, answer["upload"], 0, content[:1000])
    assert response.status_code == 400
    assert "здесь не принимается" in response.json()["error"]
    assert partial_folders(settings) == []


def test_a_video_is_measured_from_its_stream(coordinator, draft):
    response = send_all(coordinator, draft, real_mp4(150), kind="video", name="Анонс.mp4")
    assert response.status_code == 200
    video = draft.attachments.get(kind=Attachment.Kind.VIDEO)
    assert (video.original_name, video.duration_seconds) == ("Анонс.mp4", 150)


def test_a_video_longer_than_three_minutes_is_refused_and_nothing_kept(coordinator, draft, settings):
    response = send_all(coordinator, draft, real_mp4(181), kind="video", name="Анонс.mp4")
    assert response.status_code == 400
    assert "Видеоролик длится 3 мин 01 с" in response.json()["error"]
    assert not draft.attachments.exists()
    assert partial_folders(settings) == []


def test_a_second_video_replaces_the_first(coordinator, draft):
    first = send_all(coordinator, draft, real_mp4(60), kind="video", name="Первый.mp4").json()
    second = send_all(coordinator, draft, real_mp4(90), kind="video", name="Второй.mp4").json()
    assert second["replaced"] == [first["attachment"]["id"]]
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["Второй.mp4"]


def test_a_submitted_application_refuses_uploads(coordinator, world):
    application = application_for(world, state=State.SUBMITTED)
    response = start(coordinator, application, kind="other", name="Отчёт.pdf", content=PDF)
    assert response.status_code == 409
    assert "Заявка подана" in response.json()["error"]
    removal = coordinator.post(
        reverse("applications:attachments_remove", args=[application.pk]),
        {"attachment": application.attachments.values_list("pk", flat=True)[0]},
    )
    assert removal.status_code == 409
    assert application.attachments.exists()


def test_another_schools_coordinator_cannot_send_chunks_into_my_draft(coordinator, draft, login, world):
    answer = start(coordinator, draft, kind="other", name="Отчёт.pdf", content=PDF).json()
    other = login(world.users.other_coordinator)
    assert start(other, draft, kind="other", name="Отчёт.pdf", content=PDF).status_code == 404
    assert chunk(other, draft, answer["upload"], 0, PDF).status_code == 404
    assert not draft.attachments.exists()


def test_an_upload_of_another_user_is_not_found(coordinator, draft, login, world, django_user_model):
    """Partial uploads are kept per user: a colleague of the same school cannot continue mine."""
    from tests.factories import Role, UserFactory, with_role

    answer = start(coordinator, draft, kind="other", name="Отчёт.pdf", content=PDF).json()
    colleague = with_role(
        UserFactory(email="colleague@example.org"), Role.COORDINATOR, world.district, world.institution
    )
    response = chunk(login(colleague), draft, answer["upload"], 0, PDF)
    assert response.status_code == 404
    assert "Выберите файл ещё раз" in response.json()["error"]


def test_stale_partial_uploads_are_purged_and_the_task_can_run_twice(coordinator, draft, settings):
    start(coordinator, draft, kind="other", name="Старый.pdf", content=PDF)
    start(coordinator, draft, kind="other", name="Свежий.pdf", content=PDF + b"%")
    old, fresh = sorted(partial_folders(settings), key=lambda p: (p / "meta.json").read_text().find("Свежий"))
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    assert purge_partial_uploads.apply().get() == 1
    assert purge_partial_uploads.apply().get() == 0
    assert partial_folders(settings) == [fresh]


# --- removal ----------------------------------------------------------------------------


def test_removing_files_through_the_new_endpoint(coordinator, world, django_capture_on_commit_callbacks):
    application = application_for(world)
    attachment = application.attachments.exclude(file="").get()
    stored = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("applications:attachments_remove", args=[application.pk]), {"attachment": [attachment.pk, 999999]}
        )
    assert response.json() == {"removed": [attachment.pk]}
    assert not application.attachments.filter(pk=attachment.pk).exists()
    assert not Path(stored).exists()
    # Sent again (the undo window closed, then the page was left): nothing more to do.
    again = coordinator.post(
        reverse("applications:attachments_remove", args=[application.pk]), {"attachment": attachment.pk}
    )
    assert again.json() == {"removed": []}


def test_another_schools_file_id_is_ignored(coordinator, world, draft):
    theirs = fill_complete(ApplicationFactory(call=draft.call, institution=world.other_institution))
    their_file = theirs.attachments.first()
    response = coordinator.post(
        reverse("applications:attachments_remove", args=[draft.pk]), {"attachment": their_file.pk}
    )
    assert response.json() == {"removed": []}
    assert theirs.attachments.filter(pk=their_file.pk).exists()


def test_a_removal_rides_along_with_the_form_save(coordinator, world):
    application = application_for(world, complete=False)
    kept = send_all(coordinator, application, PDF, kind="other", name="Отчёт.pdf").json()["attachment"]["id"]
    gone = send_all(coordinator, application, PDF, kind="immersion_scenario", name="Презентация.pdf").json()
    data = training_site_data(
        **management("experience", 0), **management("staff", 0), **management("sources", 0), theme="Новая тема"
    )
    data["delete-attachment"] = [str(gone["attachment"]["id"])]
    response = edit(coordinator, application, data)
    assert response.status_code == 302
    assert list(application.attachments.values_list("pk", flat=True)) == [kept]
    application.refresh_from_db()
    assert application.theme == "Новая тема"


def test_a_refused_save_keeps_the_uploaded_file_and_still_removes_the_removed_one(coordinator, world):
    application = application_for(world, complete=False)
    kept = send_all(coordinator, application, real_mp4(60), kind="video", name="Анонс.mp4").json()
    gone = send_all(coordinator, application, PDF, kind="other", name="Отчёт.pdf").json()
    data = training_site_data(**management("experience", 0), **management("staff", 0), **management("sources", 0))
    data.update({"org_email": "не почта", "delete-attachment": str(gone["attachment"]["id"])})
    response = edit(coordinator, application, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Введите правильный адрес электронной почты" in page
    assert "Анонс.mp4" in page and "Отчёт.pdf" not in page
    assert list(application.attachments.values_list("pk", flat=True)) == [kept["attachment"]["id"]]
    assert 'value="не почта"' in page  # what was typed is kept
