from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read API of the public data (/api/): published plans, the registry, ratings, collections, calls."""

    name = "api"
    label = "api"
    verbose_name = _("Read API")
