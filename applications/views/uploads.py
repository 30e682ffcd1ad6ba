"""The editor's files, sent and removed in the background (static/applications/uploads.js).

A file is uploaded into the draft as soon as it is chosen, in chunks that can be resumed
(applications/uploads.py keeps the partial file), and checked exactly as the form's
AttachmentForm checks it; so a refused save of the form never loses a file. Removing a file
is sent after the editor's undo window, with the form's save, or on leaving the page.
Without JavaScript the form's own file field and «remove» buttons still do all of this.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from innovation_portal import limits
from innovation_portal.files import FileValidator
from innovation_portal.workflow import TransitionError

from .. import services
from .. import uploads as partial_uploads
from ..forms import AttachmentForm, attachment_file_kind
from ..models import Attachment
from .common import get_application


def _refusal(message, status=400, **extra):
    return JsonResponse({"error": message, **extra}, status=status)


def _not_editable():
    return _refusal(_("The application has been submitted: its files can no longer be changed."), status=409)


def _application(request, pk):
    """The application if the user may edit it; (None, response) when it is theirs but submitted.

    Another institution's application is a 404 (get_application), someone who may only read
    it gets 403.
    """
    application = get_application(request, pk)
    if request.user.has_perm("applications.edit_application", application):
        return application, None
    if application.institution_id in request.user.coordinated_institution_ids:
        return None, _not_editable()
    raise PermissionDenied


def _messages(error):
    return " ".join(str(message) for message in error.messages)


@login_required
@require_POST
def upload_start(request, pk):
    """Open the upload of one chosen file (or find it again) and say from which byte to send."""
    application, refusal = _application(request, pk)
    if refusal:
        return refusal
    too_often = limits.too_often(request, group="uploads", key="user_or_ip", rate=settings.RATE_UPLOADS)
    if too_often:
        return _refusal(too_often, status=429)
    kind = request.POST.get("kind", "")
    if kind not in dict(AttachmentForm(application=application).fields["kind"].choices):
        return _refusal(_("Choose what the file is."))
    name = request.POST.get("name", "").replace("\x00", "").strip()  # kept as the file's name: no NUL for PostgreSQL
    size = request.POST.get("size", "")
    if not name or not size.isdigit():
        return _refusal(_("Choose a file to attach."))
    try:
        partial = partial_uploads.begin(
            request.user,
            application,
            kind=kind,
            name=name,
            size=int(size),
            fingerprint=request.POST.get("fingerprint", "").replace("\x00", "")[:100],
        )
    except partial_uploads.UploadRefused as error:
        return _refusal(error.message, status=error.status)
    return JsonResponse({"upload": partial.id, "offset": partial.offset, "chunk": partial_uploads.CHUNK_BYTES})


@login_required
@require_POST
def upload_chunk(request, pk, upload):
    """Append the request's body at `?offset=`; the last chunk checks the file and attaches it."""
    application, refusal = _application(request, pk)
    if refusal:
        return refusal
    partial = partial_uploads.find(request.user, application, upload)
    if partial is None:
        return _refusal(_("This upload has expired. Choose the file again."), status=404)
    offset = request.GET.get("offset", "")
    if not offset.isdigit():
        return _refusal(_("Choose the file again."))
    if request.content_type != "application/octet-stream":  # the bytes themselves, not a form
        return _refusal(_("Choose the file again."), status=415)
    try:
        received = partial_uploads.append(partial, int(offset), request)
    except partial_uploads.OffsetMismatch as mismatch:
        return JsonResponse({"offset": mismatch.offset}, status=409)
    except partial_uploads.UploadRefused as error:
        return _refusal(error.message, status=error.status)
    if int(offset) == 0 and received > 0:
        # Refuse a wrong type from its first bytes, before the rest of a large file is sent.
        with partial.as_file() as head:
            try:
                FileValidator(attachment_file_kind(partial.meta["kind"]))(head)
            except ValidationError as error:
                partial_uploads.discard(partial)
                return _refusal(_messages(error))
    if received < partial.size:
        return JsonResponse({"offset": received})
    return _attach(request, application, partial)


def _attach(request, application, partial):
    kind = partial.meta["kind"]
    assembled = partial.as_file()
    try:
        form = AttachmentForm({"kind": kind}, {"file": assembled}, application=application)
        if not form.is_valid():
            return _refusal(" ".join(" ".join(errors) for errors in form.errors.values()))
        replaced = (
            list(application.attachments.filter(kind=kind).values_list("pk", flat=True))
            if kind == Attachment.Kind.VIDEO
            else []
        )
        try:
            attachment = services.add_attachment(
                application, kind=kind, by=request.user, upload=assembled, duration=form.duration
            )
        except TransitionError:
            return _not_editable()
    finally:
        assembled.close()
        partial_uploads.discard(partial)
    return JsonResponse(
        {
            "offset": partial.size,
            "attachment": {
                "id": attachment.pk,
                "kind": kind,
                "label": attachment.get_kind_display(),
                "name": attachment.original_name,
                "html": render_to_string(
                    "applications/_attachment.html",
                    {"attachment": attachment, "application": application},
                    request=request,
                ),
            },
            "replaced": replaced,
        }
    )


@login_required
@require_POST
def attachments_remove(request, pk):
    """Remove the files the coordinator removed in the editor (ids in `attachment`); no page reload."""
    application, refusal = _application(request, pk)
    if refusal:
        return refusal
    try:
        removed = services.remove_attachments(application, request.POST.getlist("attachment"))
    except TransitionError:
        return _not_editable()
    return JsonResponse({"removed": removed})
