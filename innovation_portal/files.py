"""Uploaded files: limits, content sniffing, private paths and permission-checked downloads.

Files are stored under names we make (a random id and the extension of the *detected*
type), never under the name the user's computer gave them, and never served by the web
server: a view checks permissions and streams the file with `serve()`.
"""

import os
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# What the portal accepts, by kind, as (extension, MIME type) detected from the content.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
}
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "mkv": "video/x-matroska",
}
ARCHIVE_TYPES = {"zip": "application/zip"}

# Extensions that name the same content: old Office formats share one container.
SAME_TYPE = {"jpeg": "jpg", "jpe": "jpg", "xls": "doc", "ppt": "doc", "qt": "mov"}

KINDS = {
    "document": DOCUMENT_TYPES,
    "image": IMAGE_TYPES,
    "video": VIDEO_TYPES,
    "evidence": {**DOCUMENT_TYPES, **IMAGE_TYPES},
    "any": {**DOCUMENT_TYPES, **IMAGE_TYPES, **VIDEO_TYPES, **ARCHIVE_TYPES},
}


def detect(file):
    """The (extension, mime) of a file by its content, or None when it is not a type we know."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(position)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension, kind.mime
    if head.startswith(b"{\\rtf"):
        return "rtf", "application/rtf"
    return None


@deconstructible
class FileValidator:
    """Checks an upload's size and that its *content* is one of the allowed types.

    A file named report.pdf that is really an HTML page, or an image with a script glued
    on, is refused: the type comes from the bytes, not from the name.
    """

    def __init__(self, kind="document", max_mb=None):
        self.kind = kind
        self.max_mb = max_mb

    def __call__(self, file):
        max_mb = self.max_mb or settings.MAX_UPLOAD_SIZE_MB
        if file.size > max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is too large: %(size).1f MB, at most %(max)d MB is allowed."),
                params={"size": file.size / 1024 / 1024, "max": max_mb},
                code="file_too_large",
            )
        allowed = KINDS[self.kind]
        detected = detect(file)
        if detected is None or detected[0] not in allowed:
            raise ValidationError(
                _("This file type is not accepted here (by its content). Allowed: %(allowed)s."),
                params={"allowed": ", ".join(sorted(allowed))},
                code="file_type",
            )
        name_ext = os.path.splitext(getattr(file, "name", "") or "")[1].lower().lstrip(".")
        if name_ext and SAME_TYPE.get(name_ext, name_ext) != SAME_TYPE.get(detected[0], detected[0]):
            raise ValidationError(
                _("The file's extension «.%(ext)s» does not match its content."),
                params={"ext": name_ext},
                code="file_ext",
            )

    def __eq__(self, other):
        return isinstance(other, FileValidator) and (self.kind, self.max_mb) == (other.kind, other.max_mb)


@deconstructible
class PrivatePath:
    """`upload_to` that names files by a random id under a folder per kind and month."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        ext = os.path.splitext(filename)[1].lower()
        if not ext or len(ext) > 6 or not ext[1:].isalnum():
            ext = ""
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other):
        return isinstance(other, PrivatePath) and self.folder == other.folder


def serve(field_file, download_name=None, inline=False):
    """Stream a stored file to a user whose permission the calling view has checked."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = download_name or os.path.basename(field_file.name)
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
