from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exports import registry as exports
from exports.models import ExportJob
from exports.services import purge


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
        response = client.post(reverse("exports:start"), {"name": "test.institutions", "district": world.district.pk})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    status = client.get(reverse("exports:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "100%" in status and reverse("exports:download", args=[job.pk]) in status
    assert "hx-trigger" not in status  # finished: the page stops polling
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode() == "ГБОУ гимназия № 271\nГБОУ лицей № 590"


def test_a_running_export_keeps_polling(client, world):
    job = ExportJob.objects.create(
        user=world.users.methodist, name="test.institutions", title="x", state="running", progress=40
    )
    client.force_login(world.users.methodist)
    status = client.get(reverse("exports:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in status and "40%" in status


def test_an_export_is_refused_to_whom_the_rule_refuses(client, world, institution_list_export):
    client.force_login(world.users.coordinator)
    response = client.post(reverse("exports:start"), {"name": "test.institutions", "district": world.district.pk})
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_only_the_owner_downloads(client, world, institution_list_export, django_capture_on_commit_callbacks):
    client.force_login(world.users.methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start"), {"name": "test.institutions", "district": world.district.pk})
    job = ExportJob.objects.get()
    client.force_login(world.users.other_methodist)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:detail", args=[job.pk])).status_code == 404


def test_old_exports_are_purged_with_their_files(world, institution_list_export, django_capture_on_commit_callbacks):
    from exports.services import start_export

    with django_capture_on_commit_callbacks(execute=True):
        job = start_export(world.users.methodist, "test.institutions", {"district": world.district.pk})
    job.refresh_from_db()
    path = job.file.path
    assert purge(now=timezone.now() + timedelta(days=6)) == 0
    assert purge(now=timezone.now() + timedelta(days=8)) == 1
    import os

    assert not os.path.exists(path)


def test_the_task_runs_a_job_once(world, institution_list_export):
    from exports.tasks import run_export

    job = ExportJob.objects.create(
        user=world.users.methodist, name="test.institutions", params={"district": world.district.pk}, title="x"
    )
    run_export.apply(kwargs={"job_id": job.pk})
    first = ExportJob.objects.get(pk=job.pk).file.name
    run_export.apply(kwargs={"job_id": job.pk})  # a redelivered message
    assert ExportJob.objects.get(pk=job.pk).file.name == first


@pytest.mark.parametrize("rows", [1, 25])
def test_my_files_page_queries_do_not_grow(client, world, django_assert_max_num_queries, rows):
    for index in range(rows):
        ExportJob.objects.create(user=world.users.methodist, name="x", title=f"Файл {index}", state="done")
    client.force_login(world.users.methodist)
    # session (none where sessions are cached in Redis), user, the jobs, the user's roles (menu), the unread count
    with django_assert_max_num_queries(5):
        assert client.get(reverse("exports:list")).status_code == 200


def test_a_stuck_export_is_resumed_by_the_sweep(world, institution_list_export):
    from exports.tasks import resume_stale_exports

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
