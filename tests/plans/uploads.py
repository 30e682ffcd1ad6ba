"""Uploading a plan file through /plans/import/ as a methodist does: the upload, its reading, the page after it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse


def upload_plan(client, district, name, data, period="2024/2025", kind="plan"):
    """Post the file, let the queued reading run (eagerly, as in `make run`), and open the job's page.

    The test's transaction never commits, so the task the upload queues after commit is run
    here, as the worker would once the request has answered. Returns the upload's response
    when the form refused the file, else the job's page (the preview, or the refusal).
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("plans:import"),
            {"file": SimpleUploadedFile(name, data), "district": district.pk, "period": period, "kind": kind},
        )
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def confirm_plan(client, page):
    """Press «Import the plan» on a preview page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("plans:import_confirm", args=[page.context["job"].pk]))


def import_table(client, page, table):
    """Press «Import table N as a separate plan instead» on a preview page; returns the new job's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("plans:import_table", args=[page.context["job"].pk]), {"table": table})
    return client.get(response["Location"])
