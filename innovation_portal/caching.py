"""Public pages rendered once for anonymous visitors and kept until the data they show changes.

    @cache_for_anonymous("plans.Plan", "plans.PlanItem", "accounts.Institution", "accounts.District")
    def plan_detail(request, pk): ...

What is cached: the whole 200 response of a GET (or HEAD) by an anonymous visitor, keyed by
host, path, query string, active language, today's date (pages that show what is «current»
change at midnight) and the *versions* of the tables whose data the page shows: the models it
reads, each with its many-to-many tables, never a whole app (the registry shows awards, so a
draft application autosaved five times a second must not renew it). Every key of Django's
cache, these included, carries the installation (``CACHES`` ``KEY_PREFIX``, see settings): two
portals sharing one Redis database never serve each other's pages. Signed-in users
always get a fresh render (their menus depend on their roles); so does a visitor with a
message to show.

How a change reaches the next visitor: every INSERT, UPDATE or DELETE the portal sends to the
database goes through ``_watch_writes`` (a Django execute wrapper on every connection, in every
process: web, Celery worker, management command), which gives the written table a new version
token in the cache at once, and again when the transaction commits (a visitor who
read the old data while the transaction was open cached it under the in-between version, which
the commit retires). A page whose tables' version changed is looked up under a new key, so it is
rendered again. This catches everything that goes through Django — services, the admin,
``bulk_create``/``bulk_update``, ``QuerySet.update``/``delete`` — without each service having to
remember to invalidate anything. Writes made outside Django (``psql``, ``pg_restore``) are not
seen: pages then expire after ``timeout`` (10 minutes), or run ``manage.py shell -c "from
django.core.cache import cache; cache.clear()"``.

The versions live in Django's cache, so every process must share it: with several gunicorn
workers or a Celery worker, set ``REDIS_URL`` (as docker-compose does). The in-process cache
(no ``REDIS_URL``) is right only for a single process, e.g. ``runserver``.

The CSRF token in a cached page (the language switcher's form) is the visitor's own: the token
of the render is replaced by a fresh one for each visitor, as an uncached render would have.
"""

import hashlib
import re
import threading
import uuid
from functools import wraps

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

PAGE_TIMEOUT = 600
_VERSION_KEY = "portal:data-version:{}"
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`\[]?(\w+)', re.IGNORECASE)
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"')
_CSRF_MARK = b"\x00csrf-token\x00"
_pending = threading.local()  # tables written in the open transaction, per connection alias
_tables = {}


def tables(labels):
    """The database tables behind models («accounts.Institution»), their many-to-many tables included."""
    key = tuple(labels)
    if key not in _tables:
        found = set()
        for label in labels:
            model = apps.get_model(label)
            found.add(model._meta.db_table)
            found.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
        _tables[key] = sorted(t.lower() for t in found)
    return _tables[key]


def version_key(table):
    """The cache key of a table's data version (for readers that fetch it with other keys at once)."""
    return _VERSION_KEY.format(table.lower())


def bump(*tables):
    """Give these tables a new data version: every page cached from their data is left behind."""
    cache.set_many({_VERSION_KEY.format(table.lower()): uuid.uuid4().hex for table in tables}, timeout=None)


def versions(tables):
    """The current version token of each table (one cache round trip)."""
    keys = {table: _VERSION_KEY.format(table) for table in tables}
    found = cache.get_many(keys.values())
    result = {}
    for table, key in keys.items():
        if key not in found:  # never written or evicted: start one (a new token only misses)
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
            if found[key] is None:  # a cache that keeps nothing: nothing can be cached safely
                return None
        result[table] = found[key]
    return result


def _flush(alias):
    labels = getattr(_pending, alias, None)
    if labels:
        setattr(_pending, alias, set())
        bump(*labels)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match:
        written(context["connection"], match.group(1))
    return result


def written(connection, table):
    """A write to ``table`` on ``connection`` made past the execute wrapper (PostgreSQL's COPY)."""
    table = table.lower()
    bump(table)
    if connection.in_atomic_block:
        labels = getattr(_pending, connection.alias, None)
        if labels is None:
            labels = set()
            setattr(_pending, connection.alias, labels)
        labels.add(table)
        transaction.on_commit(lambda: _flush(connection.alias), using=connection.alias)


def _install(sender=None, connection=None, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def install():
    """Watch the writes of every database connection of this process (called at start-up)."""
    from django.db import connections

    connection_created.connect(_install, dispatch_uid="portal-page-cache")
    for connection in connections.all(initialized_only=True):
        _install(connection=connection)


# --- the decorator ---------------------------------------------------------------------------


def _cacheable(request):
    if request.method not in ("GET", "HEAD") or request.COOKIES.get("messages"):
        return False
    if request.user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and session.get("_messages"))


def _key(request, models):
    current = versions(tables(models))
    if current is None:
        return None
    parts = [
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        *(f"{table}={token}" for table, token in current.items()),
    ]
    return "portal:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def key_for(request, models, kind="page"):
    """The cache key of what ``request`` reads from ``models`` now (None when nothing can be cached).

    For views that cache something other than a whole page (the read API caches its data, after
    its rate limit has counted the request).
    """
    key = _key(request, models)
    return key and key.replace("portal:page:", f"portal:{kind}:", 1)


def _response(request, stored):
    content, content_type = stored
    if _CSRF_MARK in content:
        content = content.replace(_CSRF_MARK, get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


def cache_for_anonymous(*models, timeout=PAGE_TIMEOUT):
    """Cache a public view's page for anonymous visitors until the data it shows changes.

    ``models``: the models the page reads («accounts.Institution»). A whole app («plans») is
    refused: its every table, history and drafts included, would renew the page.
    """
    whole_apps = [label for label in models if "." not in label]
    if whole_apps:
        raise ValueError(f"cache_for_anonymous takes the models a page shows, not whole apps: {whole_apps}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, models)
            if key is None:
                return view(request, *args, **kwargs)
            stored = cache.get(key)
            if stored is not None:
                return _response(request, stored)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                content = response.content
                token = _CSRF_INPUT.search(content)
                if token:
                    content = content.replace(token.group(1), _CSRF_MARK)
                cache.set(key, (content, response["Content-Type"]), timeout)
            return response

        wrapped.cached_models = models  # what the page is versioned by (tests and the bench read it)
        return wrapped

    return decorator
