"""The signed-in user and their roles from the cache: not two queries on every page.

Every signed-in page loaded the user's row and their roles (the menu, the permission checks).
With a shared cache (``SIGNED_IN_CACHE``, on with Redis) both are kept there per user, together
with the data versions of the tables they come from (``innovation_portal.caching``: every write
through Django gives its table a new version). One cache round trip reads the versions and the
kept user at once; if any version moved (a user, a role, an institution or a district was
written: a password changed, a role taken away, a user deactivated, a login) the user is read
from the database again. Writes made outside Django are not seen until ``TIMEOUT``.
"""

from django.conf import settings
from django.core.cache import cache

from innovation_portal import caching

MODELS = ("accounts.User", "accounts.RoleAssignment", "accounts.Institution", "accounts.District")
TIMEOUT = 60 * 60
_KEY = "portal:signed-in:{}"


def get_user(user_id, load):
    """The user of a session's id, from the cache when nothing they are read from changed since;
    ``load(user_id)`` reads them from the database (None: no such active user)."""
    if not getattr(settings, "SIGNED_IN_CACHE", False):
        return load(user_id)
    tables = caching.tables(MODELS)
    version_keys = [caching.version_key(table) for table in tables]
    key = _KEY.format(user_id)
    found = cache.get_many([*version_keys, key])
    current = tuple(found.get(k) for k in version_keys)
    stored = found.get(key)
    if stored is not None and None not in current and stored[0] == current:
        return stored[1]
    if None in current:  # a table never written (or evicted): give it a version first
        known = caching.versions(tables)
        if known is None:  # a cache that keeps nothing
            return load(user_id)
        current = tuple(known[table] for table in tables)
    # The versions were read before the rows: a write in between leaves this copy behind at once.
    user = load(user_id)
    if user is not None:
        user.role_assignments  # noqa: B018 -- read now, kept with the user
        cache.set(key, (current, user), TIMEOUT)
    return user
