"""Every page a coordinator, an expert or a visitor uses fits a phone and a laptop.

Coordinators and experts open the portal on phones (390×844) as often as on a school laptop
(1366×768). On each of their pages, at both sizes: the page never scrolls sideways (a wide
table scrolls inside its own box or becomes stacked cards), and on the phone every field is
wide enough to type in. The expert reaches the scores from the first screen. A full-page
screenshot of every page at both sizes goes to tests/output/screenshots/ (CI keeps that
folder as an artefact): look at them, the checks cannot see a page that fits but looks wrong.

The pages only read the demo, so the module shares one committed demo, one live server, one
browser and one login per role (`demo_committed_for_module`); every page is then one
navigation per size.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test.utils import modify_settings
from django.urls import reverse
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from accounts.demo import DEMO_PASSWORD
from applications.models import Application
from expertise.models import Assignment
from plans.models import Plan
from publications.models import Article, Collection
from ratings.models import RatingCampaign, RatingCard, RatingResult
from tests.journeys.conftest import SCREENSHOTS

# Each check runs in a transaction rolled back after it (`django_db`), on the demo committed
# once for the module; the logins happen before the first check, so they are kept.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
NARROWEST_FIELD = 100  # px: below this a phone user cannot see what they type
LYCEUM = "ГБОУ лицей № 590"  # the demo coordinator's school
ROLES = {"visitor": None, "coordinator": "coordinator@demo.local", "expert": "expert@demo.local"}


def _campaign_with_results():
    return RatingCampaign.objects.filter(results__isnull=False).distinct().order_by("-pk").first()


def _lyceum_application(state):
    return Application.objects.filter(institution__short_name=LYCEUM, state=state).order_by("pk").first()


def _expert_assignment(state):
    return Assignment.objects.filter(expert__email=ROLES["expert"], state=state).order_by("pk").first()


def _lyceum_article(state):
    return Article.objects.filter(institution__short_name=LYCEUM, state=state).order_by("pk").first()


def _public_plan():
    return Plan.objects.order_by("-pk").first()


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: Callable[[], str]

    @property
    def id(self):
        return f"{self.role}-{self.name}"


def _url(name, *args):
    return lambda: reverse(name, args=[arg() if callable(arg) else arg for arg in args])


def _pk(lookup):
    return lambda: lookup().pk


PUBLIC = [
    ("home", _url("home")),
    ("login", _url("login")),
    ("plans", _url("plans:list")),
    ("plan", _url("plans:detail", _pk(_public_plan))),
    ("plans-this-month", _url("plans:this_month")),
    ("plans-calendar", _url("plans:calendar")),
    ("registry", _url("applications:registry")),
    ("ratings", _url("ratings:index")),
    ("rating", _url("ratings:results", _pk(_campaign_with_results))),
    (
        "rating-institution",
        lambda: reverse(
            "ratings:institution_results",
            args=[
                (campaign := _campaign_with_results()).pk,
                RatingResult.objects.filter(campaign=campaign).order_by("rank", "pk").first().institution_id,
            ],
        ),
    ),
    ("collections", _url("publications:index")),
    (
        "collection",
        _url("publications:collection_public", _pk(lambda: Collection.objects.filter(status="published").first())),
    ),
]

PAGES = [
    *(Page("visitor", name, url) for name, url in PUBLIC),
    Page("visitor", "password-reset", _url("password_reset")),
    Page("coordinator", "home", _url("home")),
    Page("coordinator", "calls", _url("applications:calls")),
    Page("coordinator", "call", _url("applications:call", _pk(lambda: _lyceum_application("returned").call))),
    Page("coordinator", "my-applications", _url("applications:mine")),
    Page("coordinator", "application", _url("applications:detail", _pk(lambda: _lyceum_application("returned")))),
    # The returned application has every table filled; the draft shows the empty ones.
    Page(
        "coordinator", "editor-tables-filled", _url("applications:edit", _pk(lambda: _lyceum_application("returned")))
    ),
    Page("coordinator", "editor-empty", _url("applications:edit", _pk(lambda: _lyceum_application("draft")))),
    Page(
        "coordinator",
        "rating-card",
        _url(
            "ratings:card",
            _pk(lambda: RatingCard.objects.filter(institution__short_name=LYCEUM).order_by("-campaign__pk").first()),
        ),
    ),
    Page(
        "coordinator",
        "rating-card-verified",
        _url(
            "ratings:card",
            _pk(lambda: RatingCard.objects.filter(institution__short_name=LYCEUM, state="verified").first()),
        ),
    ),
    Page(
        "coordinator",
        "interviews",
        _url("ratings:interviews", _pk(lambda: RatingCampaign.objects.order_by("-pk").first())),
    ),
    Page("coordinator", "my-articles", _url("publications:my_articles")),
    Page(
        "coordinator",
        "article",
        _url("publications:article_detail", _pk(lambda: _lyceum_article("revisions_requested"))),
    ),
    Page("coordinator", "article-editor", _url("publications:article_edit", _pk(lambda: _lyceum_article("draft")))),
    Page("coordinator", "article-upload", _url("publications:article_upload", _pk(lambda: _lyceum_article("draft")))),
    Page(
        "coordinator",
        "article-new",
        _url("publications:article_create", _pk(lambda: Collection.objects.filter(status="call_open").first())),
    ),
    Page("coordinator", "notifications", _url("notifications:list")),
    Page("coordinator", "profile", _url("accounts:profile")),
    Page("coordinator", "password-change", _url("password_change")),
    Page("coordinator", "exports", _url("exports:list")),
    Page("coordinator", "registry", _url("applications:registry")),
    Page("coordinator", "presentations", _url("expertise:my_presentations")),
    Page("expert", "home", _url("home")),
    Page("expert", "my-expertise", _url("expertise:mine")),
    Page("expert", "score-form", _url("expertise:review", _pk(lambda: _expert_assignment("accepted")))),
    Page("expert", "review-submitted", _url("expertise:review", _pk(lambda: _expert_assignment("completed")))),
    Page("expert", "decline", _url("expertise:decline", _pk(lambda: _expert_assignment("accepted")))),
    Page("expert", "notifications", _url("notifications:list")),
]


class Portal:
    """The live portal with one logged-in browser window per role, reused by every check."""

    def __init__(self, browser, base):
        self.base = base
        self.windows = {role: self._window(browser, email) for role, email in ROLES.items()}

    def _window(self, browser, email):
        context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
        context.set_default_timeout(20_000)
        window = context.new_page()
        if email:
            window.goto(self.base + reverse("login"))
            window.fill("input[name=username]", email)
            window.fill("input[name=password]", DEMO_PASSWORD)
            window.click("form button[type=submit]")
            window.wait_for_load_state()
            assert reverse("login") not in window.url, f"{email} could not log in"
        return window

    def open(self, page_spec, viewport):
        window = self.windows[page_spec.role]
        window.set_viewport_size(VIEWPORTS[viewport])
        path = page_spec.url()
        response = window.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        return window

    def close(self):
        for window in self.windows.values():
            window.context.close()


@pytest.fixture(scope="module")
def portal(browser, demo_committed_for_module):
    # Its own live server: pytest-django's `live_server` would make every check a
    # transactional test, emptying the database and logging everybody out after each page.
    server = LiveServer("localhost")
    try:
        with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
            portal = Portal(browser, server.url)
            yield portal
            portal.close()
    finally:
        server.stop()


def _screenshot(window, page_spec, viewport):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9_-]+", "-", f"small_screens-{page_spec.id}-{viewport}".lower())
    window.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# What sticks out of the window, outermost first (elements inside a box that scrolls are fine).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== 'visible') { clipped = true; break; }
    }
    if (!clipped) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} → ${Math.round(box.right)}px`);
  }
  return out.slice(0, 5);
}"""

