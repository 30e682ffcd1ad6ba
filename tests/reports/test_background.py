"""Heavy files made in the background: a real worker finishes one, dead workers' claims are taken over once,
and the apps' pages offer their PDF/XLSX downloads as background buttons beside the direct links."""

import io
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from exports.models import ExportJob
from exports.tasks import run_export
from innovation_portal.celery import app
from notifications.models import Notification
from notifications.reminders import send_reminders
from notifications.tasks import send_notification_mail, send_pending_mail
from ratings.models import RatingCampaign
from tests.applications.factories import AwardFactory, CallFactory
from tests.plans.factories import make_item, make_plan, make_section
from tests.ratings.factories import CampaignFactory

from .factories import populate


@pytest.fixture
def real_worker(settings):
    app.conf.update(task_always_eager=False)
    try:
        queues = ["default", "mail", "heavy"]  # one worker for every queue here; in production one each
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=queues):
            yield
    finally:
        app.conf.update(task_always_eager=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_annual_report_while_the_progress_bar_polls(client, world, real_worker):
    data = populate(world, rows=2)
    client.force_login(world.users.district_office)
    response = client.post(
        reverse("exports:start"),
        {"name": "reports.annual_pdf", "district": world.district.pk, "year": data["year"]},
    )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(reverse("exports:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
        job.refresh_from_db()
        seen.append(job.state)
        if job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
            break
        assert 'hx-trigger="every 1s"' in status.content.decode()  # still polling
        time.sleep(0.3)
    assert job.state == ExportJob.State.DONE, job.message
    assert seen[0] in (ExportJob.State.QUEUED, ExportJob.State.RUNNING, ExportJob.State.DONE)
    final = client.get(reverse("exports:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in final and "hx-trigger" not in final
    download = client.get(reverse("exports:download", args=[job.pk]))
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "Ежегодный отчёт" in text


def test_a_job_whose_worker_died_is_run_once_after_the_stale_window(world):
    params = {"district": world.district.pk, "year": "2026/2027"}
    dead = ExportJob.objects.create(
        user=world.users.methodist,
        name="reports.plans_xlsx",
        params=params,
        title="x",
        state=ExportJob.State.RUNNING,
        started_at=timezone.now() - timedelta(minutes=31),
    )
    run_export.apply(kwargs={"job_id": dead.pk})  # the redelivered message
    dead.refresh_from_db()
    assert dead.state == ExportJob.State.DONE and dead.file
    first = dead.file.name
    run_export.apply(kwargs={"job_id": dead.pk})  # once more: nothing happens
    dead.refresh_from_db()
    assert dead.file.name == first


def test_a_job_another_worker_is_running_is_not_run_twice(world):
    busy = ExportJob.objects.create(
        user=world.users.methodist,
        name="reports.plans_xlsx",
        params={"district": world.district.pk, "year": "2026/2027"},
        title="x",
        state=ExportJob.State.RUNNING,
        started_at=timezone.now() - timedelta(minutes=2),
        heartbeat_at=timezone.now() - timedelta(seconds=10),  # its worker is alive
        attempts=1,
    )
    run_export.apply(kwargs={"job_id": busy.pk})
    busy.refresh_from_db()
    assert busy.state == ExportJob.State.RUNNING and not busy.file


def reminder_due_tomorrow(world):
    CampaignFactory(
        district=world.district,
        data_deadline=timezone.now() + timedelta(days=1),
        status=RatingCampaign.Status.COLLECTING,
    )


def test_a_letter_claimed_by_a_dead_worker_is_sent_once_after_the_stale_window(world):
    reminder_due_tomorrow(world)
    assert send_reminders() == 2  # the notifications are the claims; their letters wait
    letter = Notification.objects.get(user=world.users.coordinator)
    # A worker took the letter and died before sending it.
    Notification.objects.filter(pk=letter.pk).update(
        mail_status=Notification.MailStatus.SENDING, mail_claimed_at=timezone.now() - timedelta(minutes=11)
    )
    send_notification_mail.apply(kwargs={"notification_id": letter.pk})
    send_notification_mail.apply(kwargs={"notification_id": letter.pk})
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
    letter.refresh_from_db()
    assert letter.mail_status == Notification.MailStatus.SENT


def test_a_fresh_claim_is_not_sent_by_another_worker(world):
    reminder_due_tomorrow(world)
    send_reminders()
    letter = Notification.objects.get(user=world.users.coordinator)
    Notification.objects.filter(pk=letter.pk).update(
        mail_status=Notification.MailStatus.SENDING, mail_claimed_at=timezone.now() - timedelta(minutes=1)
    )
    send_notification_mail.apply(kwargs={"notification_id": letter.pk})
    assert mail.outbox == []


def test_letters_whose_task_was_lost_are_swept_up_once(world):
    reminder_due_tomorrow(world)
    send_reminders()  # committed, but the worker died before queueing the letters
    assert mail.outbox == []
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    assert send_pending_mail() == 2
    assert send_pending_mail() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator2@example.org", "coordinator@example.org"]
    assert send_reminders() == 0  # and the beat does not remind again


# --- The apps' pages offer background buttons -------------------------------------------------


def start(client, user, capture, **data):
    client.force_login(user)
    with capture(execute=True):
        return client.post(reverse("exports:start"), data)


def finished(job):
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.message
    return job.file.read()


def test_the_plan_page_offers_its_pdf_in_the_background(client, world, django_capture_on_commit_callbacks):
    plan = make_plan(world.district)
    make_item(make_section(plan), title="Открытый семинар «Функциональная грамотность»")
    client.force_login(world.users.coordinator)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:plan_pdf", args=[plan.pk]) in page and 'value="plans.plan_pdf"' in page
    start(client, world.users.coordinator, django_capture_on_commit_callbacks, name="plans.plan_pdf", plan=plan.pk)
    text = PdfReader(io.BytesIO(finished(ExportJob.objects.get()))).pages[0].extract_text()
    assert "Функциональная" in text


def test_a_draft_plan_is_not_made_for_a_coordinator(client, world, django_capture_on_commit_callbacks):
    plan = make_plan(world.district, status="draft")
    response = start(
        client, world.users.coordinator, django_capture_on_commit_callbacks, name="plans.plan_pdf", plan=plan.pk
    )
    assert response.status_code == 404


def test_the_registry_keeps_its_filters_in_the_background(client, world, django_capture_on_commit_callbacks):
    AwardFactory(institution=world.institution)
    AwardFactory(institution=world.other_institution, valid_to=timezone.localdate() - timedelta(days=1))
    client.force_login(world.users.coordinator)
    page = client.get(reverse("applications:registry"), {"district": world.district.pk}).content.decode()
    assert 'value="applications.registry_xlsx"' in page and f'name="district" value="{world.district.pk}"' in page
    start(
        client,
        world.users.coordinator,
        django_capture_on_commit_callbacks,
        name="applications.registry_xlsx",
        district=world.district.pk,
    )
    rows = list(load_workbook(io.BytesIO(finished(ExportJob.objects.get()))).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == ["ГБОУ лицей № 590"]  # current sites only


def test_the_application_list_is_for_staff_only(client, world, django_capture_on_commit_callbacks):
    call = CallFactory(district=world.district)
    assert (
        start(
            client,
            world.users.coordinator,
            django_capture_on_commit_callbacks,
            name="applications.call_xlsx",
            call=call.pk,
        ).status_code
        == 404
    )
    start(
        client, world.users.methodist, django_capture_on_commit_callbacks, name="applications.call_xlsx", call=call.pk
    )
    rows = list(load_workbook(io.BytesIO(finished(ExportJob.objects.get()))).active.iter_rows(values_only=True))
    assert rows[0][1] == "Учреждение"


def test_the_rating_is_made_for_those_who_may_read_it(client, world, django_capture_on_commit_callbacks):
    data = populate(world)
    campaign = data["campaign"]  # computed, not published
    assert (
        start(
            client,
            world.users.coordinator,
            django_capture_on_commit_callbacks,
            name="ratings.rating_xlsx",
            campaign=campaign.pk,
        ).status_code
        == 404
    )
    client.force_login(world.users.district_office)
    page = client.get(reverse("ratings:results", args=[campaign.pk])).content.decode()
    assert 'value="ratings.rating_pdf"' in page
    start(
        client,
        world.users.district_office,
        django_capture_on_commit_callbacks,
        name="ratings.rating_xlsx",
        campaign=campaign.pk,
    )
    rows = list(load_workbook(io.BytesIO(finished(ExportJob.objects.get()))).active.iter_rows(values_only=True))
    assert rows[2][2] == "ГБОУ лицей № 590"


def test_the_reports_workbook_writes_typed_text_as_text():
    """The district reports go through the one XLSX writer: a theme typed as a formula stays text."""
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.exports import workbook

    content = workbook([("Реестр", ["Учреждение", "Тема"], [["ГБОУ № 1", '=HYPERLINK("http://x","y")']])])
    cell = load_workbook(BytesIO(content))["Реестр"]["B2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'
