"""What every benchmark step shares: where the data lives, the scales, Django set-up, measuring.

Each step runs in its own process (`python bench/<step>.py …`) so that the database it talks
to is chosen before Django starts and its peak memory (RSS) is its own.
"""

import hashlib
import json
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PYTHON = sys.executable
SECRET_KEY = "bench-only-secret-key-for-loopback-measurements-0123456789abcdef"
PASSWORD = "bench12345"


@dataclass(frozen=True)
class Scale:
    """How much of everything: the district at full scale, or every list at 1 or 25 rows."""

    name: str
    institutions: int
    years: int
    calls_per_year: int
    applications_per_call: int
    reviews_per_application: int
    experts: int
    plans: int
    items_per_plan: int
    collections: int
    articles_per_collection: int

    @classmethod
    def rows(cls, n):
        """Every list the pages show holds about `n` rows (the query counts must not change)."""
        return cls(
            name=str(n),
            institutions=n,
            years=min(5, n),
            calls_per_year=min(6, n),
            applications_per_call=n,
            reviews_per_application=min(3, n),
            experts=n,
            plans=min(10, n),
            items_per_plan=n,
            collections=min(3, n),
            articles_per_collection=n,
        )


# The district: 300 institutions, 5 years, 6 calls a year of 40 applications with 3
# reviews each, 10 plans of 150 items, a rating a year (14 indicators), 3 collections of 60.
FULL = Scale(
    name="full",
    institutions=300,
    years=5,
    calls_per_year=6,
    applications_per_call=40,
    reviews_per_application=3,
    experts=60,
    plans=10,
    items_per_plan=150,
    collections=3,
    articles_per_collection=60,
)
SCALES = {"1": Scale.rows(1), "25": Scale.rows(25), "full": FULL}


def database_url(scale_name):
    """The scale's own database: a SQLite file under bench/out, or a PostgreSQL database per scale."""
    base = base_database_url()
    if not base:
        return f"sqlite:///{OUT / f'bench-{scale_name}.sqlite3'}"
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "innovation_bench"
    if scale_name != "full":
        name = f"{name}_{scale_name}"
    return urlunsplit(parts._replace(path="/" + name))


def base_database_url():
    """DATABASE_URL as `make bench` was given it (children carry it on as BENCH_DATABASE_URL)."""
    return os.environ.get("BENCH_DATABASE_URL", os.environ.get("DATABASE_URL", ""))


def is_postgres():
    return base_database_url().startswith(("postgres://", "postgresql://"))


def portal_env(scale_name, **extra):
    """Environment of a production-like portal process (DEBUG off) on the scale's database."""
    env = dict(os.environ)
    env.update(
        {
            "BENCH_DATABASE_URL": base_database_url(),
            "DATABASE_URL": database_url(scale_name),
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Plain http on loopback: no redirect to https, cookies usable without TLS.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(OUT / "static"),
            "MEDIA_ROOT": str(OUT / "media"),
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def setup_django(scale_name):
    """Point this process at the scale's database (production-like settings) and start Django."""
    os.environ.update(portal_env(scale_name))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_portal.settings")
    import django

    django.setup()


def schema_fingerprint():
    """Changes whenever a migration changes: generated data older than the models is regenerated."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/[0-9]*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update((BENCH / "generate.py").read_bytes())
    return digest.hexdigest()[:16]


def marker_path(scale_name):
    suffix = "pg" if is_postgres() else "sqlite"
    return OUT / f"generated-{scale_name}-{suffix}.json"


def peak_rss_mb():
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(result):
    """A step's answer: one JSON line on stdout, read by run.py."""
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def scale_dict(scale):
    return asdict(scale)
