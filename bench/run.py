"""`make bench`: generate the district if needed, measure everything once, write the results.

    python bench/run.py [--skip load,book,import,pages,rating] [--load-seconds 20]
    python bench/run.py --smoke     # CI: scales 1 and 25, a short load, a small import

Writes bench/results.json (everything) and bench/results.md (the table, each target marked
met or missed). See bench/README.md for what is measured and how to read it.

The smoke (`--smoke`) runs every step of the bench on small data and writes
bench/out/smoke-results.{json,md}; it exits non-zero when a step of the bench breaks (an error,
a page that does not answer 200, a failed request under load), never because of a time.
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
TARGET_IMPORT_S = 5
TARGET_BOOK_RATIO = 1.1
TARGET_BOOK_MB = 600
TARGET_SIGNED_IN_RATIO = 2
TARGET_REGION_MS = 150
TARGET_REGION_KB = 300
# The signed-in key pages of the issue, as bench/pages.py names them (name, role).
SIGNED_IN_KEY_PAGES = [
    ("applications:mine", "coordinator"),
    ("ratings:card", "coordinator"),
    ("publications:article_detail", "coordinator"),
    ("expertise:mine", "expert"),
    ("expertise:review", "expert"),
    ("applications:manage_call", "methodist"),
    ("expertise:results", "methodist"),
    ("expertise:council", "methodist"),
    ("ratings:progress", "methodist"),
    ("publications:collection_dashboard", "editor"),
]
SMOKE_SCALES = ("1", "25")
SMOKE_IMPORT_ROWS = 300
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
        scale: {(p["name"], p["label"], p["role"]): p for p in result.get("pages", [])}
        for scale, result in pages_by_scale.items()
    }
    # The largest district scale measured is the reference (the smoke has no «full»).
    full = keyed.get("full") or keyed.get("25") or {}
    if "full" not in keyed and "25" in keyed:
        keyed["full"] = keyed["25"]
    lines = []
    for key, page in full.items():
        at = {scale: keyed.get(scale, {}).get(key, {}) for scale in {*SCALES, "full"}}
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
        statuses = {at[s].get("status") for s in at if at[s]}
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
                "ratio": at["full"].get("ratio"),
                "kb": round(at["full"]["bytes"] / 1024, 1) if at["full"].get("bytes") is not None else None,
                "region": {k: at["region"].get(k) for k in ("queries", "ms", "bytes")} if at.get("region") else None,
                "name": page["name"],
                "flags": flags,
                "flat": not (grows and counts[2] != counts[1]) and not over,
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
    out.append(
        "Django test client, DEBUG off, median of 5 warm requests. Rows: what the page lists. Ratio: the page's "
        "time at full scale / the trivial page's in the same run (anonymous pages to the anonymous one, "
        "signed-in pages to the signed-in one). KB: the page's HTML at full scale.\n"
    )
    out.append(
        "| page | who | kind | rows | queries | ms | ratio | KB | flags |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    for line in results["pages"]:
        out.append(
            f"| {line['page']} | {line['role']} | {line['kind']} | {fmt(line['rows'])} | {fmt(line['queries'])} "
            f"| {fmt(line['ms'])} | {fmt([line.get('ratio')])} | {fmt([line.get('kb')])} "
            f"| {', '.join(line['flags']) or 'flat'} |"
        )
    load = results.get("load") or {}
    if load.get("pages"):
        out.append(f"\n## Key pages under gunicorn ({load['workers']} workers), {load['users']} connections\n")
        out.append(
            f"Tool: {load['tool']}. Offered {load['rate']} req/s for {load['pages'][0]['steady']['seconds']} s each. "
            "Signed-in pages with the user's session. While each public page is loaded, a coordinator's draft "
            f"application is autosaved through the real view (asked {load.get('writer', {}).get('target_per_second')} "
            f"a second; writer: {json.dumps(load.get('writer', {}), ensure_ascii=False)}).\n"
        )
        out.append(
            "| page | who | unloaded ms | achieved req/s | p50 ms | p95 ms | p99 ms | uncorrected p95 ms | failures "
            "| writes/s meanwhile | capacity req/s |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        )
        for page in load["pages"]:
            s = page["steady"]
            out.append(
                f"| {page['page']} | {page['role']} | {page['unloaded_ms']} | {s['achieved_rps']} | {s['p50_ms']} "
                f"| {s['p95_ms']} | {s['p99_ms']} | {s['raw_p95_ms']} | {s['failures']} "
                f"| {page.get('writes_per_second') if page.get('writes_per_second') is not None else '–'} "
                f"| {page['capacity_rps']} |"
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
    pages = results["pages"]
    missed = [p["page"] for p in pages if not p["flat"]]
    lines.append(
        {
            "target": f"every page ≤ {QUERY_LIMIT} queries and flat in rows",
            "measured": f"{len(pages) - len(missed)} of {len(pages)} pages"
            + (f"; missed: {', '.join(missed)}" if missed else ""),
            "met": not missed and bool(pages),
        }
    )
    by_key = {(p["name"], p["role"]): p for p in pages}
    for name, role in SIGNED_IN_KEY_PAGES:
        page = by_key.get((name, role))
        ratio = page.get("ratio") if page else None
        lines.append(
            {
                "target": f"{name} ({role}) ≤ {TARGET_SIGNED_IN_RATIO}× the signed-in trivial page",
                "measured": f"{ratio}× ({page['ms'][2]} ms)" if ratio is not None else "not measured",
                "met": ratio is not None and ratio <= TARGET_SIGNED_IN_RATIO,
            }
        )
    region = [p for p in pages if p.get("region")]
    slow = [
        p["page"]
        for p in region
        if (p["region"].get("ms") or 1e9) >= TARGET_REGION_MS
        or (p["region"].get("bytes") or 1e12) >= TARGET_REGION_KB * 1024
    ]
    lines.append(
        {
            "target": f"region scale: every page < {TARGET_REGION_MS} ms and < {TARGET_REGION_KB} KB",
            "measured": (f"{len(region) - len(slow)} of {len(region)} pages" + (f"; missed: {', '.join(slow)}" if slow else ""))
            if region
            else "not measured (no region scale in this run)",
            "met": bool(region) and not slow,
        }
    )  # fmt: skip
    for page in (results.get("load") or {}).get("pages", []):
        s = page["steady"]
        ok = s["achieved_rps"] >= TARGET_RPS * 0.97 and s["p95_ms"] is not None and s["p95_ms"] < TARGET_P95_MS
        during = " while a draft is autosaved" if page.get("writes_per_second") is not None else ""
        lines.append(
            {
                "target": f"{page['page']}{during}: ≥ {TARGET_RPS} req/s, p95 < {TARGET_P95_MS} ms",
                "measured": f"{s['achieved_rps']} req/s, p95 {s['p95_ms']} ms (capacity {page['capacity_rps']} req/s"
                + (f", {page['writes_per_second']} writes/s)" if during else ")"),
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
        rows = result.get("rows", "10k")
        lines.append({"target": f"{rows}-row XLSX import, {name.split('-')[1]} ≤ {TARGET_IMPORT_S} s", "measured": measured,
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
    memory = ops.get("worker-memory", {})
    if memory:
        limit = memory.get("max_memory_per_child_kb")
        lines.append(
            {
                "target": "Celery worker memory bounded (CELERY_WORKER_MAX_MEMORY_PER_CHILD)",
                "measured": f"{limit} KB per child ({round(limit / 1024)} MB): a child past it is replaced after its task; "
                f"the book build peaks at {build.get('peak_rss_mb', '–')} MB"
                if limit
                else "not set: a worker keeps what its largest task took",
                "met": bool(limit),
            }
        )
    return lines


def broken(results):
    """What of the bench itself failed (the smoke's verdict; times are never judged here)."""
    problems = []
    for scale, result in results.get("pages_raw", {}).items():
        if "error" in result:
            problems.append(f"pages at scale {scale}: {result['error'][-500:]}")
        for page in result.get("pages", []):
            if str(page.get("error", "")).startswith("no object to show"):
                continue  # that scale has nothing for the page (e.g. no council held at 1 row)
            if page.get("status") != 200:
                problems.append(
                    f"{page['name']} ({page['role']}) at scale {scale}: {page.get('status') or page.get('error')}"
                )
    for name, result in results["operations"].items():
        if "error" in result:
            problems.append(f"{name}: {result['error'][-500:]}")
    load = results.get("load")
    if load is not None:
        if "error" in load:
            problems.append(f"load: {load['error'][-500:]}")
        for page in load.get("pages", []):
            if page["steady"]["failures"] or not page["steady"]["requests"]:
                problems.append(
                    f"load {page['page']}: {page['steady']['failures']} failed of {page['steady']['requests']}"
                )
        writer = load.get("writer") or {}
        if writer.get("target_per_second") and (writer.get("failed") or not writer.get("saved")):
            problems.append(f"load writer: {writer}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip", default="", help="comma-separated: pages, load, rating, import, book")
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="CI: small scales, short load, small import")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    scales = SMOKE_SCALES if args.smoke else tuple(SCALES)
    ops_scale = "25" if args.smoke else "full"
    if args.smoke:
        os.environ["BENCH_IMPORT_ROWS"] = str(SMOKE_IMPORT_ROWS)
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
    for scale in scales:
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
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=portal_env(ops_scale), check=True
    )
    pages_by_scale = {}
    if "pages" not in skip:
        for scale in scales:
            log(f"pages at scale {scale}")
            repeat = ["--repeat", "1"] if args.smoke else []
            pages_by_scale[scale] = step([str(BENCH / "pages.py"), "--scale", scale, *repeat], scale=scale)
        results["pages"] = page_rows(pages_by_scale)
        results["pages_raw"] = pages_by_scale
    operations = []
    if "rating" not in skip:
        operations += ["rating", "rating-sync"]
    if "import" not in skip:
        operations += ["import-file", "import-preview", "import-commit"]
    if "book" not in skip:
        operations += ["book-raw", "book-build"]
    operations.append("worker-memory")
    for name in operations:
        log(f"operation {name}")
        timeout = IMPORT_CAP_S if name.startswith("import-") and name != "import-file" else 900
        # The smoke's book is scale 1's (one article): the steps run, WeasyPrint is not timed on 25 articles.
        scale = "1" if args.smoke and name.startswith("book-") else ops_scale
        results["operations"][name] = step(
            [str(BENCH / "tasks.py"), name, "--scale", scale], scale=scale, timeout=timeout
        )
    if "load" not in skip:
        log("key pages under gunicorn + locust" + (" (smoke: two pages)" if args.smoke else ""))
        load = ["--seconds", str(args.load_seconds)]
        if args.smoke:
            load = ["--seconds", "2", "--probe-seconds", "0", "--smoke", "--scale", ops_scale]
        results["load"] = step([str(BENCH / "load.py"), *load], scale=ops_scale, timeout=900)
    results["meta"]["load_after"] = load_average()
    results["meta"]["minutes"] = round((datetime.now() - started).total_seconds() / 60, 1)
    results["targets"] = targets(results)
    stem = OUT / "smoke-results" if args.smoke else BENCH / "results"
    stem.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    stem.with_suffix(".md").write_text(markdown(results))
    log(f"done in {results['meta']['minutes']} min: {stem.with_suffix('.md').relative_to(ROOT)}")
    print(markdown(results))
    if args.smoke:
        problems = broken(results)
        if problems:
            sys.exit("The bench is broken:\n- " + "\n- ".join(problems))
        log("smoke: every step of the bench ran")


if __name__ == "__main__":
    main()
