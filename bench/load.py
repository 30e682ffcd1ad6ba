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
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, OUT, ROOT, emit, portal_env, setup_django

VENV_BIN = Path(sys.executable).parent
KEY_PAGES = [
    # (label, role, how to find the URL)
    ("public plan page", "anonymous", "plan"),
    ("registry", "anonymous", "registry"),
    ("published rating", "anonymous", "rating"),
    ("collection page", "anonymous", "collection"),
    ("coordinator's applications", "coordinator", "mine"),
    ("methodist's call page", "methodist", "call"),
]


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
        "call": _reverse("applications:manage_call", ctx.managed_call.pk),
    }
    cookies = {"anonymous": ""}
    for role in ("coordinator", "methodist"):
        client = Client()
        client.force_login(ctx.users[role])
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
    return urls, cookies


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
    args = parser.parse_args()
    setup_django("full")
    urls, cookies = targets()
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
        env=portal_env("full"),
        stdout=subprocess.DEVNULL,
        stderr=open(OUT / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
        start_new_session=True,
    )
    results = []
    try:
        wait_ready(base)
        for label, role, key in KEY_PAGES:
            path, cookie = urls[key], cookies[role]
            warm(base, path, cookie)
            single = sequential_ms(base, path, cookie)
            steady = run_locust(
                base, path, cookie, rate=args.rate, users=args.users, seconds=args.seconds, prefix=OUT / f"locust-{key}"
            )
            probe = run_locust(
                base,
                path,
                cookie,
                rate=args.rate * 4,
                users=args.users,
                seconds=args.probe_seconds,
                prefix=OUT / f"locust-{key}-probe",
            )
            results.append(
                {
                    "page": label,
                    "role": role,
                    "url": path,
                    "unloaded_ms": single,
                    "steady": steady,
                    "capacity_rps": probe["achieved_rps"],
                }
            )
    finally:
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
            "pages": results,
        }
    )


if __name__ == "__main__":
    main()
