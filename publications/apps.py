from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Collections of articles")

    def ready(self):
        from innovation_portal import navigation
        from innovation_portal.navigation import NavEntry

        from . import tasks  # noqa: F401 - registers the tasks, which services queue by name

        navigation.register(
            NavEntry(_("Collections"), "publications:index", order=50),
            NavEntry(_("My articles"), "publications:my_articles", permission="publications.write_articles", order=51),
            NavEntry(_("Editorial desk"), "publications:desk", permission="publications.use_desk", order=52),
        )
