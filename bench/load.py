"""Throughput and latency of the key pages under gunicorn, loaded by locust over loopback.

    python bench/load.py [--seconds 20] [--rate 150] [--users 50] [--workers 3]

Serves the full-scale database with gunicorn (DEBUG off, static files by whitenoise from
bench/out/static), then for each key page runs locust headless for a bounded time: first at
a constant arrival rate of `--rate` requests a second from `--users` connections (latency
corrected for coordinated omission, see locustfile.py), then a short probe offered far more
than the server can do, whose achieved rate is the page's capacity. Everything binds to
127.0.0.1, and gunicorn is stopped at the end whatever happens.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, OUT, ROOT, emit, portal_env, setup_django

VENV_BIN = Path(sys.executable).parent
KEY_PAGES = [
    # (label, role, how to find the URL). Public pages are loaded while a draft is autosaved.
    ("public plan page", "anonymous", "plan"),
    ("registry", "anonymous", "registry"),
    ("published rating", "anonymous", "rating"),
    ("collection page", "anonymous", "collection"),
    ("coordinator's applications", "coordinator", "mine"),
    ("coordinator's rating card", "coordinator", "card"),
    ("coordinator's article", "coordinator", "article"),
    ("expert's list", "expert", "expert_list"),
    ("expert's review", "expert", "review"),
    ("methodist's call page", "methodist", "call"),
    ("methodist's expertise results", "methodist", "results"),
    ("methodist's council", "methodist", "council"),
    ("methodist's rating progress", "methodist", "progress"),
    ("editor's collection", "editor", "dashboard"),
]
# --smoke: one public page (with the writer) and one signed-in page, briefly.
SMOKE_PAGES = ("registry", "mine")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def targets():
    """URLs of the key pages and session cookies of the users who read them."""
    from django.test import Client

    from bench.pages import Context, _reverse

    ctx = Context()
    urls = {
        "plan": _reverse("plans:detail", ctx.plan.pk),
        "registry": _reverse("applications:registry"),
        "rating": _reverse("ratings:results", ctx.published_campaign.pk),
        "collection": _reverse("publications:collection_public", ctx.published_collection.pk),
        "mine": _reverse("applications:mine"),
        "card": _reverse("ratings:card", ctx.card.pk),
        "article": _reverse("publications:article_detail", ctx.article.pk),
        "expert_list": _reverse("expertise:mine"),
        "review": _page_url("expertise:review", "expert", ctx),
        "call": _reverse("applications:manage_call", ctx.managed_call.pk),
        "results": _page_url("expertise:results", "methodist", ctx),
        "council": _page_url("expertise:council", "methodist", ctx),
        "progress": _page_url("ratings:progress", "methodist", ctx),
        "dashboard": _page_url("publications:collection_dashboard", "editor", ctx),
    }
    cookies = {"anonymous": ""}
    for role in ("coordinator", "methodist", "expert", "editor"):
        client = Client()
        client.force_login(ctx.users[role])
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    return urls, cookies


def _page_url(name, role, ctx):
    """The URL bench/pages.py reads for that page (its first entry of that name and role)."""
    from bench.pages import pages

    return next(p for p in pages() if p.name == name and p.role == role).url(ctx)


class _FormFields(HTMLParser):
    """The values a browser would post from a page's forms (inputs, text areas, selects)."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append([name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in attrs):
            self._select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.fields.append([self._select[0], self._select[1] or ""])
            self._select = None


class DraftWriter(threading.Thread):
    """Autosaves a draft application `per_second` times a second through the real view, as its coordinator.

    What a coordinator's open editor does in the background: the page's own fields posted to
    `applications:autosave` (the portal's view, its service and every SQL write with it), each
    time with another «relevance» text. Runs in this process (the test client, same database and
    Redis as gunicorn), so the public cache sees the writes as it would see any coordinator's.
    """

    def __init__(self, per_second):
        super().__init__(daemon=True)
        self.per_second = per_second
        self.saved = self.failed = 0
        self.running = threading.Event()
        self.stopped = threading.Event()
        self.error = None
        self.prepare()

    def prepare(self):
        from django.test import Client

        from accounts.models import RoleAssignment, User
        from applications.models import Application

        drafts = Application.objects.filter(state__in=Application.EDITABLE).order_by("-call__closes_at", "pk")
        for draft in drafts[:20]:
            coordinator = User.objects.filter(
                roles__role=RoleAssignment.Role.COORDINATOR, roles__institution=draft.institution_id
            ).first()
            if coordinator is None:
                continue
            self.client = Client()
            self.client.force_login(coordinator)
            page = self.client.get(_reverse_lazy("applications:edit", draft.pk))
            if page.status_code != 200:
                continue
            parser = _FormFields()
            parser.feed(page.content.decode())
            self.fields = [(n, v) for n, v in parser.fields if n != "csrfmiddlewaretoken"]
            self.url = _reverse_lazy("applications:autosave", draft.pk)
            if self.save_once():
                self.draft = draft.pk
                return
        self.url = None
        self.error = "no draft application a coordinator can edit"

    def save_once(self):
        n = self.saved + self.failed
        data = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        data["relevance"] = [f"Актуальность проекта, черновик {n}: " + "развитие инновационной практики. " * 5]
        response = self.client.post(self.url, data)
        ok = response.status_code == 200 and response.json().get("saved")
        if ok:
            self.saved += 1
            revision = response.json().get("revision")
            if revision is not None:
                self.fields = [(k, str(revision) if k == "revision" else v) for k, v in self.fields]
        else:
            self.failed += 1
            self.error = f"autosave answered {response.status_code}: {response.content[:200]!r}"
        return ok

    def run(self):
        from django.db import connection

        interval = 1 / self.per_second
        next_at = time.perf_counter()
        try:
            while not self.stopped.is_set():
                if not self.running.wait(0.2):
                    next_at = time.perf_counter()
                    continue
                self.save_once()
                next_at += interval
                time.sleep(max(0.0, next_at - time.perf_counter()))
        finally:
            connection.close()

    def counted(self, work):
        """Run `work()` while writing; the writes a second achieved during it."""
        before, start = self.saved, time.perf_counter()
        self.running.set()
        try:
            result = work()
        finally:
            self.running.clear()
        return result, round((self.saved - before) / (time.perf_counter() - start), 1)