NARROW_FIELDS = """(narrowest) => [...document.querySelectorAll('input, textarea, select')]
  .filter(el => !['hidden', 'checkbox', 'radio', 'submit', 'button', 'image', 'range', 'color'].includes(el.type))
  .filter(el => el.checkVisibility() && el.getBoundingClientRect().width < narrowest)
  .map(el => `${el.name || el.id}: ${Math.round(el.getBoundingClientRect().width)}px`)"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page_spec", PAGES, ids=[page.id for page in PAGES])
def test_page_fits_the_screen(portal, page_spec, viewport):
    window = portal.open(page_spec, viewport)
    _screenshot(window, page_spec, viewport)
    # The page cannot pass by hiding what does not fit.
    hidden = window.evaluate(
        "[document.documentElement, document.body].map(el => getComputedStyle(el).overflowX)"
        ".filter(o => o === 'hidden' || o === 'clip')"
    )
    assert not hidden, "the page hides its horizontal overflow"
    scroll_width, inner_width = window.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"{page_spec.id} is {scroll_width}px wide at {inner_width}px: {window.evaluate(STICKING_OUT)}"
    )
    narrow = window.evaluate(NARROW_FIELDS, NARROWEST_FIELD)
    assert not narrow, f"fields too narrow to type in: {narrow}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_expert_reaches_the_scores_from_the_first_screen(portal, viewport):
    """On a laptop the scores stand beside the application; on a phone a bar at the top jumps to them."""
    window = portal.open(next(p for p in PAGES if p.id == "expert-score-form"), viewport)
    first_score = window.locator("#review-form input[type=radio]").first
    if viewport == "laptop":
        expect(first_score).to_be_in_viewport(ratio=1)
        expect(window.get_by_role("link", name="К оценкам")).to_be_hidden()
        return
    expect(first_score).not_to_be_in_viewport()  # the application comes first, as on paper
    to_scores = window.get_by_role("link", name="К оценкам")
    expect(to_scores).to_be_in_viewport(ratio=1)
    to_scores.click()
    expect(first_score).to_be_in_viewport(ratio=1)
    # The bar stays at the top: reading the application again is one tap away.
    to_application = window.get_by_role("link", name="К заявке")
    expect(to_application).to_be_in_viewport(ratio=1)
    to_application.click()
    expect(window.locator(".application-document h2").first).to_be_in_viewport(ratio=1)
    expect(first_score).not_to_be_in_viewport()
