"""The unread count on every signed-in page's bell, from the cache rather than a query per page.

Every page a signed-in user opens shows how many notifications they have not read; counting
them was one of the four queries of a signed-in page's floor. The count is kept in the cache
per user and forgotten whenever one of their notifications is created, changed or deleted
(model signals: ``notify()`` creates with ``create()``) or marked read in bulk (the list page
calls ``forget``; any other ``QuerySet.update`` of ``read_at`` must too). ``TIMEOUT`` bounds how
long a count could be off if a write bypassed both: a bulk write by hand, outside the portal.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

TIMEOUT = 300
_KEY = "portal:unread:{}"


def count_for(user):
    """How many of the user's notifications are unread (a cache hit, or one indexed COUNT)."""
    key = _KEY.format(user.pk)
    count = cache.get(key)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
        cache.set(key, count, TIMEOUT)
    return count


def forget(user_id):
    """The user's count changed: read it again on their next page (and again after the commit,
    so that a page rendered while the write was still open does not keep the old count)."""
    key = _KEY.format(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _changed(sender, instance, **kwargs):
    forget(instance.user_id)


def connect():
    from .models import Notification

    post_save.connect(_changed, sender=Notification, dispatch_uid="unread-count-saved")
    post_delete.connect(_changed, sender=Notification, dispatch_uid="unread-count-deleted")


def unread_notifications(request):
    """Context processor: the bell's count, for signed-in users."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": count_for(request.user)}
