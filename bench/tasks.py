"""The heavy operations, one per process so each peak memory (RSS) is its own.

    python bench/tasks.py rating | rating-sync | import-preview | import-commit | book-build | book-raw

All run on the full-scale database. The rating and the import leave it as they found it
(the import is rolled back; computing a rating replaces its own snapshot).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, Timer, emit, peak_rss_mb, setup_django

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))


class _queries:
    """Counts every query (Django's own capture keeps only the last 9,000)."""

    def __enter__(self):
        from django.db import connection

        self.captured_queries = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.captured_queries.append(None)
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def _current_campaign():
    from ratings.models import RatingCampaign

    return RatingCampaign.objects.order_by("-academic_year").first()


def rating():
    """ratings.services.compute for every institution of the district."""
    from ratings import services

    campaign = _current_campaign()
    with _queries() as captured, Timer() as timer:
        results = services.compute(campaign)
    return {"institutions": len(results), "seconds": timer.seconds, "queries": len(captured.captured_queries)}


def rating_sync():
    """The automatic indicators refreshed from the portal (statuses, talks, articles, experts)."""
    from django.db import transaction

    from ratings import services

    campaign = _current_campaign()
    with transaction.atomic():
        with _queries() as captured, Timer() as timer:
            created = services.sync_automatic_entries(campaign)
        transaction.set_rollback(True)
    return {"entries": created, "seconds": timer.seconds, "queries": len(captured.captured_queries)}


def import_file():
    """A 10,000-row XLSX of plan items, as a methodist would fill it (made once, kept in bench/out)."""
    path = OUT / f"plan-items-{IMPORT_ROWS}.xlsx"
    if path.exists():
        return path
    import tablib

    from accounts.models import Institution
    from bench.generate import SECTIONS, TIMEFRAMES
    from bench.text import Words
    from plans.resources import PlanItemResource

    headers = PlanItemResource().get_export_headers()
    hosts = list(Institution.objects.values_list("short_name", flat=True)[:300])
    words = Words(11)
    dataset = tablib.Dataset(headers=headers)
    per_section = IMPORT_ROWS // len(SECTIONS)
    for k in range(IMPORT_ROWS):
        s = k // per_section + 1
        values = {
            "Section": f"{s}. {SECTIONS[s - 1]}",
            "Number": f"{s}.{k % per_section + 1}.",
            "Event": f"Семинар «{words.sentence()[:150]}»",
            "Timeframe": TIMEFRAMES[k % len(TIMEFRAMES)],
            "Target audience": "заместители директоров по УВР, педагоги",
            "Organizers": "ОО, ИМЦ",
            "Responsible": "Методистова А. С.",
            "Expected result": words.sentence(),
            "Host institution": hosts[k % len(hosts)] if k % 5 == 0 else "",
            "How the timeframe was read": "",
        }
        dataset.append([values.get(h, "") for h in _english(headers)])
    path.write_bytes(dataset.export("xlsx"))
    return path


def _english(headers):
    """The resource's headers are Russian; map them back to the English names used above."""
    from django.utils import translation

    from plans.resources import PlanItemResource

    with translation.override("en"):
        english = PlanItemResource().get_export_headers()
    return english if len(english) == len(headers) else headers


def _import(dry_run):
    """What the admin's import does: read the upload, then import_data (dry run = the preview)."""
    from django.db import transaction

    from accounts.models import User
    from innovation_portal.importing import SafeXLSX
    from plans.models import Plan
    from plans.resources import PlanItemResource

    content = import_file().read_bytes()
    source = Plan.objects.order_by("-period_start").first()
    user = User.objects.get(email="methodist@bench.example.org")  # the boundary check runs as in the admin
    with transaction.atomic():
        plan = Plan.objects.create(
            district=source.district,
            title="План для проверки импорта",
            period_label=source.period_label,
            period_start=source.period_start,
            period_end=source.period_end,
        )
        with _queries() as captured, Timer() as timer:
            # As the back office reads it: checked, then parsed in the limited child process.
            dataset = SafeXLSX().create_dataset(content)
            result = PlanItemResource(plan=plan).import_data(dataset, dry_run=dry_run, raise_errors=False, user=user)
        created = plan.items.count()
        transaction.set_rollback(True)  # leave the benchmark database as it was
    return {
        "rows": len(dataset),
        "errors": result.has_errors() or result.has_validation_errors(),
        "new_rows": result.totals.get("new", 0),
        "items_saved": created,
        "seconds": timer.seconds,
        "queries": len(captured.captured_queries),
    }


def _book_collection():
    from django.db.models import Count, Q

    from publications.models import Article, Collection

    accepted = Count("articles", filter=Q(articles__state=Article.State.ACCEPTED))
    return Collection.objects.annotate(n=accepted).order_by("-n", "status", "pk").first()


def book_build():
    """The editor's «build the book»: publications.services.run_build (layout, PDF, per-article PDFs)."""
    from publications import services
    from publications.models import BookBuild

    collection = _book_collection()
    version = (collection.builds.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    build = BookBuild.objects.create(collection=collection, version=version)
    with Timer() as timer:
        services.run_build(build.pk)
    build.refresh_from_db()
    return {
        "state": build.state,
        "message": build.message,
        "pages": build.page_count,
        "articles": collection.articles.count(),
        "seconds": timer.seconds,
    }


def book_raw():
    """WeasyPrint alone on the same HTML (the HTML itself is made before the clock starts)."""
    from django.conf import settings
    from weasyprint import HTML

    from publications import book

    collection = _book_collection()
    html = book.book_html(collection)
    with Timer() as timer:
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
        pdf = document.write_pdf()
    return {"pages": len(document.pages), "bytes": len(pdf), "html_chars": len(html), "seconds": timer.seconds}


def worker_memory():
    """The Celery worker's bound: a child past this resident size is replaced after its task."""
    from django.conf import settings

    return {"max_memory_per_child_kb": getattr(settings, "CELERY_WORKER_MAX_MEMORY_PER_CHILD", None)}


STEPS = {
    "worker-memory": worker_memory,
    "rating": rating,
    "rating-sync": rating_sync,
    "import-preview": lambda: _import(dry_run=True),
    "import-commit": lambda: _import(dry_run=False),
    "import-file": lambda: {"path": str(import_file())},
    "book-build": book_build,
    "book-raw": book_raw,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--scale", default="full", help="the database to run on (the CI smoke uses 1 and 25)")
    args = parser.parse_args()
    setup_django(args.scale)
    result = STEPS[args.step]()
    if "seconds" in result:
        result["seconds"] = round(result["seconds"], 2)
    result["peak_rss_mb"] = peak_rss_mb()
    emit({"step": args.step, **result})


if __name__ == "__main__":
    main()
