from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Expertise")

    def ready(self):
        from applications.signals import back_to_council
        from innovation_portal import navigation

        from . import services

        back_to_council.connect(services.answer_back_to_council, dispatch_uid="expertise.back_on_agenda")
        from innovation_portal.navigation import NavEntry

        navigation.register(
            NavEntry(_("Expertise"), "expertise:index", permission="expertise.enter", order=30),
            NavEntry(_("Councils"), "expertise:councils", permission="expertise.view_lists", order=31),
        )
