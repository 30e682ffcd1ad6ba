"""Queries and time of every list page and the main detail pages, on one scale's database.

    python bench/pages.py --scale full|25|1

Uses Django's test client against the generated database with production settings (DEBUG
off). Each page is requested once to warm up, then `REPEAT` times; the answer gives the
query count of the last request, the median time, and how many rows the page lists.
"""

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import emit, setup_django

REPEAT = 5


@dataclass
class Page:
    name: str  # URL name
    role: str  # who asks: anonymous, coordinator, methodist, expert, editor, district_office
    url: callable  # (ctx) -> path
    rows: callable  # (ctx) -> how many rows the page lists
    kind: str = "list"  # list or detail
    label: str = ""


class Context:
    """The objects the pages are about, found the same way at every scale."""

    def __init__(self):
        from django.db.models import Count, Q
        from django.utils import timezone

        from accounts.models import District, User
        from applications.models import Application, Call
        from bench.generate import BENCH_USERS
        from plans.models import Plan
        from publications.models import Article, Collection
        from ratings.models import RatingCampaign, RatingCard

        self.users = {role: User.objects.get(email=email) for role, email in BENCH_USERS.items()}
        self.district = District.objects.get(slug="bench")
        coordinator = self.users["coordinator"]
        self.institution = coordinator.roles.get(role="coordinator").institution
        self.plan = Plan.objects.annotate(n=Count("items")).order_by("-n", "-period_start", "pk").first()
        busy_month = self.plan.items.exclude(starts_on=None).order_by("starts_on").values_list("starts_on", flat=True)
        self.month = (busy_month.first() or timezone.localdate()).strftime("%Y-%m")
        handed_in = Count("applications", filter=~Q(applications__state=Application.State.DRAFT))
        self.managed_call = Call.objects.annotate(n=handed_in).order_by("-n", "-closes_at", "pk").first()
        self.open_call = Call.objects.order_by("-closes_at", "pk").first()
        self.application = (
            Application.objects.filter(institution=self.institution).order_by("-call__closes_at", "pk").first()
        )
        self.campaign = RatingCampaign.objects.order_by("-academic_year").first()
        self.published_campaign = (
            RatingCampaign.objects.filter(status=RatingCampaign.Status.PUBLISHED).order_by("-academic_year").first()
        )
        self.card = RatingCard.objects.get(campaign=self.campaign, institution=self.institution)
        self.busy_card = (
            RatingCard.objects.filter(campaign=self.campaign).annotate(n=Count("entries")).order_by("-n", "pk").first()
        )
        self.collection = Collection.objects.annotate(n=Count("articles")).order_by("status", "-n", "pk").first()
        self.published_collection = (
            Collection.objects.filter(status=Collection.Status.PUBLISHED).order_by("-published_at").first()
        )
        self.article = Article.objects.filter(institution=self.institution).order_by("pk").first()
        self.expertise = _expertise_context(self)


def _expertise_context(ctx):
    try:
        from expertise.models import Assignment, CouncilMeeting
    except ImportError:
        return None
    return {
        "assignment": Assignment.objects.filter(expert=ctx.users["expert"]).order_by("pk").first(),
        "meeting": CouncilMeeting.objects.filter(status=CouncilMeeting.Status.APPLIED).order_by("-date").first(),
        "held_meeting": CouncilMeeting.objects.exclude(status=CouncilMeeting.Status.APPLIED).order_by("-date").first(),
    }


def _reverse(name, *args, query=""):
    from django.urls import reverse

    return reverse(name, args=args) + (f"?{query}" if query else "")


