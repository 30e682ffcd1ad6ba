"""Settings for the test suite: the real settings with test-only defaults.

The environment still decides the database and the broker, so `make test` runs on
PostgreSQL when DATABASE_URL is set and on SQLite otherwise.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .settings import *  # noqa: F403
from .settings import STORAGES

# Tests exercise tasks in-process; the worker tests start their own worker explicitly,
# against Redis when a broker is configured (CI) and in memory otherwise.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"  # noqa: F405
CELERY_RESULT_BACKEND = CELERY_RESULT_BACKEND or "cache+memory://"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]  # one process: locmem is shared
# Tests log in many times from one address; keep the lockout but count per test.
AXES_FAILURE_LIMIT = 5
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Sessions in the database in every test run, with or without Redis: query-count tests count
# the session read the same way on SQLite and on PostgreSQL+Redis (production with Redis reads
# it from the cache, one query fewer per signed-in page).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Likewise the signed-in user and roles are read from the database in every test run (their own tests
# switch the cache on: tests/accounts/test_signed_in.py).
SIGNED_IN_CACHE = False
