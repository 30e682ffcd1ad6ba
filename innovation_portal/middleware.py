import datetime
from urllib.parse import unquote

from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class PortalLocaleMiddleware(LocaleMiddleware):
    """Russian for everyone unless the user chose another language in the footer.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English interface to a methodist whose computer happens to be set up in English. The
    portal's language is Russian; English is an explicit choice, kept in a cookie.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ArrivalMiddleware:
    """Stamp `request.arrived_at`: when the request reached the portal (what counts at a deadline).

    Taken first thing, before any work of Django's. Behind a proxy that sends the moment it
    received the request (nginx: `proxy_set_header X-Request-Start "t=${msec}";`) and with
    TRUST_X_REQUEST_START set, that moment is used, so time spent waiting in gunicorn's
    queue during the last-minute rush does not count against the school.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.arrived_at = self._from_proxy(request) or timezone.now()
        return self.get_response(request)

    @staticmethod
    def _from_proxy(request):
        if not settings.TRUST_X_REQUEST_START:
            return None
        value = request.headers.get("X-Request-Start", "").removeprefix("t=").strip()
        try:
            seconds = float(value)
        except ValueError:
            return None
        if seconds > 1e11:  # microseconds or milliseconds, as some proxies send
            seconds = seconds / 1e6 if seconds > 1e14 else seconds / 1e3
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
        now = timezone.now()
        # A header from the past hour and not from the future; anything else is ignored.
        if now - datetime.timedelta(hours=1) <= moment <= now + datetime.timedelta(seconds=5):
            return min(moment, now)
        return None


# The largest id any table can hold (a 64-bit integer): a bigger number names nothing.
LARGEST_ID = 2**63 - 1


class HostileAddressMiddleware:
    """Addresses that cannot name anything are answered here, before a view runs into them.

    A NUL byte anywhere in the path or the query string is refused with 400 and a Russian
    message: PostgreSQL cannot compare text with it, so any view that filtered by such a value
    would fail. A whole number in the path larger than any id (`/plans/10000…0000/`) is not
    found (404): SQLite cannot even pass it to a query, and no row has it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            message = _("The address contains a character that is not allowed (a zero byte). Check the link.")
            return render(request, "limits/refused.html", {"message": message}, status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID:
                raise Http404
        return None