def pages():
    from applications.models import Application, Call, StatusAward
    from plans.models import Plan, PlanItem
    from publications.models import Article, Collection
    from ratings.models import RatingCampaign, RatingCard, RatingEntry, RatingResult

    def count(queryset):
        return lambda ctx: queryset(ctx).count()

    listed = [
        # --- the floor every page is compared with (bench/urls.py): the layout and nothing else
        Page("bench-trivial", "anonymous", lambda c: _reverse("bench-trivial"), lambda c: None, "detail"),
        Page(
            "bench-trivial", "coordinator", lambda c: _reverse("bench-trivial"), lambda c: None, "detail", "signed in"
        ),
        # --- accounts / home
        Page("home", "coordinator", lambda c: _reverse("home"), lambda c: None, "detail", "coordinator"),
        Page("home", "methodist", lambda c: _reverse("home"), lambda c: None, "detail", "methodist"),
        Page("notifications:list", "coordinator", lambda c: _reverse("notifications:list"), lambda c: None),
        Page("exports:list", "methodist", lambda c: _reverse("exports:list"), lambda c: None),
        # --- plans
        Page("plans:list", "anonymous", lambda c: _reverse("plans:list"), count(lambda c: Plan.objects.all())),
        Page(
            "plans:detail",
            "anonymous",
            lambda c: _reverse("plans:detail", c.plan.pk),
            count(lambda c: c.plan.items.all()),
        ),
        # The back office's page of the longest plan (issue 14: 73 inline items took 3.2 s and 2.2 MB)
        # and the list of its items it links to.
        Page(
            "admin:plans_plan_change",
            "methodist",
            lambda c: _reverse("admin:plans_plan_change", c.plan.pk),
            count(lambda c: c.plan.items.all()),
            "detail",
        ),
        Page(
            "admin:plans_planitem_changelist",
            "methodist",
            lambda c: _reverse("admin:plans_planitem_changelist", query=f"plan__id__exact={c.plan.pk}"),
            lambda c: min(c.plan.items.count(), 50),
        ),
        Page(
            "plans:this_month",
            "anonymous",
            lambda c: _reverse("plans:this_month", query=f"month={c.month}"),
            count(lambda c: PlanItem.objects.filter(month_rows__month=c.month + "-01")),
        ),
        Page(
            "plans:calendar",
            "anonymous",
            lambda c: _reverse("plans:calendar", query=f"month={c.month}"),
            count(lambda c: PlanItem.objects.filter(month_rows__month=c.month + "-01")),
        ),
        Page(
            "plans:execution",
            "methodist",
            lambda c: _reverse("plans:execution", c.plan.pk),
            count(lambda c: c.plan.items.all()),
        ),
        # --- competitions
        Page(
            "applications:calls",
            "coordinator",
            lambda c: _reverse("applications:calls"),
            count(lambda c: Call.objects.all()),
        ),
        Page(
            "applications:call",
            "coordinator",
            lambda c: _reverse("applications:call", c.open_call.pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "applications:mine",
            "coordinator",
            lambda c: _reverse("applications:mine"),
            count(lambda c: Application.objects.filter(institution=c.institution)),
        ),
        Page(
            "applications:detail",
            "coordinator",
            lambda c: _reverse("applications:detail", c.application.pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "applications:manage_calls",
            "methodist",
            lambda c: _reverse("applications:manage_calls"),
            count(lambda c: Call.objects.all()),
        ),
        Page(
            "applications:manage_call",
            "methodist",
            lambda c: _reverse("applications:manage_call", c.managed_call.pk),
            count(lambda c: c.managed_call.applications.exclude(state=Application.State.DRAFT)),
        ),
        Page(
            "applications:extensions",
            "methodist",
            lambda c: _reverse("applications:extensions", c.managed_call.pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "applications:registry",
            "anonymous",
            lambda c: _reverse("applications:registry"),
            count(lambda c: StatusAward.objects.current()),
        ),
        # --- ratings
        Page(
            "ratings:index",
            "anonymous",
            lambda c: _reverse("ratings:index"),
            count(lambda c: RatingCampaign.objects.all()),
        ),
        Page(
            "ratings:index",
            "coordinator",
            lambda c: _reverse("ratings:index"),
            count(lambda c: RatingCampaign.objects.all()),
            label="coordinator",
        ),
        Page(
            "ratings:results",
            "anonymous",
            lambda c: _reverse("ratings:results", c.published_campaign.pk),
            count(lambda c: RatingResult.objects.filter(campaign=c.published_campaign)),
        ),
        Page(
            "ratings:institution_results",
            "anonymous",
            lambda c: _reverse("ratings:institution_results", c.published_campaign.pk, c.institution.pk),
            count(lambda c: RatingResult.objects.filter(campaign=c.published_campaign)),
            "detail",
        ),
        Page(
            "ratings:progress",
            "methodist",
            lambda c: _reverse("ratings:progress", c.campaign.pk),
            count(lambda c: RatingCard.objects.filter(campaign=c.campaign)),
        ),
        Page(
            "ratings:card",
            "coordinator",
            lambda c: _reverse("ratings:card", c.card.pk),
            count(lambda c: RatingEntry.objects.filter(card=c.card)),
            "detail",
        ),
        Page(
            "ratings:verify",
            "methodist",
            lambda c: _reverse("ratings:verify", c.busy_card.pk),
            count(lambda c: RatingEntry.objects.filter(card=c.busy_card)),
            "detail",
        ),
        Page(
            "ratings:interviews", "methodist", lambda c: _reverse("ratings:interviews", c.campaign.pk), lambda c: None
        ),
        # --- publications
        Page(
            "publications:index",
            "anonymous",
            lambda c: _reverse("publications:index"),
            count(lambda c: Collection.objects.filter(status=Collection.Status.PUBLISHED)),
        ),
        Page(
            "publications:collection_public",
            "anonymous",
            lambda c: _reverse("publications:collection_public", c.published_collection.pk),
            count(lambda c: c.published_collection.articles.all()),
        ),
        Page(
            "publications:my_articles",
            "coordinator",
            lambda c: _reverse("publications:my_articles"),
            count(lambda c: Article.objects.filter(institution=c.institution)),
        ),
        Page(
            "publications:article_detail",
            "coordinator",
            lambda c: _reverse("publications:article_detail", c.article.pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "publications:desk",
            "editor",
            lambda c: _reverse("publications:desk"),
            count(lambda c: Collection.objects.all()),
        ),
        Page(
            "publications:collection_dashboard",
            "editor",
            lambda c: _reverse("publications:collection_dashboard", c.collection.pk),
            count(lambda c: c.collection.articles.all()),
        ),
        Page("publications:book", "editor", lambda c: _reverse("publications:book", c.collection.pk), lambda c: None),
    ]
    return listed + expertise_pages()


def expertise_pages():
    try:
        from expertise.models import AgendaItem, Assignment, CouncilMeeting
    except ImportError:
        return []
    from applications.models import Application

    def count(queryset):
        return lambda ctx: queryset(ctx).count()

    return [
        Page(
            "expertise:mine",
            "expert",
            lambda c: _reverse("expertise:mine"),
            count(lambda c: Assignment.objects.filter(expert=c.users["expert"])),
        ),
        Page(
            "expertise:review",
            "expert",
            lambda c: _reverse("expertise:review", c.expertise["assignment"].pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "expertise:my_presentations",
            "coordinator",
            lambda c: _reverse("expertise:my_presentations"),
            lambda c: None,
        ),
        Page(
            "expertise:calls",
            "methodist",
            lambda c: _reverse("expertise:calls"),
            count(lambda c: c.managed_call.__class__.objects.all()),
        ),
        Page(
            "expertise:call",
            "methodist",
            lambda c: _reverse("expertise:call", c.managed_call.pk),
            count(lambda c: c.managed_call.applications.exclude(state=Application.State.DRAFT)),
        ),
        Page(
            "expertise:results",
            "methodist",
            lambda c: _reverse("expertise:results", c.managed_call.pk),
            count(lambda c: c.managed_call.applications.exclude(state=Application.State.DRAFT)),
        ),
        Page(
            "expertise:presentations",
            "methodist",
            lambda c: _reverse("expertise:presentations", c.managed_call.pk),
            lambda c: None,
        ),
        Page(
            "expertise:application",
            "methodist",
            lambda c: _reverse("expertise:application", c.expertise["assignment"].application_id),
            lambda c: None,
            "detail",
        ),
        Page(
            "expertise:councils",
            "methodist",
            lambda c: _reverse("expertise:councils"),
            count(lambda c: CouncilMeeting.objects.all()),
        ),
        Page(
            "expertise:council",
            "methodist",
            lambda c: _reverse("expertise:council", c.expertise["meeting"].pk),
            count(lambda c: AgendaItem.objects.filter(meeting=c.expertise["meeting"])),
        ),
        # The meeting still being decided: every agenda row is a form (issue 17: 6 queries a row).
        Page(
            "expertise:council",
            "methodist",
            lambda c: _reverse("expertise:council", c.expertise["held_meeting"].pk),
            count(lambda c: AgendaItem.objects.filter(meeting=c.expertise["held_meeting"])),
            label="being decided",
        ),
        Page(
            "admin:expertise_councilmeeting_change",
            "methodist",
            lambda c: _reverse("admin:expertise_councilmeeting_change", c.expertise["held_meeting"].pk),
            count(lambda c: AgendaItem.objects.filter(meeting=c.expertise["held_meeting"])),
            "detail",
        ),
        # Back-office forms whose choices grow with the district (autocompletes, issue 17).
        Page(
            "admin:plans_planitem_change",
            "methodist",
            lambda c: _reverse("admin:plans_planitem_change", c.plan.items.order_by("pk")[0].pk),
            lambda c: None,
            "detail",
        ),
        Page(
            "admin:publications_collection_change",
            "methodist",
            lambda c: _reverse("admin:publications_collection_change", c.collection.pk),
            lambda c: None,
            "detail",
        ),
    ]


def measure(page, ctx, clients, repeat=REPEAT):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        url = page.url(ctx)
    except AttributeError as error:  # an object this scale does not have
        return {"status": None, "error": f"no object to show: {error}"}
    client = clients[page.role]
    client.get(url)  # warm-up: templates, translations, connection
    times, cpu, queries, status = [], [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        queries, status = len(captured.captured_queries), response.status_code
    return {
        "url": url,
        "status": status,
        "queries": queries,
        "ms": round(statistics.median(times) * 1000, 1),
        # This process's own CPU time (the database server's is not in it): steadier than the wall
        # clock on a machine shared with other work.
        "cpu_ms": round(statistics.median(cpu) * 1000, 1),
        "bytes": len(response.content),
        "rows": page.rows(ctx),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="full")
    parser.add_argument("--only", default="", help="comma-separated URL names")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="warm requests per page (the median is kept)")
    args = parser.parse_args()
    setup_django(args.scale)
    from django.conf import settings
    from django.test import Client

    settings.ROOT_URLCONF = "bench.urls"  # the portal's URLs and the trivial page

    ctx = Context()
    clients = {"anonymous": Client()}
    for role, user in ctx.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    only = set(filter(None, args.only.split(",")))
    results = []
    floor = {}  # the trivial page's time, anonymous and signed in: every page's ratio is to its own
    for page in pages():
        if only and page.name not in only | {"bench-trivial"}:  # the floor is always measured
            continue
        result = {"name": page.name, "label": page.label, "role": page.role, "kind": page.kind}
        result.update(measure(page, ctx, clients, args.repeat))
        signed_in = page.role != "anonymous"
        if page.name == "bench-trivial":
            floor[signed_in] = result.get("ms")
        if floor.get(signed_in) and result.get("ms") is not None:
            result["ratio"] = round(result["ms"] / floor[signed_in], 1)
        results.append(result)
    emit({"scale": args.scale, "pages": results})


if __name__ == "__main__":
    main()
