from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        navigation.register(NavEntry(_("Reports"), "reports:dashboard", permission="reports.view_reports", order=60))
