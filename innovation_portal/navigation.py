"""The main menu, assembled from what each app registers in its AppConfig.ready().

An entry is shown to a user who has its permission (a django-rules name), so the menu
follows the roles without templates knowing about them.
"""

from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language


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
    _menus.clear()


# Built menus, by who asks (see _audience) and language: every page has a menu, and the
# permission checks and reverse() of ten entries were a third of a signed-in page's floor.
_menus = {}


def _audience(user):
    """What a menu entry's permission may depend on: the menu's permissions are about roles only
    (django-rules predicates without an object, e.g. «is a coordinator»), never about records."""
    if not user.is_authenticated:
        return ("anonymous",)
    roles = frozenset(a.role for a in user.role_assignments)
    return (user.is_active, user.is_superuser, user.is_staff, roles)


def entries_for(user):
    key = (_audience(user), get_language(), get_script_prefix())
    menu = _menus.get(key)
    if menu is None:
        visible = [e for e in _entries if e.permission is None or user.has_perm(e.permission)]
        menu = tuple(
            {"label": str(e.label), "url": reverse(e.url_name), "url_name": e.url_name}
            for e in sorted(visible, key=lambda e: e.order)
        )
        if len(_menus) < 1000:  # a handful in practice (sets of roles × languages)
            _menus[key] = menu
    return menu
