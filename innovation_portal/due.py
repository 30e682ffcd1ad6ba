"""«What is due for me»: the list on every user's home page.

Each app contributes a provider in its ``due.py`` (autodiscovered at start-up), a function
``(user) -> iterable of DueItem``. Providers must query in bulk: the home page calls every
one of them for every user.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import autodiscover_modules

_providers = []


@dataclass(frozen=True)
class DueItem:
    title: str
    url: str
    due: datetime | date | None = None
    note: str = ""
    category: str = ""

    @property
    def sort_key(self):
        if self.due is None:
            return datetime.max.replace(tzinfo=timezone.get_current_timezone())
        if isinstance(self.due, datetime):
            return timezone.localtime(self.due)
        return datetime.combine(self.due, datetime.min.time(), tzinfo=timezone.get_current_timezone())

    @property
    def due_text(self):
        """«28 апреля, 18:00» (the time when the deadline has one; the year when it is not this year's)."""
        if self.due is None:
            return ""
        local = self.sort_key
        text = date_format(local, "j E" if local.year == timezone.localdate().year else "j E Y")
        if isinstance(self.due, datetime):
            text = f"{text}, {date_format(local, 'H:i')}"
        return text

    @property
    def overdue(self):
        return self.due is not None and self.sort_key < timezone.localtime()


def provider(func):
    """Register a function returning the DueItems of a user."""
    if func not in _providers:
        _providers.append(func)
    return func


def autodiscover():
    autodiscover_modules("due")


def items_for(user):
    items = [item for func in _providers for item in func(user)]
    return sorted(items, key=lambda item: item.sort_key)
