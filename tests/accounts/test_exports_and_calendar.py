from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.exporting import purge
from accounts.models import ExportJob
from innovation_portal import due, exports


@pytest.fixture
def institution_list_export():
    """A registered export like the apps' ones: the district's institutions, for methodists only."""

    @exports.register("test.institutions", label="Учреждения")
    class InstitutionList:
        @staticmethod
        def allowed(user, params):
            return user.has_role("methodist", int(params["district"]))

        @staticmethod
        def title(params):
            return "Список учреждений (XLSX)"

        @staticmethod
        def build(params, progress):
            from accounts.models import Institution

            names = list(Institution.objects.filter(district=params["district"]).values_list("short_name", flat=True))
            progress(50)
            return "institutions.txt", "\n".join(sorted(names)).encode()

    yield InstitutionList
    exports._registry.pop("test.institutions")


def test_a_methodist_starts_an_export_sees_it_finish_and_downloads_it(
    client, world, institution_list_export, django_capture_on_commit_callbacks
):
    client.force_login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:export_start"), {"name": "test.institutions", "district": world.district.pk}
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("accounts:export_detail", args=[job.pk])
    status = client.get(reverse("accounts:export_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in status and reverse("accounts:export_download", args=[job.pk]) in status
    assert "hx-trigger" not in status  # finished: the page stops polling
    download = client.get(reverse("accounts:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "ГБОУ гимназия № 271\nГБОУ лицей № 590"


def test_a_running_export_keeps_polling(client, world):
    job = ExportJob.objects.create(
        user=world.users.methodist, name="test.institutions", title="x", state="running", progress=40
    )
    client.force_login(world.users.methodist)
    status = client.get(reverse("accounts:export_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in status and "40%" in status


def test_an_export_is_refused_to_whom_the_rule_refuses(client, world, institution_list_export):
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("accounts:export_start"), {"name": "test.institutions", "district": world.district.pk}
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_only_the_owner_downloads(client, world, institution_list_export, django_capture_on_commit_callbacks):
    client.force_login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:export_start"), {"name": "test.institutions", "district": world.district.pk})
    job = ExportJob.objects.get()
    client.force_login(world.users.other_methodist)
    assert client.get(reverse("accounts:export_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("accounts:export_detail", args=[job.pk])).status_code == 404


def test_old_exports_are_purged_with_their_files(world, institution_list_export, django_capture_on_commit_callbacks):
    from accounts.exporting import start_export

    with django_capture_on_commit_callbacks(execute=True):
        job = start_export(world.users.methodist, "test.institutions", {"district": world.district.pk})
    job.refresh_from_db()
    path = job.file.path
    assert purge(now=timezone.now() + timedelta(days=6)) == 0
    assert purge(now=timezone.now() + timedelta(days=8)) == 1
    import os

    assert not os.path.exists(path)


def test_the_task_runs_a_job_once(world, institution_list_export):
    from accounts.tasks import run_export

    job = ExportJob.objects.create(
        user=world.users.methodist, name="test.institutions", params={"district": world.district.pk}, title="x"
    )
    run_export.apply(kwargs={"job_id": job.pk})
    first = ExportJob.objects.get(pk=job.pk).file.name
    run_export.apply(kwargs={"job_id": job.pk})  # a redelivered message
    assert ExportJob.objects.get(pk=job.pk).file.name == first


@pytest.mark.parametrize("rows", [1, 25])
def test_my_files_page_queries_do_not_grow(client, world, django_assert_num_queries, rows):
    for index in range(rows):
        ExportJob.objects.create(user=world.users.methodist, name="x", title=f"Файл {index}", state="done")
    client.force_login(world.users.methodist)
    # session, user, the jobs, the user's roles (menu), the unread count
    with django_assert_num_queries(5):
        assert client.get(reverse("accounts:export_list")).status_code == 200


@pytest.fixture
def deadline_item(world):
    def provider(user):
        if user == world.users.coordinator:
            yield due.DueItem(
                "Заявка: срок подачи", "/competitions/calls/1/", timezone.now() + timedelta(days=3), "ГБОУ лицей № 590"
            )

    due.provider(provider)
    yield
    due._providers.remove(provider)


def test_personal_calendar_feed_lists_my_deadlines_without_login(client, world, deadline_item):
    token = world.users.coordinator.calendar_token
    response = client.get(reverse("accounts:calendar_feed", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Заявка: срок подачи"]
    assert "http://127.0.0.1:8000/competitions/calls/1/" in str(events[0]["DESCRIPTION"])
    again = Calendar.from_ical(client.get(reverse("accounts:calendar_feed", args=[token])).content).walk("VEVENT")
    assert str(again[0]["UID"]) == str(events[0]["UID"])  # stable, so calendars do not duplicate it


def test_a_new_calendar_address_retires_the_old(client, world):
    old = world.users.coordinator.calendar_token
    client.force_login(world.users.coordinator)
    client.post(reverse("accounts:calendar_reset"))
    assert client.get(reverse("accounts:calendar_feed", args=[old])).status_code == 404
    world.users.coordinator.refresh_from_db()
    assert world.users.coordinator.calendar_token != old


def test_weekly_digest_lists_overdue_items_once_a_week(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from accounts.digest import send_weekly_digest

    def provider(user):
        if user == world.users.methodist:
            yield due.DueItem("Заявка № 7 ждёт технической экспертизы", "/x/", timezone.now() - timedelta(days=2))

    due.provider(provider)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert send_weekly_digest() == 1
            assert send_weekly_digest() == 0
    finally:
        due._providers.remove(provider)
    assert "Заявка № 7 ждёт технической экспертизы" in mail.outbox[0].body
    assert mail.outbox[0].subject == "Просрочено на этой неделе: 1"


def test_a_stuck_export_is_resumed_by_the_sweep(world, institution_list_export):
    from accounts.tasks import resume_stale_exports

    job = ExportJob.objects.create(
        user=world.users.methodist,
        name="test.institutions",
        params={"district": world.district.pk},
        title="x",
        state=ExportJob.State.RUNNING,
        started_at=timezone.now() - timedelta(minutes=45),
    )
    fresh = ExportJob.objects.create(
        user=world.users.methodist,
        name="test.institutions",
        params={"district": world.district.pk},
        title="y",
        state=ExportJob.State.RUNNING,
        started_at=timezone.now(),
    )
    assert resume_stale_exports.apply().get() == 1
    assert ExportJob.objects.get(pk=job.pk).state == ExportJob.State.DONE
    assert ExportJob.objects.get(pk=fresh.pk).state == ExportJob.State.RUNNING
