"""Settings of the real Celery worker that the fault tests start and kill (see test_worker_killed.py).

The test suite's settings, with the worker consuming for real, letters written to files the
test can count, and a short stale window so a build left «running» by a killed worker is taken
over within the test's patience instead of after 35 minutes.
"""

import os

from innovation_portal.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["FAULTS_MAIL_DIR"]
BOOK_BUILD_STALE_SECONDS = 2
