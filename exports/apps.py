from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Background files")

    def ready(self):
        from . import registry, tasks  # noqa: F401 - registers the tasks, which services queue by name

        # Each app's exports.py registers its files (the registry cannot import them: they sit above it).
        registry.autodiscover()
