"""Journeys through the portal in a real browser: Playwright driving Debian's Chromium.

The portal is served by pytest-django's `live_server` (a real HTTP server in a thread, on a
transactional test database), the demo data is there for every journey, and screenshots
of the key pages go to tests/output/screenshots/ (kept by CI as artefacts, never committed).

The Content-Security-Policy is on (settings.CONTENT_SECURITY_POLICY) and every journey fails
on a violation: every browser context, also those a module opens itself, is watched on three
channels (the page's `securitypolicyviolation` events, Chromium's console messages about the
policy, and the reports the portal logs at /csp-report/), and each test ends by asserting none.
"""

import logging
import os
import re
from pathlib import Path

import pytest

from accounts.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"


# Runs in every document before its own scripts (Playwright's init scripts are not subject to the policy).
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__portalCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI || "inline",
    source: `${event.sourceFile}:${event.lineNumber}`,
    sample: event.sample,
    page: event.documentURI,
  });
});
"""

# Everything the watchers saw during the current test (cleared when each test starts).
VIOLATIONS = []


class _ReportedViolations(logging.Handler):
    """The reports the live server logged at /csp-report/ (innovation_portal.csp)."""

    def emit(self, record):
        VIOLATIONS.append(f"reported to the portal: {record.getMessage()}")


def _watch(context):
    """Record every policy violation of `context`'s pages in VIOLATIONS."""
    context.expose_binding(
        "__portalCspViolation", lambda source, details: VIOLATIONS.append(f"securitypolicyviolation: {details}")
    )
    context.add_init_script(VIOLATION_LISTENER)

    def console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            VIOLATIONS.append(f"console on {message.page.url if message.page else '?'}: {message.text}")

    context.on("console", console)
    return context


class WatchedBrowser:
    """The browser, with every context it opens watched for policy violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        return _watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        page = context.new_page()
        page.on("close", lambda _page: context.close())
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


def _flush(request):
    """Module-scoped windows stay open: a round trip to each delivers what their pages sent before it."""
    from playwright.sync_api import Error as PlaywrightError

    if "browser" not in request.fixturenames:
        return
    for context in request.getfixturevalue("browser").contexts:
        for page in context.pages:
            if not page.is_closed():
                try:
                    page.evaluate("0")
                except PlaywrightError:  # the page is between two documents: nothing to flush
                    pass


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Fails the journey on any Content-Security-Policy violation; a test that provokes one on
    purpose asks for this list and empties it."""
    VIOLATIONS.clear()
    handler = _ReportedViolations(level=logging.WARNING)
    logger = logging.getLogger("innovation_portal.csp")
    logger.addHandler(handler)
    try:
        yield VIOLATIONS
        _flush(request)
    finally:
        logger.removeHandler(handler)
    found = list(VIOLATIONS)
    VIOLATIONS.clear()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's journeys, every context of it watched for policy violations.

    Playwright's synchronous API keeps an event loop in this thread while it runs, and Django
    refuses ORM calls from a thread with a running loop. The journeys' ORM calls between
    browser steps are ordinary synchronous code, so the guard is lifted while the browser is
    open, and only then (module scope: later tests get the guard back).
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            )
            yield WatchedBrowser(browser)
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(demo_committed):
    """The demo district with a user for every role (password `demo12345`).

    Loaded once per session and written into each journey's database (tests/conftest.py),
    the demo's own letters left out of `mail.outbox`.
    """
    return demo_committed


class Visit:
    """One person's browser window on the live portal."""

    def __init__(self, browser, live_server, journey, counter):
        self.context = browser.new_context(
            locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": 1366, "height": 900}, accept_downloads=True
        )
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.journey = journey
        self.counter = counter

    def go(self, path):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
        return self.page

    def login(self, email):
        page = self.go("/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{email} could not log in"
        return page

    def shot(self, name, page=None):
        """A full-page screenshot (of `page`, another tab, or the window's own) named by the journey and step."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.counter[0] += 1
        safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
        path = SCREENSHOTS / f"{self.journey}-{self.counter[0]:02d}-{safe}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def shot_counter():
    """Screenshots of one module are numbered in the order taken, across its journeys."""
    return [0]


@pytest.fixture
def visit(browser, live_server, request, shot_counter):
    """Open a browser window: `visit("coordinator@demo.local")` logs that person in."""
    opened = []
    journey = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")

    def _open(email=None):
        window = Visit(browser, live_server, journey, shot_counter)
        opened.append(window)
        if email:
            window.login(email)
        return window

    yield _open
    for window in opened:
        window.close()
