import os
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from plans.models import PlanImport
from plans.tasks import LEGACY_IMPORT_FOLDER, purge_import_uploads


def _job(world, created_at):
    job = PlanImport(
        requested_by=world.users.methodist, district=world.district, period_label="2023/2024", file_name="план.docx"
    )
    job.file.save("план.docx", ContentFile(b"PK plan"), save=False)
    job.created_at = created_at
    job.save()
    return job


def test_abandoned_import_jobs_are_purged_after_a_day_with_their_files(world):
    old = _job(world, timezone.now() - timedelta(days=2))
    fresh = _job(world, timezone.now())
    old_path = old.file.name
    assert purge_import_uploads.apply().get() == 1
    assert list(PlanImport.objects.all()) == [fresh]
    assert not default_storage.exists(old_path) and default_storage.exists(fresh.file.name)


def test_uploads_left_by_the_previous_import_pages_are_purged_too(settings, db):
    old = default_storage.save(f"{LEGACY_IMPORT_FOLDER}/old.docx", ContentFile(b"PK old"))
    fresh = default_storage.save(f"{LEGACY_IMPORT_FOLDER}/fresh.docx", ContentFile(b"PK fresh"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    assert purge_import_uploads.apply().get() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)


def test_nothing_to_purge_is_fine(db):
    assert purge_import_uploads.apply().get() == 0
