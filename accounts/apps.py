from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Districts, institutions and users")

    def ready(self):
        from innovation_portal import caching, due

        due.autodiscover()
        caching.install()  # public pages cached for visitors follow every write (innovation_portal/caching.py)
