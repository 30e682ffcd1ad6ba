"""Extract translatable strings into each app's own Russian catalogue, and the project's.

Each app keeps `<app>/locale/ru/LC_MESSAGES/django.po`, so people working on different apps
never edit the same catalogue. Django's makemessages works on the current directory, so we
set Django up once from the project root and then run it inside each app folder.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovation_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402

# The portal's own apps: the installed ones that live in this repository (each keeps a catalogue).
APPS = [config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT]

# `scripts/makemessages.py plans` refreshes one app's catalogue only (and not the project's),
# so people working on different apps do not rewrite each other's catalogues.
only = sys.argv[1:]
options = {"locale": ["ru"], "no_location": True, "no_obsolete": True, "verbosity": 0}
for app in only or APPS:
    (ROOT / app / "locale").mkdir(exist_ok=True)
    os.chdir(ROOT / app)
    call_command("makemessages", **options)
os.chdir(ROOT)
if only:
    sys.exit(0)
call_command(
    "makemessages",
    ignore_patterns=[f"{app}/*" for app in APPS] + [".venv/*", "tests/*", "bench/*", "staticfiles/*", "scripts/*"],
    **options,
)
