"""`make bench`: generate the district if needed, measure everything once, write the results.

    python bench/run.py [--skip load,book,import,pages,rating] [--load-seconds 20]

Writes bench/results.json (everything) and bench/results.md (the table, each target marked
met or missed). See bench/README.md for what is measured and how to read it.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, OUT, PYTHON, ROOT, SCALES, base_database_url, portal_env

QUERY_LIMIT = 12
TARGET_RPS = 150
TARGET_P95_MS = 200
TARGET_RATING_S = 1
TARGET_IMPORT_S = 10
TARGET_BOOK_RATIO = 1.3
TARGET_BOOK_MB = 600
IMPORT_CAP_S = int(os.environ.get("BENCH_IMPORT_CAP", "90"))


def log(message):
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def step(args, *, scale="full", timeout=900, env=None):
    """Run `python bench/<args>` in its own process; its BENCH-RESULT line, or an error."""
    command = [PYTHON, *args]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env or portal_env(scale),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout} s", "timed_out_after": timeout}
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            result = json.loads(line.removeprefix("BENCH-RESULT "))
            result["wall_seconds"] = round(time.monotonic() - started, 1)
            return result
    return {"error": (done.stderr or done.stdout)[-2000:]}


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def mark(ok):
    return "met" if ok else "**missed**"


# --- the table -------------------------------------------------------------------------------


def page_rows(pages_by_scale):
    """One line per page with its queries and time at each scale, and its flags."""
    keyed = {
        scale: {(p["name"], p["label"]): p for p in result.get("pages", [])} for scale, result in pages_by_scale.items()
    }
    full = keyed.get("full", {})
    lines = []
    for key, page in full.items():
        at = {scale: keyed.get(scale, {}).get(key, {}) for scale in SCALES}
        counts = [at[s].get("queries") for s in ("1", "25", "full")]
        known = [c for c in counts if c is not None]
        grows = len(known) > 1 and (
            (counts[2] is not None and counts[1] is not None and counts[2] > counts[1])
            or (counts[1] is not None and counts[0] is not None and counts[1] > counts[0])
        )
        over = any(c > QUERY_LIMIT for c in known)
        flags = []
        if grows:
            flags.append("grows with rows" if counts[2] != counts[1] else "differs at 1 row")
        if over:
            flags.append(f"> {QUERY_LIMIT} queries")
        statuses = {at[s].get("status") for s in SCALES if at[s]}
        if statuses - {200}:
            flags.append(f"status {sorted(s for s in statuses if s)}")
        target = page["kind"] == "list"
        lines.append(
            {
                "page": page["name"] + (f" ({page['label']})" if page["label"] else ""),
                "role": page["role"],
                "kind": page["kind"],
                "rows": [at[s].get("rows") for s in ("1", "25", "full")],
                "queries": counts,
                "ms": [at[s].get("ms") for s in ("1", "25", "full")],
                "flags": flags,
                "target": (not (grows and counts[2] != counts[1]) and not over) if target else None,
            }
        )
    return lines


def fmt(values):
    return " / ".join("–" if v is None else str(v) for v in values)


def markdown(results):
    out = []
    meta = results["meta"]
    out.append("# Benchmark results\n")
    out.append(
        f"Run {meta['started']} on {meta['machine']} ({meta['cpus']} CPUs), database {meta['database']}. "
        f"Load average before / after: {meta['load_before']} / {meta['load_after']} — the machine is shared, "
        "so the times are noisy; query counts are exact.\n"
    )
    out.append("## Targets\n")
    out.append("| target | measured | result |\n| --- | --- | --- |")
    for line in results["targets"]:
        out.append(f"| {line['target']} | {line['measured']} | {mark(line['met'])} |")
    out.append("\n## Pages: queries and time at 1 / 25 / full-scale rows\n")
    out.append("Django test client, DEBUG off, median of 5 warm requests. Rows: what the page lists.\n")
    out.append("| page | who | kind | rows | queries | ms | flags |\n| --- | --- | --- | --- | --- | --- | --- |")
    for line in results["pages"]:
        out.append(
            f"| {line['page']} | {line['role']} | {line['kind']} | {fmt(line['rows'])} | {fmt(line['queries'])} "
            f"| {fmt(line['ms'])} | {', '.join(line['flags']) or 'flat'} |"
        )
    load = results.get("load") or {}
    if load.get("pages"):
        out.append(f"\n## Key pages under gunicorn ({load['workers']} workers), {load['users']} connections\n")
        out.append(
            f"Tool: {load['tool']}. Offered {load['rate']} req/s for {load['pages'][0]['steady']['seconds']} s each.\n"
        )
        out.append(
            "| page | unloaded ms | achieved req/s | p50 ms | p95 ms | p99 ms | uncorrected p95 ms | failures "
            "| capacity req/s |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        )
        for page in load["pages"]:
            s = page["steady"]
            out.append(
                f"| {page['page']} | {page['unloaded_ms']} | {s['achieved_rps']} | {s['p50_ms']} | {s['p95_ms']} "
                f"| {s['p99_ms']} | {s['raw_p95_ms']} | {s['failures']} | {page['capacity_rps']} |"
            )
    elif load:
        out.append(f"\n## Key pages under gunicorn\n\nNot measured: {load.get('error', 'skipped')}\n")
    out.append("\n## Operations (each in its own process)\n")
    out.append("| operation | seconds | queries | peak RSS MB | notes |\n| --- | --- | --- | --- | --- |")
    for name, result in results["operations"].items():
        notes = {
            k: v for k, v in result.items() if k not in ("step", "seconds", "queries", "peak_rss_mb", "wall_seconds")
        }
        out.append(
            f"| {name} | {result.get('seconds', '–')} | {result.get('queries', '–')} | {result.get('peak_rss_mb', '–')} "
            f"| {json.dumps(notes, ensure_ascii=False)[:300]} |"
        )
    out.append("\n## Generated data\n")
    for scale, marker in results["generated"].items():
        out.append(f"- **{scale}**: {json.dumps(marker.get('counts', marker), ensure_ascii=False)}")
    return "\n".join(out) + "\n"


def targets(results):
    lines = []
    pages = [p for p in results["pages"] if p["kind"] == "list"]
    missed = [p["page"] for p in pages if not p["target"]]
    lines.append(
        {
            "target": f"list pages ≤ {QUERY_LIMIT} queries and flat in rows",
            "measured": f"{len(pages) - len(missed)} of {len(pages)} list pages"
            + (f"; missed: {', '.join(missed)}" if missed else ""),
            "met": not missed and bool(pages),
        }
    )
    for page in (results.get("load") or {}).get("pages", []):
        s = page["steady"]
        ok = s["achieved_rps"] >= TARGET_RPS * 0.97 and s["p95_ms"] is not None and s["p95_ms"] < TARGET_P95_MS
        lines.append(
            {
                "target": f"{page['page']}: ≥ {TARGET_RPS} req/s, p95 < {TARGET_P95_MS} ms",
                "measured": f"{s['achieved_rps']} req/s, p95 {s['p95_ms']} ms (capacity {page['capacity_rps']} req/s)",
                "met": ok,
            }
        )
    ops = results["operations"]
    rating = ops.get("rating", {})
    lines.append(
        {
            "target": f"rating for 300 institutions ≤ {TARGET_RATING_S} s",
            "measured": f"{rating.get('seconds')} s, {rating.get('queries')} queries"
            if "seconds" in rating
            else rating.get("error", "–"),
            "met": rating.get("seconds") is not None and rating["seconds"] <= TARGET_RATING_S,
        }
    )
    for name in ("import-preview", "import-commit"):
        result = ops.get(name, {})
        seconds = result.get("seconds")
        measured = (
            f"{seconds} s, {result.get('queries')} queries"
            if seconds is not None
            else (
                f"> {result['timed_out_after']} s (stopped)"
                if "timed_out_after" in result
                else result.get("error", "–")[:200]
            )
        )
        lines.append({"target": f"10k-row XLSX import, {name.split('-')[1]} ≤ {TARGET_IMPORT_S} s", "measured": measured,
                      "met": seconds is not None and seconds <= TARGET_IMPORT_S})  # fmt: skip
    build, raw = ops.get("book-build", {}), ops.get("book-raw", {})
    if build.get("seconds") and raw.get("seconds"):
        ratio = round(build["seconds"] / raw["seconds"], 2)
        lines.append(
            {
                "target": f"book ≤ {TARGET_BOOK_RATIO}× raw WeasyPrint",
                "measured": f"{build['seconds']} s vs {raw['seconds']} s = {ratio}× ({build.get('pages')} pages)",
                "met": ratio <= TARGET_BOOK_RATIO,
            }
        )
        lines.append(
            {
                "target": f"book build ≤ {TARGET_BOOK_MB} MB",
                "measured": f"{build.get('peak_rss_mb')} MB RSS (raw WeasyPrint {raw.get('peak_rss_mb')} MB)",
                "met": build.get("peak_rss_mb", 1e9) <= TARGET_BOOK_MB,
            }
        )
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip", default="", help="comma-separated: pages, load, rating, import, book")
    parser.add_argument("--load-seconds", type=int, default=20)
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    OUT.mkdir(parents=True, exist_ok=True)
    started = datetime.now()
    results = {
        "meta": {
            "started": started.isoformat(timespec="seconds"),
            "machine": platform.platform(),
            "cpus": os.cpu_count(),
            "database": "PostgreSQL" if base_database_url().startswith("postgres") else "SQLite",
            "load_before": load_average(),
        },
        "generated": {},
        "pages": [],
        "operations": {},
    }
    for scale in SCALES:
        log(f"data at scale {scale}")
        done = subprocess.run(
            [PYTHON, str(BENCH / "generate.py"), "--scale", scale], cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"generating scale {scale} failed:\n{done.stderr[-3000:]}")
        results["generated"][scale] = json.loads(done.stdout)
    log("collectstatic into bench/out/static")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=portal_env("full"), check=True
    )
    pages_by_scale = {}
    if "pages" not in skip:
        for scale in SCALES:
            log(f"pages at scale {scale}")
            pages_by_scale[scale] = step([str(BENCH / "pages.py"), "--scale", scale], scale=scale)
        results["pages"] = page_rows(pages_by_scale)
    operations = []
    if "rating" not in skip:
        operations += ["rating", "rating-sync"]
    if "import" not in skip:
        operations += ["import-file", "import-preview", "import-commit"]
    if "book" not in skip:
        operations += ["book-raw", "book-build"]
    for name in operations:
        log(f"operation {name}")
        timeout = IMPORT_CAP_S if name.startswith("import-") and name != "import-file" else 900
        results["operations"][name] = step([str(BENCH / "tasks.py"), name], timeout=timeout)
    if "load" not in skip:
        log("key pages under gunicorn + locust")
        results["load"] = step([str(BENCH / "load.py"), "--seconds", str(args.load_seconds)], timeout=900)
    results["meta"]["load_after"] = load_average()
    results["meta"]["minutes"] = round((datetime.now() - started).total_seconds() / 60, 1)
    results["targets"] = targets(results)
    (BENCH / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    (BENCH / "results.md").write_text(markdown(results))
    log(f"done in {results['meta']['minutes']} min: bench/results.md")
    print(markdown(results))


if __name__ == "__main__":
    main()
