"""Files in the application editor survive a refused save, and a removed file can be brought back.

The coordinator of «ГБОУ лицей № 590» chooses the video announcement: it is uploaded at once,
with a progress line, before anything is saved. She mistypes the organisation's e-mail and
saves; the save is refused, and the video is still there. She attaches two more files,
removes one and brings it back with «Вернуть»; removes the other and lets the undo window
close; removes the first again and saves at once: both are gone, and the text she typed
meanwhile is saved.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import District, Institution, User
from applications.models import Application
from tests.applications.factories import PDF, ApplicationFactory, CallFactory, real_mp4

pytestmark = pytest.mark.browser


@pytest.fixture
def application(demo):
    call = CallFactory(
        district=District.objects.get(slug="krasnoselsky"),
        title="Конкурс на статус районной стажировочной площадки (файлы)",
        is_published=True,
    )
    lyceum = Institution.objects.get(short_name="ГБОУ лицей № 590")
    return ApplicationFactory(
        call=call, institution=lyceum, created_by=User.objects.get(email="coordinator@demo.local")
    )


def _choose(page, kind, name, mime, content):
    page.select_option("select[name='attach-kind']", kind)
    page.set_input_files("input[name='attach-file']", files=[{"name": name, "mimeType": mime, "buffer": content}])
    expect(page.locator(".upload-status")).to_contain_text(f"Файл «{name}» прикреплён.")


def _files(application):
    return sorted(application.attachments.values_list("original_name", flat=True))


def test_a_file_survives_a_refused_save_and_a_removed_file_comes_back(application, visit):
    coordinator = visit("coordinator@demo.local")
    page = coordinator.go(f"/competitions/applications/{application.pk}/edit/")
    files = page.locator("#attachment-list")
    expect(page.locator("#upload-hint")).to_contain_text("Файл загружается сразу после выбора")

    # A web page named .pdf is refused by its content, next to the file field, in Russian.
    page.select_option("select[name='attach-kind']", "immersion_scenario")
    page.set_input_files(
        "input[name='attach-file']",
        files=[
            {"name": "Сценарий.pdf", "mimeType": "application/pdf", "buffer": b"<html><body>scenario</body></html>"}
        ],
    )
    expect(page.locator(".upload-error")).to_contain_text("Файл такого типа здесь не принимается")
    assert _files(application) == []

    # The video goes up as soon as it is chosen, before the form is saved.
    _choose(page, "video", "Анонс площадки.mp4", "video/mp4", real_mp4(150))
    expect(files).to_contain_text("Анонс площадки.mp4 (150 с)")
    expect(page.locator("[data-kind-list='video']")).to_contain_text("Анонс площадки.mp4")
    coordinator.shot("video-uploaded")
    assert _files(application) == ["Анонс площадки.mp4"]

    # A mistyped e-mail elsewhere: the save is refused, the video stays.
    page.fill("[name='theme']", "Смысловое чтение на уроках биологии")
    page.fill("[name='org_email']", "lyceum590-на-почте")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Ничего пока не сохранено")).to_be_visible()
    expect(page.locator("#attachment-list")).to_contain_text("Анонс площадки.mp4")
    assert page.input_value("[name='theme']") == "Смысловое чтение на уроках биологии"
    coordinator.shot("refused-save-keeps-the-video")
    assert _files(application) == ["Анонс площадки.mp4"]

    # Two more files; one removed and brought back.
    page.fill("[name='org_email']", "lyceum590@example.org")
    _choose(page, "other", "Титульный лист.pdf", "application/pdf", PDF)
    _choose(page, "other", "Устав.pdf", "application/pdf", PDF)
    files = page.locator("#attachment-list")
    title_page = files.locator("li[data-attachment]", has_text="Титульный лист.pdf")
    title_page.get_by_role("button", name="удалить").click()
    expect(title_page).to_be_hidden()
    undo = files.locator(".attachment-undo")
    expect(undo).to_have_text("Файл удалён. Вернуть")
    coordinator.shot("removed-with-undo")
    undo.get_by_role("button", name="Вернуть").click()
    expect(title_page).to_be_visible()
    expect(undo).to_have_count(0)

    # The charter removed and left: the removal goes when the undo window closes.
    charter = files.locator("li[data-attachment]", has_text="Устав.pdf")
    charter.get_by_role("button", name="удалить").click()
    expect(charter).to_be_hidden()
    expect(files.locator(".attachment-undo")).to_have_count(0, timeout=20_000)  # gone once the server answered
    expect(charter).to_have_count(0)
    assert _files(application) == ["Анонс площадки.mp4", "Титульный лист.pdf"]

    # Text typed after the uploads, a removal and an immediate save: nothing typed is lost.
    page.fill("[name='relevance']", "Низкие результаты читательской грамотности в районе.")
    title_page.get_by_role("button", name="удалить").click()
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()
    expect(page.locator("#attachment-list")).not_to_contain_text("Титульный лист.pdf")
    assert page.input_value("[name='relevance']") == "Низкие результаты читательской грамотности в районе."
    coordinator.shot("saved-after-removal")
    application.refresh_from_db()
    assert application.relevance == "Низкие результаты читательской грамотности в районе."
    assert application.org_email == "lyceum590@example.org"
    assert _files(application) == ["Анонс площадки.mp4"]
    assert application.state == Application.State.DRAFT

    # Removed, then the page is left before the undo window closes: the removal goes as a beacon.
    video = page.locator("#attachment-list li[data-attachment]", has_text="Анонс площадки.mp4")
    video.get_by_role("button", name="удалить").click()
    expect(video).to_be_hidden()
    page = coordinator.go(f"/competitions/applications/{application.pk}/")
    # Playwright does not report beacons (the browser sends them for a page that is gone), so
    # wait, as expect() does for the page, until the server has done what the beacon asked.
    for _ in range(100):
        if not _files(application):
            break
        page.wait_for_timeout(100)
    assert _files(application) == []


def test_a_large_file_goes_in_chunks_and_continues_after_the_connection_drops(application, visit):
    """A 10 MB file in 4 MB chunks; the second chunk is lost on the way and the upload goes on from 4 MB."""
    content = PDF + b"%" + b"0" * (10 * 1024 * 1024 - len(PDF) - 1)
    coordinator = visit("coordinator@demo.local")
    page = coordinator.go(f"/competitions/applications/{application.pk}/edit/")
    held, offsets = [], []

    def chunks(route, request):
        offset = int(request.url.rsplit("offset=", 1)[1])
        offsets.append(offset)
        if offset > 0 and not held:
            held.append(route)  # the connection «hangs» here until the journey lets it drop
        else:
            route.continue_()

    page.route("**/uploads/*/?offset=*", chunks)
    page.select_option("select[name='attach-kind']", "other")
    with page.expect_request(lambda request: "offset=4194304" in request.url):
        page.set_input_files(
            "input[name='attach-file']",
            files=[{"name": "Программа стажировки.pdf", "mimeType": "application/pdf", "buffer": content}],
        )
    for _ in range(100):  # let Playwright hand the request to the route handler
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    status = page.locator(".upload-status")
    expect(status).to_contain_text("Загрузка «Программа стажировки.pdf»")
    expect(status).to_contain_text("из 10,0 МБ")
    coordinator.shot("large-file-uploading")
    held[0].abort("connectionreset")
    expect(status).to_contain_text("Файл «Программа стажировки.pdf» прикреплён.", timeout=30_000)
    coordinator.shot("large-file-attached")
    # Resumed, not restarted: after the lost chunk the browser asked where to go on and sent 4 MB on.
    chunk = 4 * 1024 * 1024
    assert offsets == [0, chunk, chunk, 2 * chunk]
    attachment = application.attachments.get()
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
