import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from plans.tasks import IMPORT_FOLDER, purge_import_uploads


def test_abandoned_import_uploads_are_purged_after_a_day(settings, db):
    old = default_storage.save(f"{IMPORT_FOLDER}/old.docx", ContentFile(b"PK old"))
    fresh = default_storage.save(f"{IMPORT_FOLDER}/fresh.docx", ContentFile(b"PK fresh"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    assert purge_import_uploads.apply().get() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh)


def test_nothing_to_purge_is_fine(db):
    assert purge_import_uploads.apply().get() == 0
