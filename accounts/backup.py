"""Backup and restore of everything: the database's data and the uploaded files.

A backup is one .tar.gz holding `manifest.json` (when, which migrations, how many rows of
each model), `data.json` (Django's dumpdata with natural keys, so it loads into any
database engine) and `media/` (MEDIA_ROOT as it was). Restoring needs a database migrated
to the same migrations; it replaces all data and files.

An archive holds every password hash and every uploaded document, so it is written readable
by its owner only (0600, whatever the umask): first to a temporary file beside the target,
created 0600, then renamed into place. It may not be written inside MEDIA_ROOT, or every
backup would carry all the previous ones.
"""

import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# Rebuilt by `migrate` itself, or not worth keeping (sessions, login attempts).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
FORMAT = 1


class BackupError(Exception):
    """A backup archive that cannot be restored here; the message says why."""


def _migrations():
    return sorted(MigrationRecorder(connection).applied_migrations())


def _counts():
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in {"contenttypes", "sessions", "axes"} or label == "auth.Permission":
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[label] = model._default_manager.count()
    return counts


ARCHIVE_MODE = 0o600


def _inside(path, folder):
    return path == folder or folder in path.parents


def create_backup(output):
    """Write a backup archive to `output` (a path, mode 0600); returns the manifest.

    Refuses (BackupError) a path inside MEDIA_ROOT. A failed backup leaves no partial file.
    """
    output = Path(output)
    media_root = Path(settings.MEDIA_ROOT)
    if _inside(output.resolve(), media_root.resolve()):
        raise BackupError(
            f"The archive may not be written inside MEDIA_ROOT ({media_root}): every later backup would "
            "contain it. Write it to a folder outside MEDIA_ROOT, e.g. /var/backups/portal/."
        )
    data = io.StringIO()
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=False,
        format="json",
        stdout=data,
    )
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "migrations": [list(m) for m in _migrations()],
        "counts": _counts(),
    }
    # mkstemp creates the file 0600 whatever the umask; fchmod says so explicitly all the same.
    descriptor, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    try:
        os.fchmod(descriptor, ARCHIVE_MODE)
        with os.fdopen(descriptor, "wb") as raw_file, tarfile.open(fileobj=raw_file, mode="w:gz") as archive:
            for name, payload in (
                ("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1)),
                ("data.json", data.getvalue()),
            ):
                raw = payload.encode()
                info = tarfile.TarInfo(name)
                info.size = len(raw)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(raw))
            if media_root.exists():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        arcname = f"media/{path.relative_to(media_root).as_posix()}"
                        archive.add(path, arcname=arcname, recursive=False)
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _safe_members(archive):
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Unsafe path in the archive: {member.name}")
        yield member


def restore_backup(source):
    """Replace all data and uploaded files with the archive's; refuses a mismatched schema."""
    with tarfile.open(source, "r:gz") as archive:
        members = {m.name: m for m in _safe_members(archive)}
        if "manifest.json" not in members or "data.json" not in members:
            raise BackupError("Not a portal backup: manifest.json or data.json is missing.")
        manifest = json.load(archive.extractfile(members["manifest.json"]))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        current = [list(m) for m in _migrations()]
        if manifest["migrations"] != current:
            missing = sorted(set(map(tuple, manifest["migrations"])) ^ set(map(tuple, current)))[:5]
            raise BackupError(
                f"The database's migrations differ from the backup's (e.g. {missing}); run migrate first."
            )
        with tempfile.TemporaryDirectory() as work:
            data_path = Path(work) / "data.json"
            data_path.write_bytes(archive.extractfile(members["data.json"]).read())
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(data_path), verbosity=0)
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        for path in sorted(media_root.rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
        for name, member in members.items():
            if name.startswith("media/") and member.isfile():
                target = media_root / name[len("media/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
    return manifest
