import os
import stat
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Institution, User
from exports.models import ExportJob
from notifications.models import Notification
from tests.factories import InstitutionFactory


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_everything_with_files(tmp_path, world):
    InstitutionFactory(district=world.district, short_name="ГБОУ школа № 999", head_name="Сидорова Анна")
    job = ExportJob.objects.create(user=world.users.methodist, name="x", title="Отчёт", state="done")
    job.file.save("report.pdf", ContentFile(b"%PDF-1.4 original"), save=True)
    stored_name = job.file.name
    Notification.objects.create(user=world.users.coordinator, kind="t", title="Заявка возвращена")
    counts = (Institution.objects.count(), User.objects.count(), Notification.objects.count())
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", output=str(archive), verbosity=0)

    # Disaster: data changed and files lost.
    Institution.objects.filter(short_name="ГБОУ школа № 999").delete()
    User.objects.filter(email="expert@example.org").update(full_name="Испорчено")
    job.file.delete(save=False)

    call_command("restore", str(archive), yes=True, verbosity=0)

    assert (Institution.objects.count(), User.objects.count(), Notification.objects.count()) == counts
    assert Institution.objects.get(short_name="ГБОУ школа № 999").head_name == "Сидорова Анна"
    assert User.objects.get(email="expert@example.org").full_name != "Испорчено"
    restored = ExportJob.objects.get(pk=job.pk)
    assert restored.file.name == stored_name
    with restored.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 original"
    assert User.objects.get(email="coordinator@example.org").check_password("password")


@pytest.mark.django_db(transaction=True)
def test_an_archive_with_a_path_escape_is_refused(tmp_path, world):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        for name in ("manifest.json", "data.json", "media/../../etc/passwd"):
            info = tarfile.TarInfo(name)
            info.size = 2
            archive.addfile(info, fileobj=__import__("io").BytesIO(b"{}"))
    with pytest.raises(CommandError, match="Unsafe path"):
        call_command("restore", str(evil), yes=True)
    assert Institution.objects.count() == 2  # nothing was touched


@pytest.mark.django_db
@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_archive_is_readable_by_its_owner_only_whatever_the_umask(tmp_path, settings, umask):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "document.pdf").write_bytes(b"%PDF-1.4 secret")
    archive = tmp_path / "backups" / "portal.tar.gz"
    archive.parent.mkdir()
    archive.write_bytes(b"an older archive, world-readable")
    archive.chmod(0o644)
    previous = os.umask(umask)
    try:
        call_command("backup", output=str(archive), verbosity=0)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert [path.name for path in archive.parent.iterdir()] == ["portal.tar.gz"], "no temporary file is left"
    with tarfile.open(archive) as opened:
        assert "media/document.pdf" in opened.getnames()


@pytest.mark.django_db
def test_a_backup_into_media_root_is_refused_so_backups_never_nest(settings):
    inside = settings.MEDIA_ROOT / "backups" / "portal.tar.gz"
    inside.parent.mkdir(parents=True)

    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        call_command("backup", output=str(inside), verbosity=0)

    assert list(inside.parent.iterdir()) == []