def _reverse_lazy(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def wait_ready(base, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/plans/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def warm(base, path, cookie, times=12):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    for _ in range(times):
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def sequential_ms(base, path, cookie, times=10):
    """Median time of one request at a time: what a page costs before any queueing."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        spent.append(time.perf_counter() - start)
    return round(sorted(spent)[len(spent) // 2] * 1000, 1)


# All users are started within this many seconds.
SPAWN_SECONDS = 1


def run_locust(base, path, cookie, *, rate, users, seconds, prefix):
    env = dict(os.environ)
    env.update({"BENCH_PATH": path, "BENCH_COOKIE": cookie, "BENCH_RATE": str(rate), "BENCH_USERS": str(users)})
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users / SPAWN_SECONDS),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "ERROR",
        "--exit-code-on-error",
        "0",
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=seconds + 60)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}

    def number(row, key):
        return float(row[key]) if row.get(key) not in (None, "", "N/A") else None

    raw, corrected = rows.get("raw", {}), rows.get("corrected", {})
    count = int(raw.get("Request Count", 0) or 0)
    return {
        "offered_rps": rate,
        "seconds": seconds,
        "requests": count,
        "failures": int(raw.get("Failure Count", 0) or 0),
        # Users start evenly over the first SPAWN_SECONDS, so on average each offers load for
        # `seconds - SPAWN_SECONDS / 2`; dividing by the full run would count that start-up
        # as the server's slowness.
        "achieved_rps": round(count / (seconds - SPAWN_SECONDS / 2), 1),
        "p50_ms": number(corrected, "50%"),
        "p95_ms": number(corrected, "95%"),
        "p99_ms": number(corrected, "99%"),
        "raw_p50_ms": number(raw, "50%"),
        "raw_p95_ms": number(raw, "95%"),
        "raw_p99_ms": number(raw, "99%"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--probe-seconds", type=int, default=8)
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--writes", type=float, default=5, help="draft autosaves a second during the public pages")
    parser.add_argument("--scale", default="full")
    parser.add_argument("--smoke", action="store_true", help="two pages only (the CI smoke)")
    args = parser.parse_args()
    setup_django(args.scale)
    urls, cookies = targets()
    writer = DraftWriter(args.writes) if args.writes else None
    if writer and writer.url:
        writer.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "innovation_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=portal_env(args.scale),
        stdout=subprocess.DEVNULL,
        stderr=open(OUT / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
        start_new_session=True,
    )
    results = []
    try:
        wait_ready(base)
        for label, role, key in KEY_PAGES:
            if args.smoke and key not in SMOKE_PAGES:
                continue
            path, cookie = urls[key], cookies[role]
            warm(base, path, cookie)
            single = sequential_ms(base, path, cookie)

            def steady_run(path=path, cookie=cookie, key=key):
                return run_locust(
                    base, path, cookie, rate=args.rate, users=args.users, seconds=args.seconds,
                    prefix=OUT / f"locust-{key}",
                )  # fmt: skip

            writes = None
            if role == "anonymous" and writer and writer.url:
                steady, writes = writer.counted(steady_run)
            else:
                steady = steady_run()
            probe = (
                {"achieved_rps": None}
                if not args.probe_seconds
                else run_locust(
                    base,
                    path,
                    cookie,
                    rate=args.rate * 4,
                    users=args.users,
                    seconds=args.probe_seconds,
                    prefix=OUT / f"locust-{key}-probe",
                )
            )
            results.append(
                {
                    "page": label,
                    "role": role,
                    "url": path,
                    "unloaded_ms": single,
                    "steady": steady,
                    "writes_per_second": writes,
                    "capacity_rps": probe["achieved_rps"],
                }
            )
    finally:
        if writer:
            writer.stopped.set()
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
            gunicorn.wait()
    emit(
        {
            "tool": "locust (constant arrival rate, latency corrected from the intended send time)",
            "workers": args.workers,
            "users": args.users,
            "rate": args.rate,
            "writer": {
                "target_per_second": args.writes,
                "saved": writer.saved if writer else 0,
                "failed": writer.failed if writer else 0,
                "error": writer.error if writer else "not asked",
            },
            "pages": results,
        }
    )


if __name__ == "__main__":
    main()
