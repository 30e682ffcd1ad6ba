"""An author writes and submits an article; the editor accepts it and builds the book."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from publications.models import Article, BookBuild, Collection
from tests.publications.factories import PARAGRAPH

pytestmark = pytest.mark.browser

TITLE = "Смысловое чтение на уроках биологии: опыт лаборатории"
SECTIONS = {
    # Long enough for the call's 4–7 pages (checked when the article is sent).
    "introduction": "Проблема: обучающиеся не понимают прочитанный научный текст. " + " ".join([PARAGRAPH] * 34),
    "course_of_work": "Работа шла три года в пяти параллелях основной школы.",
    "methods_and_findings": "Мы применяли приёмы «инсерт» и «кластер» на каждом уроке.",
    "results": "Доля обучающихся, понимающих текст, выросла с 48 до 71 процента.",
    "conclusions": "Приёмы смыслового чтения переносимы на другие предметы.",
}


def test_author_submits_an_article_and_the_editor_builds_the_book(demo, visit):
    bulletin = Collection.objects.get(title="Вестник образования", status=Collection.Status.CALL_OPEN)
    author = visit("coordinator@demo.local")
    page = author.go("/publications/my/")
    page.locator("#calls .card", has_text="Вестник образования").get_by_role("link", name="Написать статью").click()
    page.fill("[name='title']", TITLE)
    page.get_by_role("button", name="Создать черновик").click()
    page.wait_for_url("**/edit/")
    # The author is already named (the coordinator who started it); the body is typed into the editors.
    for name, text in SECTIONS.items():
        page.locator(f"#div_id_{name} .ql-editor").fill(text)
    page.fill("[name='abstract']", "Статья о приёмах смыслового чтения на уроках биологии.")
    author.shot("article-editor")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Статья сохранена.")).to_be_visible()
    article = Article.objects.get(collection=bulletin, title=TITLE)
    assert article.introduction == f"<p>{SECTIONS['introduction']}</p>"
    assert article.authors.count() == 1
    assert article.length_is_current and 4 <= article.page_length <= 7, article.page_length
    page.get_by_role("button", name="Отправить редактору").click()
    expect(page.get_by_text("Статья отправлена редактору.")).to_be_visible()
    author.shot("article-submitted")
    article.refresh_from_db()
    assert article.state == Article.State.SUBMITTED

    editor = visit("editor@demo.local")
    page = editor.go(f"/publications/articles/{article.pk}/")
    page.get_by_role("button", name="Взять на рецензирование").click()
    expect(page.locator("#article-state")).to_have_text("на рецензировании")
    page.get_by_role("button", name="Принять", exact=True).click()
    # «принята»; the catalogues share the msgid "accepted" with the rating's «принято» (see report).
    expect(page.locator("#article-state")).to_have_text(re.compile(r"^\s*принят[ао]\s*$"))
    article.refresh_from_db()
    assert article.state == Article.State.ACCEPTED

    page = editor.go(f"/publications/desk/{bulletin.pk}/book/")
    page.get_by_role("button", name="Собрать сборник").click()
    # The progress bar is replaced by the download link when the build is done.
    download_link = page.locator("#builds").get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(page.locator("#builds .progress")).to_have_count(0)
    editor.shot("book-built")
    build = BookBuild.objects.get(collection=bulletin)
    assert (build.state, build.progress) == (BookBuild.State.DONE, 100)
    with page.expect_download() as download_info:
        download_link.click()
    reader = PdfReader(download_info.value.path())
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == build.page_count
    assert "Смысловое чтение на уроках биологии" in text
    assert "Доля обучающихся, понимающих текст" in text
