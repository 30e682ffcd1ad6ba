from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and mail")

    def ready(self):
        from . import reminders, tasks, unread  # noqa: F401 - registers the tasks, which notify() queues by name

        unread.connect()

        # Each app's reminders.py registers its deadlines (the engine cannot import them: they sit above it).
        reminders.autodiscover()
