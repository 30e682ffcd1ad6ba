"""The main menu, assembled from what each app registers in its AppConfig.ready().

An entry is shown to a user who has its permission (a django-rules name), so the menu
follows the roles without templates knowing about them.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str | None = None  # None: everyone, including anonymous visitors
    order: int = 100


_entries: list[NavEntry] = []


def register(*entries):
    for entry in entries:
        if entry not in _entries:
            _entries.append(entry)


def entries_for(user):
    visible = [e for e in _entries if e.permission is None or user.has_perm(e.permission)]
    return [
        {"label": e.label, "url": reverse(e.url_name), "url_name": e.url_name}
        for e in sorted(visible, key=lambda e: e.order)
    ]
