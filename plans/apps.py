from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans of events")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        from . import tasks  # noqa: F401 - registers the tasks, which services queue by name

        navigation.register(
            NavEntry(_("Plans of events"), "plans:list", order=10),
            NavEntry(_("Events to mark"), "plans:own_events", permission="plans.view_own_events", order=11),
        )
