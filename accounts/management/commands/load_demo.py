import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts import demo as accounts_demo

# Each app may add its own demo data in `<app>/demo.py` with `load(context)`; they run in
# this order because later apps build on earlier ones (applications need calls, reviews
# need applications, the rating reads the registry and the collections).
DEMO_APPS = ["plans", "applications", "expertise", "publications", "ratings"]


class Command(BaseCommand):
    help = "Load demo data for every role (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        # The demo's story sends letters (an application returned, an article accepted…).
        # They stay in the portal as notifications but are not mailed to made-up addresses,
        # nor printed over the logins on the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            context = accounts_demo.load()
            for app in DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is None:
                    continue
                module = importlib.import_module(f"{app}.demo")
                module.load(context)
                self.stdout.write(f"  demo data: {app}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Logins (password for all: {accounts_demo.DEMO_PASSWORD}):")
        )
        for role, user in context["logins"]:
            self.stdout.write(f"  {user.email:<28} {role}")
