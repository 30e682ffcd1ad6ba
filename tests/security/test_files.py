"""Uploaded files: what is refused, how it is stored, and who can download it.

Every user file lives under a name the portal made, is downloaded only through a view that
checked permissions (another institution gets 404), and leaves as an attachment that the
browser must not sniff or run.
"""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from applications.models import Application
from exports.models import ExportJob
from publications.models import ArticlePdf, Collection
from ratings.models import RatingEntry
from tests.applications.factories import PDF, application_for, call_for
from tests.applications.test_editor import attach, upload
from tests.publications.factories import article_for, collection_for
from tests.publications.matrix import done_build, published
from tests.ratings.factories import CardFactory, IndicatorFactory
from tests.ratings.matrix import campaign

PNG_HEADER = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
POLYGLOT = PNG_HEADER + b"<html><body><script>alert(document.cookie)</script></body></html>"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
STORED = re.compile(r"^[a-z_]+/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z0-9]+$")


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_served_safely(response, content_type=None):
    """A user's file leaves as a download the browser neither sniffs nor runs."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment"), response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    if content_type:
        assert response["Content-Type"] == content_type


@pytest.fixture
def coordinator(login, world):
    return login(world.users.coordinator)


# --- what is refused ------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_and_not_stored(world, coordinator, settings):
    settings.MAX_UPLOAD_SIZE_MB = 1
    application = application_for(world, complete=False)
    big = PDF + b"%" + b"0" * (1024 * 1024)
    response = attach(coordinator, application, kind="immersion_scenario", file=upload("Сценарий.pdf", big))
    assert response.status_code == 200
    assert "Файл слишком большой" in response.content.decode()
    assert not application.attachments.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else True


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Сценарий.pdf", HTML),  # a web page named as a PDF
        ("Сценарий.html", HTML),
        ("Сценарий.pdf", POLYGLOT),  # an image with a script glued on, named as a PDF
        ("scenario.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("Сценарий.pdf.html", PDF),  # a real PDF under a name a browser would render
    ],
)
def test_a_document_is_judged_by_its_content_and_name(world, coordinator, name, content):
    application = application_for(world, complete=False)
    response = attach(
        coordinator, application, kind="immersion_scenario", file=upload(name, content, "application/pdf")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "не принимается" in page or "не соответствует" in page
    assert not application.attachments.exists()


def _fake_docx(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "entries",
    [
        {"payload.html": HTML},  # a zip of something else
        {"word/document.xml": HTML, "[Content_Types].xml": b"<Types/>"},  # looks like Word, is not
    ],
    ids=["plain-zip", "broken-word"],
)
def test_a_docx_that_is_a_zip_of_something_else_is_refused_with_a_message(
    world, login, entries, django_capture_on_commit_callbacks
):
    article = article_for(world)
    client = login(world.users.coordinator)
    # Refused at once from the archive's directory, or by the conversion in the background:
    # either way the person lands on a page that says so.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("publications:article_upload", args=[article.pk]),
            {"file": upload("Статья.docx", _fake_docx(entries))},
        )
    if response.status_code == 302:
        response = client.get(response.url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "не принимается" in page or "Не удалось прочитать" in page
    article.refresh_from_db()
    assert "<script" not in article.introduction and "alert" not in article.introduction


# --- how it is stored -----------------------------------------------------------------------


def test_the_users_file_name_never_reaches_the_disk(world, coordinator, settings):
    application = application_for(world, complete=False)
    response = attach(coordinator, application, kind="immersion_scenario", file=upload("../../Приказ.pdf", PDF))
    assert response.status_code == 302
    item = application.attachments.get()
    assert STORED.match(item.file.name), item.file.name
    assert item.original_name == "Приказ.pdf"  # kept for display only, without the path
    stored = (settings.MEDIA_ROOT / item.file.name).resolve()
    assert stored.is_file() and settings.MEDIA_ROOT.resolve() in stored.parents
    assert not list(settings.MEDIA_ROOT.parent.parent.rglob("Приказ*"))


def test_no_url_serves_the_media_folder(world, coordinator):
    application = application_for(world)
    item = application.attachments.exclude(file="").get()
    for prefix in (settings.MEDIA_URL, "/media/"):
        assert coordinator.get(f"{prefix}{item.file.name}").status_code == 404
    routes = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("media" in route for route in routes), routes


# --- who downloads it -----------------------------------------------------------------------


def test_application_files_download_only_for_their_readers(world, login):
    application = application_for(world, state=Application.State.SUBMITTED)
    item = application.attachments.exclude(file="").get()
    path = reverse("applications:attachment", args=[application.pk, item.pk])
    assert_served_safely(login(world.users.coordinator).get(path), "application/pdf")
    assert_served_safely(login(world.users.methodist).get(path))
    for outsider in (world.users.other_coordinator, world.users.expert, world.users.other_methodist):
        response = login(outsider).get(path)
        assert response.status_code == 404, outsider.email
        assert b"%PDF" not in body(response)
    assert "/accounts/login/" in login(None).get(path)["Location"]
    # The id of one application's file under another application's URL finds nothing.
    other = application_for(world, call=call_for(world))
    crossed = reverse("applications:attachment", args=[other.pk, item.pk])
    assert login(world.users.coordinator).get(crossed).status_code == 404


def test_a_polyglot_image_as_rating_evidence_is_served_as_an_inert_image(world, login):
    card = CardFactory(campaign=campaign(world), institution=world.institution)
    entry = RatingEntry.objects.create(card=card, indicator=IndicatorFactory(campaign=card.campaign), title="Фото")
    entry.evidence.save("photo.png", ContentFile(POLYGLOT))
    path = reverse("ratings:entry_evidence", args=[entry.pk])
    response = login(world.users.coordinator).get(path)
    assert_served_safely(response, "image/png")
    assert login(world.users.other_coordinator).get(path).status_code == 404


def test_someone_elses_export_is_not_found(world, login):
    job = ExportJob.objects.create(
        user=world.users.methodist, name="applications.registry_xlsx", state=ExportJob.State.DONE, filename="r.xlsx"
    )
    job.file.save("r.xlsx", ContentFile(b"PK\x03\x04"))
    path = reverse("exports:download", args=[job.pk])
    for other in (world.users.other_methodist, world.users.district_office, world.users.coordinator):
        assert login(other).get(path).status_code == 404


def test_article_pdfs_of_an_unpublished_collection_are_not_public(world, login):
    collection = collection_for(world, status=Collection.Status.ASSEMBLED)
    article = article_for(world, collection)
    build = done_build(collection)
    item = ArticlePdf(build=build, article=article, first_page=3, last_page=7)
    item.pdf.save("a.pdf", ContentFile(PDF))
    Collection.objects.filter(pk=collection.pk).update(published_build=build)
    paths = [
        reverse("publications:article_pdf_public", args=[collection.pk, article.pk]),
        reverse("publications:book_public", args=[collection.pk]),
    ]
    for user in (None, world.users.coordinator, world.users.editor, world.users.methodist):
        for path in paths:
            assert login(user).get(path).status_code == 404, (user, path)


def test_a_published_collection_does_not_serve_another_collections_article(world, client):
    collection, _article = published(world)
    other_collection, other_article = published(world)
    path = reverse("publications:article_pdf_public", args=[collection.pk, other_article.pk])
    assert client.get(path).status_code == 404
    assert (
        client.get(reverse("publications:article_pdf_public", args=[other_collection.pk, other_article.pk])).status_code
        == 200
    )


def test_a_book_build_of_another_district_is_not_found(world, login):
    build = done_build(collection_for(world, status=Collection.Status.EDITING))
    path = reverse("publications:build_download", args=[build.pk])
    assert_served_safely(login(world.users.methodist).get(path), "application/pdf")
    assert login(world.users.other_methodist).get(path).status_code == 404
    assert login(world.users.coordinator).get(path).status_code == 404
