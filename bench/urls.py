"""The portal's URLs plus the trivial page the bench measures every page against.

The trivial page is the stack's floor: the base layout, rendered with the portal's context
processors and middleware, and no query of its own. A signed-in visitor's floor also holds
what every signed-in page pays (the session, the user, their roles, the unread count).
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from innovation_portal.urls import urlpatterns as portal_urlpatterns

_TRIVIAL = engines["django"].from_string('{% extends "base.html" %}{% block content %}<p>trivial</p>{% endblock %}')


def trivial(request):
    return HttpResponse(_TRIVIAL.render({}, request))


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *portal_urlpatterns]
