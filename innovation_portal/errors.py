"""The pages a visitor sees when something goes wrong: Russian, in the portal's layout, with a way home.

400, 403, 404 and the CSRF failure are rendered with the request (the menu, the signed-in
user). The 500 page is different: it is shown when anything may be broken, the database
included, so it is a self-contained template rendered without the request (no context
processors, no user lookup, no query) and, should even that fail, a plain Russian text.
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

# The last resort when the 500 template itself cannot be rendered.
PLAIN_500 = (
    '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Ошибка на сервере</title></head>'
    "<body><h1>Ошибка на сервере</h1><p>Попробуйте ещё раз через несколько минут.</p>"
    '<p><a href="/">На главную</a></p></body></html>'
)


def _page(request, template, status, context=None):
    if not hasattr(request, "user"):
        # Refused before authentication ran (a request for another host): shown as to a visitor.
        request.user = AnonymousUser()
    return render(request, template, context, status=status)


def bad_request(request, exception):
    # Django's own handler renders without the request; ours keeps the menu and the user.
    return _page(request, "400.html", 400)


def permission_denied(request, exception):
    return _page(request, "403.html", 403, {"login_next": request.get_full_path()})


def page_not_found(request, exception):
    return _page(request, "404.html", 404, {"login_next": request.get_full_path()})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was sent from a stale page or without the portal's cookie."""
    return _page(request, "403_csrf.html", 403, {"no_cookie": reason == REASON_NO_CSRF_COOKIE})


def server_error(request):
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the page of last resort must never raise itself
        logger.exception("The 500 page could not be rendered")
        body = PLAIN_500
    return HttpResponseServerError(body)
