"""A visitor's first look and a school's own site: the public home page at laptop and phone size,
and the widgets framed by a page of another origin (the only portal pages that may be framed).

The other site is a tiny HTTP server of the test's own on another loopback port (a page answered
by Playwright's `page.route` has no address, and Chromium's local-network checks then refuse its
frames): nothing leaves the machine. Screenshots go to tests/output/screenshots/.
"""

import http.server
import threading
from contextlib import contextmanager

import pytest
from django.urls import reverse

from accounts.models import District, Institution
from applications.models import StatusAward
from ratings.models import RatingCampaign

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _school_page(live_server, paths):
    frames = "".join(
        f'<h2>{name}</h2><iframe src="{live_server.url}{path}" title="{name}" width="100%" height="360"></iframe>'
        for name, path in paths
    )
    return f'<!doctype html><html lang="ru"><meta charset="utf-8"><title>Сайт школы</title><body><h1>Сайт ГБОУ лицей № 590</h1>{frames}</body></html>'


@contextmanager
def _school_site():
    """A site on 127.0.0.1 (the portal's live server is at localhost): ``site.body`` is its page."""

    class Page(http.server.BaseHTTPRequestHandler):
        body = ""

        def do_GET(self):
            content = Page.body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Page, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_visitor_sees_the_home_page_at_laptop_and_phone_size(demo, visit):
    window = visit()
    page = window.go(reverse("home"))
    for block in ("Открытые конкурсы", "Публичные презентации", "Новые инновационные площадки", "Последний сборник"):
        assert page.get_by_role("heading", name=block).is_visible(), block
    window.shot("home-laptop")
    # The district chooser sends its form by itself (static/js/portal.js, no inline script).
    district = District.objects.get(slug="krasnoselsky")
    page.select_option("#district-choice", district.slug)
    page.wait_for_url(f"**/?district={district.slug}")
    assert page.locator("#front-district").inner_text() == district.name
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the phone page scrolls sideways ({width}px)"
    window.shot("home-phone")


def test_a_school_site_frames_the_widgets_but_not_the_portal(demo, visit, live_server, csp_violations):
    award = StatusAward.objects.current().select_related("institution").order_by("pk").first()
    campaign = RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED).order_by("-pk").first()
    district = award.institution.district
    widgets = [
        ("Статусы школы", reverse("public:widget_statuses", args=[award.institution_id])),
        ("Реестр района", reverse("public:widget_registry") + f"?district={district.slug}"),
        ("Мероприятия месяца", reverse("public:widget_events") + f"?district={district.slug}"),
        ("Рейтинг", reverse("public:widget_rating", args=[campaign.pk])),
    ]
    assert live_server.url.startswith("http://localhost:"), live_server.url
    window = visit()
    page = window.page
    with _school_site() as (site, address):
        site.body = _school_page(live_server, widgets)
        page.goto(address, wait_until="load")
        _framed(page, live_server, widgets, site, address, window, award, csp_violations)


def _framed(page, live_server, widgets, site, address, window, award, csp_violations):
    frames = {frame.url: frame for frame in page.frames}
    for _name, path in widgets:
        frame = frames.get(live_server.url + path)
        assert frame is not None, (path, list(frames))
        frame.wait_for_load_state()
        assert frame.locator("h1").inner_text(), path
    statuses = frames[live_server.url + widgets[0][1]]
    assert award.status_kind.name in statuses.locator("body").inner_text()
    assert Institution.objects.get(pk=award.institution_id).short_name in statuses.locator("h1").inner_text()
    # Frames below the window are not painted in a full-page screenshot: a window as tall as the page.
    page.set_viewport_size({"width": 1366, "height": 1900})
    window.shot("widgets-on-a-school-site")
    page.set_viewport_size({"width": PHONE["width"], "height": 1900})
    window.shot("widgets-on-a-school-site-phone")
    assert not csp_violations, csp_violations

    # Any other page of the portal refuses to be framed: the browser blocks it and says why.
    site.body = _school_page(live_server, [("Портал", reverse("home"))])
    page.goto(address, wait_until="load")
    page.wait_for_timeout(500)
    blocked = [frame for frame in page.frames if frame.url.startswith(live_server.url)]
    assert not blocked or blocked[0].locator("h1").count() == 0, "the home page was shown inside another site"
    assert any("frame-ancestors" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()
