from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Expertise")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        navigation.register(
            NavEntry(_("Expertise"), "expertise:index", permission="expertise.enter", order=30),
            NavEntry(_("Councils"), "expertise:councils", permission="expertise.view_lists", order=31),
        )
