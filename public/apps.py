from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public face: the visitors' home page, institutions' pages and the embeddable widgets."""

    name = "public"
    label = "public"
    verbose_name = _("Public pages")
