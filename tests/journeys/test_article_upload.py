"""An author uploads a Word article: progress, then title and authors filled; too short to send until the editor
allows an exception; then it goes."""

import io

import pytest
from celery.contrib.testing.worker import start_worker
from docx import Document
from playwright.sync_api import expect

from innovation_portal.celery import app
from publications.models import Article, Collection, WordImport

pytestmark = [pytest.mark.browser, pytest.mark.worker]

TITLE = "СМЫСЛОВОЕ ЧТЕНИЕ НА УРОКАХ БИОЛОГИИ"


def word_article(path):
    doc = Document()
    doc.add_paragraph(TITLE)
    doc.add_paragraph("Иванова А. А., учитель биологии")
    doc.add_paragraph("Петров Б. В., педагог-психолог")
    doc.add_paragraph("ГБОУ лицей № 590 Красносельского района Санкт-Петербурга")
    doc.add_paragraph("Ключевые слова: смысловое чтение, биология.")
    for heading, text in [
        ("Введение", "Обучающиеся плохо понимают научный текст учебника."),
        ("Ход работы", "Работа шла два года в седьмых классах."),
        ("Методы и результаты исследования", "Приёмы «инсерт» и «кластер» на каждом уроке."),
        ("Результаты", "Доля понимающих текст выросла с 48 до 71 процента."),
        ("Выводы", "Приёмы переносимы на другие предметы."),
    ]:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def queued_tasks():
    """Tasks go to the broker, as in production; the test starts the worker when it wants it to run them."""
    app.conf.update(task_always_eager=False)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=True)


def test_word_upload_progress_length_rule_and_editors_exception(demo, visit, queued_tasks, tmp_path):
    bulletin = Collection.objects.get(title="Вестник образования", status=Collection.Status.CALL_OPEN)
    author = visit("coordinator@demo.local")
    page = author.go("/publications/my/")
    page.locator("#calls .card", has_text="Вестник образования").get_by_role("link", name="Написать статью").click()
    page.fill("[name='title']", "Черновик из Word")
    page.get_by_role("button", name="Создать черновик").click()
    page.wait_for_url("**/edit/")
    page.get_by_role("link", name="Загрузить из Word").click()
    page.set_input_files("[name='file']", str(word_article(tmp_path / "статья.docx")))
    page.get_by_role("button", name="Загрузить и преобразовать").click()

    # The request returned with the file only queued: no worker has run it yet.
    expect(page.locator("#word-import-stage")).to_have_text("Ждёт очереди…")
    expect(page.locator("#word-import .progress")).to_be_visible()
    author.shot("word-upload-queued")
    job = WordImport.objects.get(article__collection=bulletin)
    assert job.state == WordImport.State.QUEUED

    # Every queue the workers of docker-compose take: the conversion goes to «heavy», like the rest of
    # publications' tasks (settings.CELERY_TASK_ROUTES), and a worker of «default» alone never sees it.
    queues = ["default", "mail", "heavy"]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=queues):
        # The page polls; the worker converts, saves and counts the pages.
        result = page.locator("#word-import-result")
        expect(result).to_contain_text(TITLE, timeout=90_000)
        expect(result).to_contain_text("Иванова А. А., учитель биологии, ГБОУ лицей № 590")
        expect(result).to_contain_text("Петров Б. В., педагог-психолог")
        expect(result).to_contain_text("страницы")
        author.shot("word-upload-done")
        article = Article.objects.get(collection=bulletin)
        assert article.title == TITLE and article.authors.count() == 2
        assert "Обучающиеся плохо понимают" in article.introduction and TITLE not in article.introduction
        assert article.length_is_current and article.page_length < 4

        page.get_by_role("link", name="Открыть статью").click()
        expect(page.locator("[name='title']")).to_have_value(TITLE)
        expect(page.locator("[name='authors-0-full_name']")).to_have_value("Иванова А. А.")
        expect(page.locator("[name='authors-1-position']")).to_have_value("педагог-психолог")
        author.shot("word-article-in-editor")

        # Too short: the author sees the length and cannot send it.
        page = author.go(f"/publications/articles/{article.pk}/")
        page.get_by_role("button", name="Отправить редактору").click()
        expect(page.locator(".alert-danger").first).to_contain_text(
            f"Статья занимает {article.length_display} сборника"
        )
        expect(page.locator(".alert-danger").first).to_contain_text("объёмом 4–7 страниц")
        author.shot("too-short-refused")
        article.refresh_from_db()
        assert article.state == Article.State.DRAFT

        editor = visit("editor@demo.local")
        desk = editor.go(f"/publications/desk/{bulletin.pk}/")
        form = desk.locator("#length-exception-form")
        form.locator("[name='article']").select_option(label=TITLE)
        form.locator("[name='reason']").fill("Краткий отчёт лаборатории, объём согласован")
        form.get_by_role("button", name="Разрешить").click()
        expect(desk.get_by_text("Статью можно отправить независимо от объёма; автору сообщено.")).to_be_visible()
        expect(desk.locator("#length-exceptions")).to_contain_text("Краткий отчёт лаборатории")
        editor.shot("editor-allows-exception")

        page = author.go(f"/publications/articles/{article.pk}/")
        expect(page.locator("#length-exception")).to_contain_text("Краткий отчёт лаборатории, объём согласован")
        page.get_by_role("button", name="Отправить редактору").click()
        expect(page.get_by_text("Статья отправлена редактору.")).to_be_visible()
        author.shot("sent-with-exception")
    article.refresh_from_db()
    assert article.state == Article.State.SUBMITTED
