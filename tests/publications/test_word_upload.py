"""A Word file is converted in the background: the request only keeps it, the task checks, converts and measures."""

import io
import zipfile
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from docx import Document

from publications.models import Article, WordImport
from publications.tasks import convert_word

from .factories import article_for
from .test_wordhead import docx


def upload(name, content):
    file = io.BytesIO(content)
    file.name = name
    return file


def headed_article():
    return docx(
        ("p", "СМЫСЛОВОЕ ЧТЕНИЕ НА УРОКАХ БИОЛОГИИ"),
        ("p", "Иванова А. А., учитель биологии ГБОУ лицей № 590"),
        ("p", "Петров Б. В., педагог-психолог ГБОУ лицей № 590"),
        ("p", "Ключевые слова: смысловое чтение, биология."),
    ).getvalue()


def zip_bomb():
    """A real .docx with one member of 21 MB of one repeated byte: a few KB packed."""
    plain = io.BytesIO()
    Document().save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/image1.png", b"A" * (21 * 1024 * 1024), compresslevel=9)
    return out.getvalue()


def post_upload(client, article, content, name="статья.docx"):
    return client.post(reverse("publications:article_upload", args=[article.pk]), {"file": upload(name, content)})


def test_the_upload_returns_before_the_conversion_which_runs_after_commit(
    login, world, django_capture_on_commit_callbacks
):
    article = article_for(world, introduction="", title="Черновик")
    client = login(world.users.coordinator)
    with django_capture_on_commit_callbacks() as queued:
        response = post_upload(client, article, headed_article())
    job = WordImport.objects.get(article=article)
    assert response.status_code == 302
    assert response["Location"] == reverse("publications:word_import", args=[article.pk, job.pk])
    # The request kept the file and queued the task; nothing is converted yet.
    assert job.state == WordImport.State.QUEUED and job.file
    article.refresh_from_db()
    assert (article.title, article.introduction) == ("Черновик", "")
    page = client.get(response["Location"]).content.decode()
    assert "Ждёт очереди" in page and 'hx-trigger="every 1s"' in page

    for callback in queued:  # the worker's turn (eager here)
        callback()
    job.refresh_from_db()
    article.refresh_from_db()
    assert job.state == WordImport.State.DONE and job.progress == 100
    assert not job.file  # the uploaded file is not kept after the conversion
    assert article.title == "СМЫСЛОВОЕ ЧТЕНИЕ НА УРОКАХ БИОЛОГИИ"
    assert [(a.full_name, a.position, a.affiliation) for a in article.authors.all()] == [
        ("Иванова А. А.", "учитель биологии", "ГБОУ лицей № 590"),
        ("Петров Б. В.", "педагог-психолог", "ГБОУ лицей № 590"),
    ]
    assert article.introduction == "<p>Проблема смыслового чтения остаётся острой для основной школы.</p>"
    assert article.keywords == "смысловое чтение, биология"
    assert article.length_is_current and article.page_length is not None
    status = client.get(reverse("publications:word_import", args=[article.pk, job.pk]), HTTP_HX_REQUEST="true")
    text = status.content.decode()
    assert "hx-trigger" not in text  # polling stops
    assert "СМЫСЛОВОЕ ЧТЕНИЕ" in text and "Петров Б. В." in text and "Открыть статью" in text


def test_running_the_conversion_twice_does_no_harm(login, world, django_capture_on_commit_callbacks):
    article = article_for(world)
    client = login(world.users.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, article, headed_article())
    job = WordImport.objects.get(article=article)
    article.refresh_from_db()
    version, authors = article.content_version, list(article.authors.values_list("pk", flat=True))
    assert convert_word(import_id=job.pk) is None  # a redelivered message finds the job done
    article.refresh_from_db()
    assert article.content_version == version
    assert list(article.authors.values_list("pk", flat=True)) == authors
    assert convert_word(import_id=job.pk + 1000) is None  # a job deleted meanwhile


def test_a_zip_bomb_is_refused_with_a_russian_reason_shown_on_the_page(
    login, world, django_capture_on_commit_callbacks
):
    article = article_for(world)
    before = article.introduction
    client = login(world.users.coordinator)
    bomb = zip_bomb()
    assert len(bomb) < 100 * 1024
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, article, bomb)
    job = WordImport.objects.get(article=article)
    assert job.state == WordImport.State.FAILED
    assert "zip-бомбы" in job.message and "word/media/image1.png" in job.message
    assert Article.objects.get(pk=article.pk).introduction == before
    page = client.get(response["Location"]).content.decode()
    assert "Файл не преобразован." in page and "zip-бомбы" in page
    assert 'name="file"' in page  # the form to try another file


def test_a_file_with_too_many_parts_is_refused(login, world, django_capture_on_commit_callbacks):
    plain = io.BytesIO(headed_article())
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for index in range(600):
            target.writestr(f"customXml/part{index}.xml", "<a/>")
    article = article_for(world)
    client = login(world.users.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, article, out.getvalue())
    job = WordImport.objects.get(article=article)
    assert job.state == WordImport.State.FAILED
    assert "частей, допускается не больше 500" in job.message


def test_a_damaged_word_file_is_refused_in_russian(login, world, django_capture_on_commit_callbacks):
    article = article_for(world)
    client = login(world.users.coordinator)
    damaged = headed_article()[:-200]  # the end of the archive (its directory) is cut off
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, article, damaged)
    if response.status_code == 302:
        job = WordImport.objects.get(article=article)
        assert job.state == WordImport.State.FAILED and "повреждён" in job.message
    else:  # the type check already refuses it as not a Word file
        assert response.context["form"].errors["file"]


def test_a_job_that_never_started_or_lost_its_worker_is_reported_failed(login, world):
    article = article_for(world)
    client = login(world.users.coordinator)
    lost = WordImport.objects.create(
        article=article, file_name="a.docx", created_at=timezone.now() - timedelta(minutes=11)
    )
    dead = WordImport.objects.create(
        article=article,
        file_name="b.docx",
        state=WordImport.State.RUNNING,
        started_at=timezone.now() - timedelta(minutes=30),
    )
    fresh = WordImport.objects.create(article=article, file_name="c.docx")
    for job, text in ((lost, "не началось"), (dead, "прервалось")):
        page = client.get(reverse("publications:word_import", args=[article.pk, job.pk]), HTTP_HX_REQUEST="true")
        assert text in page.content.decode() and "hx-trigger" not in page.content.decode()
        job.refresh_from_db()
        assert job.state == WordImport.State.FAILED
    fresh.refresh_from_db()
    assert fresh.state == WordImport.State.QUEUED


def test_another_schools_job_is_not_found(login, world):
    article = article_for(world)
    job = WordImport.objects.create(article=article, file_name="a.docx")
    other = login(world.users.other_coordinator)
    assert other.get(reverse("publications:word_import", args=[article.pk, job.pk])).status_code == 404
