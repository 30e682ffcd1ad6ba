"""Files sent in pieces: a partial upload kept on disk until its last byte has arrived.

A school's video announcement comes over a slow, unreliable connection, so the editor sends
every file in chunks (views/uploads.py, static/applications/uploads.js). Each upload lives in
a private folder `MEDIA_ROOT/partial-uploads/<user id>/<upload id>/` (MEDIA_ROOT is never
served): `meta.json` says which application, kind, file name and size it is for, `data` holds
the bytes received so far. The upload id is derived from who sends which file (user,
application, kind, name, size and the browser's modification time), so choosing the same
file again after a network error or a page reload continues where the bytes stopped.

Written by hand: the maintained-looking Django packages for this (django-chunked-upload,
django-tus, django-drf-filepond, drf-chunked-upload) are either unmaintained since 2019-2020
or need Django REST framework, and each brings its own model and permission scheme where we
need the editor's (`applications.edit_application`) and the attachment's own checks.
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

FOLDER = "partial-uploads"
CHUNK_BYTES = 4 * 1024 * 1024  # what the browser is told to send at a time
READ_BYTES = 64 * 1024
KEEP_SECONDS = 2 * 24 * 3600  # a partial upload untouched this long is given up
_ID = re.compile(r"^[0-9a-f]{32}$")


class UploadRefused(Exception):
    """The upload cannot go on; `message` says why in words for the coordinator."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


class OffsetMismatch(Exception):
    """A chunk that does not start where the received bytes end (a lost or repeated chunk)."""

    def __init__(self, offset):
        super().__init__(offset)
        self.offset = offset


def limit_bytes(kind):
    """The most a file of this kind may weigh (the attachment's own FileValidator uses the same)."""
    return settings.MAX_UPLOAD_SIZE_MB * 1024 * 1024


def too_large(size, kind):
    return _("The file is too large: %(size).1f MB, at most %(max)d MB is allowed.") % {
        "size": size / 1024 / 1024,
        "max": limit_bytes(kind) // 1024 // 1024,
    }


def root():
    return Path(settings.MEDIA_ROOT) / FOLDER


@dataclass
class Partial:
    folder: Path
    meta: dict

    @property
    def id(self):
        return self.folder.name

    @property
    def data(self):
        return self.folder / "data"

    @property
    def offset(self):
        try:
            return self.data.stat().st_size
        except FileNotFoundError:
            return 0

    @property
    def size(self):
        return self.meta["size"]

    @property
    def complete(self):
        return self.offset == self.size

    def as_file(self):
        """The received bytes as a Django file under the user's name, movable into storage as is."""
        return AssembledFile(self.data, self.meta["name"])


class AssembledFile(File):
    """An upload put together on disk; storage moves it into place instead of copying 200 MB."""

    def __init__(self, path, name):
        super().__init__(open(path, "rb"), name=name)  # noqa: SIM115 - closed by discard()
        self._path = str(path)

    def temporary_file_path(self):
        return self._path


def upload_id(user, application, *, kind, name, size, fingerprint):
    key = json.dumps([user.pk, application.pk, kind, name, size, fingerprint])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def begin(user, application, *, kind, name, size, fingerprint=""):
    """Open (or find again) the partial upload of this file; the caller reads `offset` to go on."""
    purge(user_id=user.pk)
    if size <= 0:
        raise UploadRefused(_("The file is empty."))
    if size > limit_bytes(kind):
        raise UploadRefused(too_large(size, kind), status=413)
    folder = (
        root() / str(user.pk) / upload_id(user, application, kind=kind, name=name, size=size, fingerprint=fingerprint)
    )
    meta = {"application": application.pk, "kind": kind, "name": name[-255:], "size": size}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "data").touch()
    os.utime(folder)  # a resumed upload is alive again (see purge)
    return Partial(folder, meta)


def find(user, application, upload):
    """The user's partial upload `upload` for this application, or None."""
    if not _ID.match(str(upload)):
        return None
    folder = root() / str(user.pk) / upload
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("application") != application.pk:
        return None
    return Partial(folder, meta)


def append(partial, offset, stream):
    """Add the bytes of `stream` at `offset`; returns the new offset.

    Raises OffsetMismatch when the chunk does not start where the received bytes end, and
    UploadRefused (the partial upload removed) when the bytes go beyond the declared size or
    the kind's limit: the server counts what it receives, whatever the browser said.
    """
    ceiling = min(partial.size, limit_bytes(partial.meta["kind"]))
    with open(partial.data, "ab") as target:
        fcntl.flock(target, fcntl.LOCK_EX)  # two tabs sending the same file take turns
        current = target.seek(0, os.SEEK_END)
        if offset != current:
            raise OffsetMismatch(current)
        received = current
        while piece := stream.read(READ_BYTES):
            received += len(piece)
            if received > ceiling:
                target.close()
                discard(partial)
                if received > limit_bytes(partial.meta["kind"]):
                    raise UploadRefused(too_large(received, partial.meta["kind"]), status=413)
                raise UploadRefused(_("More bytes arrived than the file has. Choose the file again."), status=413)
            target.write(piece)
        target.flush()
    os.utime(partial.folder)  # the folder's time is when the upload last moved (see purge)
    return received


def discard(partial):
    shutil.rmtree(partial.folder, ignore_errors=True)


def purge(user_id=None, older_than=KEEP_SECONDS):
    """Remove partial uploads nobody has continued for `older_than` seconds; returns how many.

    Safe to run twice or at the same time as an upload: a folder is judged by its own time,
    which every chunk refreshes.
    """
    base = root() if user_id is None else root() / str(user_id)
    if not base.exists():
        return 0
    folders = [base] if user_id is not None else [p for p in base.iterdir() if p.is_dir()]
    cutoff = time.time() - older_than
    removed = 0
    for owner in folders:
        for folder in owner.iterdir():
            try:
                stale = folder.is_dir() and folder.stat().st_mtime < cutoff
            except FileNotFoundError:
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed
