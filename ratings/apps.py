from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Innovation activity rating")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        navigation.register(NavEntry(_("Rating"), "ratings:index", order=40))
