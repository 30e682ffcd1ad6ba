"""The Content-Security-Policy every page is sent, the templates that obey it, and the report endpoint."""

import difflib
import io
import json
import logging
import re
from pathlib import Path

import import_export
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

ROOT = Path(django_settings.BASE_DIR)
REPORT = {
    "csp-report": {
        "document-uri": "https://portal.example.ru/competitions/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://portal.example.ru/competitions/",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
}


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_page_is_sent_the_policy(client, world, signed_in):
    if signed_in:
        client.force_login(world.users.methodist)
    for path in (reverse("home"), reverse("plans:list"), "/admin/" if signed_in else reverse("login")):
        directives = _directives(client.get(path))
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"], "no inline scripts, no eval"
        assert directives["style-src"] == ["'self'"]
        assert directives["style-src-attr"] == ["'unsafe-inline'"]  # style="" attributes only, not <style>
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["report-uri"] == [reverse("csp_report")]


def test_a_pdf_shown_in_the_browser_may_only_not_be_framed(client, world):
    """Chrome's PDF viewer is an <embed> with inline styles: the page policy would block it."""
    response = client.get(reverse("applications:registry_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_a_stored_file_keeps_its_sandbox_policy(rf, tmp_path):
    """innovation_portal.files.serve sets `sandbox`, which the middleware leaves alone."""
    from django.core.files.storage import FileSystemStorage

    from innovation_portal.csp import ContentSecurityPolicyMiddleware
    from innovation_portal.files import serve

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("page.pdf", io.BytesIO(b"%PDF-1.4"))

    class Stored:
        def __init__(self):
            self.name = name

        def __bool__(self):
            return True

        def open(self, mode):
            return storage.open(self.name, mode)

    middleware = ContentSecurityPolicyMiddleware(lambda request: serve(Stored(), inline=True))
    response = middleware(rf.get("/"))
    assert response["Content-Security-Policy"] == "sandbox"


# Templates that never reach a browser as a page: PDF layouts (WeasyPrint) and letters.
NOT_PAGES = re.compile(r"/templates/(pdf|notifications/mail|publications/book|[a-z]+/pdf)/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def _page_templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            if not NOT_PAGES.search(path.as_posix()):
                yield path


def test_no_template_has_inline_scripts_handlers_or_style_elements():
    offenders = []
    for path in _page_templates():
        # Comments blanked out, lines kept (for the line numbers).
        text = COMMENTS.sub(lambda m: "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"))
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (HANDLER, "on…= handler"),
            (STYLE_ELEMENT, "<style>"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert len(list(_page_templates())) > 100
    assert not offenders, "\n".join(offenders)


def test_the_export_page_override_differs_from_the_package_only_by_the_handler():
    """templates/admin/import_export/export.html is the package's with the onchange= removed."""
    package = Path(import_export.__file__).parent / "templates/admin/import_export/export.html"
    ours = ROOT / "templates/admin/import_export/export.html"
    changed = [
        line
        for line in difflib.unified_diff(
            package.read_text().splitlines(), ours.read_text().splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    removed = [line[1:].strip() for line in changed if line.startswith("-")]
    assert removed == [
        '<input type="checkbox" class="select-toggle" name="select-all-toggle"',
        'onchange="onSelectToggleChange(event)" checked>',
    ], "django-import-export's export.html changed: bring the override up to date"


def test_the_back_office_export_page_binds_select_all_from_a_file(client, world):
    client.force_login(world.users.methodist)
    response = client.get(reverse("admin:accounts_institution_export"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="select-toggle"' in page and "onchange=" not in page and "js/admin-export.js" in page


# --- the report endpoint --------------------------------------------------------------------


def _send(client, body, content_type="application/csp-report"):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(reverse("csp_report"), raw, content_type=content_type)


@pytest.mark.django_db
def test_a_violation_report_is_logged_without_a_csrf_token(caplog):
    browser = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        response = _send(browser, REPORT)
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "innovation_portal.csp"]
    message = record.getMessage()
    assert "script-src-elem blocked inline on https://portal.example.ru/competitions/" in message
    assert "at https://portal.example.ru/competitions/:12, sample 'alert(1)'" in message


@pytest.mark.django_db
def test_a_reporting_api_batch_is_logged_report_by_report(client, caplog):
    batch = [
        {
            "type": "csp-violation",
            "url": "https://portal.example.ru/",
            "body": {
                "documentURL": "https://portal.example.ru/ratings/",
                "effectiveDirective": "style-src-elem",
                "blockedURL": "https://cdn.example.com/x.css",
            },
        },
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        response = _send(client, batch, content_type="application/reports+json")
    assert response.status_code == 204
    messages = [r.getMessage() for r in caplog.records if r.name == "innovation_portal.csp"]
    assert messages == [
        "CSP violation: style-src-elem blocked https://cdn.example.com/x.css on https://portal.example.ru/ratings/"
    ]


@pytest.mark.django_db
def test_a_crafted_report_cannot_forge_log_lines(client, caplog):
    forged = {"csp-report": {**REPORT["csp-report"], "blocked-uri": "inline\nERROR django.request: fake"}}
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        assert _send(client, forged).status_code == 204
    [record] = [r for r in caplog.records if r.name == "innovation_portal.csp"]
    assert "\n" not in record.getMessage()


@pytest.mark.django_db
def test_a_long_field_is_cut_short_in_the_log(client, caplog):
    long = {"csp-report": {**REPORT["csp-report"], "script-sample": "x" * 5000}}
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        assert _send(client, long).status_code == 204
    [record] = [r for r in caplog.records if r.name == "innovation_portal.csp"]
    assert len(record.getMessage()) < 1000


@pytest.mark.django_db
def test_a_large_body_is_refused_unread_and_unlogged(client, caplog):
    big = {"csp-report": {**REPORT["csp-report"], "script-sample": "x" * 9000}}
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        response = _send(client, big)
    assert response.status_code == 413
    assert not [r for r in caplog.records if r.name == "innovation_portal.csp"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'{"csp-report": "x"}', b"\xff\xfe"], ids=["text", "list", "string", "binary"]
)
def test_what_is_not_a_report_is_refused(client, caplog, body):
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        assert _send(client, body).status_code == 400
    assert not [r for r in caplog.records if r.name == "innovation_portal.csp"]


@pytest.mark.django_db
def test_reports_are_limited_per_client_address(client, settings, caplog):
    settings.RATE_CSP_REPORTS = "3/m"
    with caplog.at_level(logging.WARNING, logger="innovation_portal.csp"):
        statuses = [_send(client, REPORT).status_code for _ in range(5)]
        other_client = _send(Client(REMOTE_ADDR="10.0.0.9"), REPORT).status_code
    assert statuses == [204, 204, 204, 429, 429]
    assert other_client == 204
    assert len([r for r in caplog.records if r.name == "innovation_portal.csp"]) == 4


@pytest.mark.django_db
def test_reports_are_only_posted(client):
    assert client.get(reverse("csp_report")).status_code == 405


def test_the_periodic_task_form_reads_its_crontabs_from_a_file(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:django_celery_beat_periodictask_add"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "js/admin-periodic-task.js" in page and 'id="readable-crontabs"' in page and 'id="crontab-help"' in page
    assert "periodic-task-overrides" not in page
