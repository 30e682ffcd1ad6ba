from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Competitions and applications")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        navigation.register(
            NavEntry(_("Competitions"), "applications:calls", permission="applications.apply", order=20),
            NavEntry(
                _("Calls and applications"),
                "applications:manage_calls",
                permission="applications.view_call_lists",
                order=21,
            ),
            NavEntry(_("Registry of sites"), "applications:registry", order=22),
        )
