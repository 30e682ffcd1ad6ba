"""Work bounded per request and per user: request bodies, uploads and rates.

Bodies. `BodyLimitMiddleware` (before CSRF, which is the first to read a POST) refuses a
request whose Content-Length is over the endpoint's limit before a byte of the body is read:
an anonymous visitor may send only what the login and password forms need, a signed-in
person a document, and only views marked `@accepts_upload(mb=…)` (the video announcement)
more. A body sent without a length (chunked) is counted while it streams by
`LimitedUploadHandler`, which stops the upload at the same limit. The proxy in front should
refuse the same sizes earlier (README, «Production»).

Rates. `too_often(request, …)` counts requests in the shared cache (django-ratelimit) and
answers the Russian «try again in …» when a limit is reached.
"""

import functools
import math

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

MB = 1024 * 1024


# --- bodies -------------------------------------------------------------------------------


def accepts_upload(mb=None):
    """Mark a view that takes files of up to `mb` megabytes (default: MAX_UPLOAD_SIZE_MB, the video)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.accepts_upload_mb = mb or "max"
        return wrapped

    return decorate


def body_limit(request, view_func):
    """The largest body (bytes) this request may send to this view."""
    if not request.user.is_authenticated:
        return settings.BODY_LIMIT_ANONYMOUS_KB * 1024
    marked = getattr(view_func, "accepts_upload_mb", None)
    if marked == "max":
        marked = settings.MAX_UPLOAD_SIZE_MB
    # A little room over the file itself for the form's other fields and the multipart framing.
    marked_bytes = int(marked * MB) + MB if marked else 0
    return max(marked_bytes, settings.BODY_LIMIT_SIGNED_IN_MB * MB)


def size_text(limit):
    if limit >= MB:
        megabytes = math.floor(limit / MB)
        return ngettext("%(n)d MB", "%(n)d MB", megabytes) % {"n": megabytes}
    kilobytes = math.floor(limit / 1024)
    return ngettext("%(n)d KB", "%(n)d KB", kilobytes) % {"n": kilobytes}


def too_large(request, limit):
    message = _("The data sent is too large: at most %(size)s may be sent here.") % {"size": size_text(limit)}
    if _wants_json(request):
        response = JsonResponse({"ok": False, "message": message}, status=413)
    else:
        response = render(request, "limits/refused.html", {"message": message}, status=413)
    # The rest of the body is not read: the connection is not reused for another request.
    response["Connection"] = "close"
    return response


class BodyLimitMiddleware:
    """Refuse a body over the endpoint's limit as soon as the headers say so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        limit = body_limit(request, view_func)
        request.body_limit = limit  # LimitedUploadHandler counts a streamed body against it
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(request, limit)
        return None


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of uploaded files as they stream in; stops at the request's limit.

    Django reads at most Content-Length bytes of a body, which the middleware has checked; this
    is the second line, for a server that hands Django a body of another length than it said.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = getattr(self.request, "body_limit", None) or settings.BODY_LIMIT_ANONYMOUS_KB * 1024
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refused = self.limit
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


# --- rates --------------------------------------------------------------------------------


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or "application/json" in request.headers.get(
        "Accept", ""
    )


def wait_text(seconds):
    seconds = max(1, int(seconds))
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def too_often(request, *, group, key, rate, increment=True):
    """The Russian «try again in …» when `key` made more than `rate` requests of `group`, else None.

    `key` is django-ratelimit's: "user", "ip", "post:email", or a callable(group, request).
    """
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    if usage is None or not usage["should_limit"]:
        return None
    return _("Too many requests. Try again in %(wait)s.") % {"wait": wait_text(usage["time_left"])}


def refused(request, message):
    """The answer to a request over a rate limit: 429 with the message (JSON for scripts)."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=429)
    return render(request, "limits/refused.html", {"message": message}, status=429)


def limit_uploads(view):
    """At most RATE_UPLOADS uploads per signed-in person (a POST that carries files)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data" and request.FILES:
            message = too_often(request, group="uploads", key="user_or_ip", rate=settings.RATE_UPLOADS)
            if message:
                return refused(request, message)
        return view(request, *args, **kwargs)

    if hasattr(view, "accepts_upload_mb"):
        wrapped.accepts_upload_mb = view.accepts_upload_mb
    return wrapped
