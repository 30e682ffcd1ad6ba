import io
import shutil
import sys
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail, serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import OperationalError, connection, connections, transaction
from django.test import TestCase
from django.test.utils import override_settings
from pytest_django.plugin import blocking_manager_key

from tests.factories import DistrictFactory, InstitutionFactory, Role, UserFactory, with_role


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and cached pages of no other test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def district(db):
    return DistrictFactory(name="Красносельский район", short_name="Красносельский", slug="krasnoselsky")


@pytest.fixture
def world(db, district):
    """One district with two institutions and a user for every role.

    The roles of the permission matrix: the coordinator of `institution`, the coordinator of
    `other_institution`, an expert who works at `other_institution`, a methodist, an editor
    and the district office; plus `other_methodist` of another district.
    """
    institution = InstitutionFactory(district=district, number="590", short_name="ГБОУ лицей № 590")
    other_institution = InstitutionFactory(district=district, number="271", short_name="ГБОУ гимназия № 271")
    other_district = DistrictFactory(name="Адмиралтейский район", short_name="Адмиралтейский", slug="admiralteysky")
    users = SimpleNamespace(
        coordinator=with_role(UserFactory(email="coordinator@example.org"), Role.COORDINATOR, district, institution),
        other_coordinator=with_role(
            UserFactory(email="coordinator2@example.org"), Role.COORDINATOR, district, other_institution
        ),
        expert=with_role(UserFactory(email="expert@example.org"), Role.EXPERT, district, other_institution),
        methodist=with_role(UserFactory(email="methodist@example.org"), Role.METHODIST, district),
        editor=with_role(UserFactory(email="editor@example.org"), Role.EDITOR, district),
        district_office=with_role(UserFactory(email="office@example.org"), Role.DISTRICT_OFFICE, district),
        other_methodist=with_role(UserFactory(email="methodist2@example.org"), Role.METHODIST, other_district),
    )
    return SimpleNamespace(
        district=district,
        other_district=other_district,
        institution=institution,
        other_institution=other_institution,
        users=users,
    )


@pytest.fixture
def login(client):
    """Log the test client in as a user (or out, for None) and return the client."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


# --- The demo database, built once per session ------------------------------------------
#
# `manage.py load_demo` takes seconds; tests that read the demo share one load instead of
# running it each. The first test that asks for `demo_db` opens a transaction around the
# whole group of demo tests, loads the demo in it and keeps it open; each of those tests
# then runs in a savepoint inside it (pytest-django's `db`), so what a test changes is
# rolled back and the next one sees the demo as loaded. The first test that does not ask
# for the demo closes the group, rolling the demo back, so every other test still starts
# from an empty database. The demo tests are run one after another (see
# `pytest_collection_modifyitems`) so the group is opened once; in any other order it is
# reopened from a snapshot, never loaded again. Journeys in a real browser need committed
# rows: `demo_committed` writes the same snapshot into their transactional database.


class _DemoSession:
    snapshot = None  # every row after the demo, table by table (content types by natural key)
    output = ""  # what load_demo printed
    media = None  # the demo's uploaded files
    atomic = None  # the open transaction of the group of demo tests
    blocker = None


_demo = _DemoSession()


def _snapshot_models():
    # Content types and permissions are made by migrate (and again after a flush) with ids
    # of their own, so rows point at them by natural key (users too, by e-mail). Models come
    # in an order where what a natural key points at is written first.
    skip = {ContentType, Permission, Session}
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and m not in skip]
    by_app = {}
    for model in models:
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items())


def _serialize():
    """Every table's rows, table by table (Django's "python" serialization)."""
    tables = []
    for model in _snapshot_models():
        rows = serializers.serialize("python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True)
        if rows:
            tables.append((model, rows))
    return tables


def _write(model, rows):
    """Write one table's rows: new ones in a few INSERTs, those that exist by saving them."""
    existing = set(model._base_manager.filter(pk__in=[r.object.pk for r in rows]).values_list("pk", flat=True))
    new = [r for r in rows if r.object.pk not in existing]
    if model._meta.parents:  # multi-table inheritance: bulk_create cannot write it
        existing.update(r.object.pk for r in new)
        new = []
    # Raw inserts, as `loaddata` writes: timestamps (auto_now) are kept as they were.
    fields = model._meta.local_concrete_fields
    objs = [r.object for r in new]
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs) or 1
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
    for row in rows:
        if row.object.pk in existing:
            row.save()
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        links = [
            through(**{field.m2m_column_name(): r.object.pk, field.m2m_reverse_name(): target})
            for r in new
            for target in r.m2m_data.get(field.name, ())
        ]
        through._base_manager.bulk_create(links)


def _restore(snapshot):
    """Write the snapshot's rows (updating any that exist) and move id sequences past them."""
    with transaction.atomic():
        # Table by table: a natural key is looked up once its table is written.
        for model, rows in snapshot:
            _write(model, list(serializers.deserialize("python", rows)))
        for sql in connection.ops.sequence_reset_sql(no_style(), _snapshot_models()):
            with connection.cursor() as cursor:
                cursor.execute(sql)


def _open_demo_group(blocker, media):
    if connection.in_atomic_block:
        raise RuntimeError("demo_db must come before db (or any fixture using it) among a test's fixtures")
    _demo.blocker = blocker
    with blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if _demo.snapshot is None:
                out = io.StringIO()
                # Letters and builds queued on commit run as they would after a real load.
                with override_settings(MEDIA_ROOT=media), TestCase.captureOnCommitCallbacks(execute=True):
                    call_command("load_demo", stdout=out)
                _demo.output, _demo.media, _demo.snapshot = out.getvalue(), media, _serialize()
            else:
                _restore(_demo.snapshot)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(*sys.exc_info())
            raise
        _demo.atomic = atomic


def _close_demo_group():
    if _demo.atomic is not None:
        atomic, _demo.atomic = _demo.atomic, None
        with _demo.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _use_demo_files(settings):
    if _demo.media is not None and _demo.media.exists():
        shutil.copytree(_demo.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    # The demo's own letters are not the test's.
    mail.outbox = []


@pytest.fixture(scope="session")
def _demo_session(django_db_setup, django_db_blocker, tmp_path_factory):
    yield tmp_path_factory.mktemp("demo-media")
    _close_demo_group()


@pytest.fixture
def _demo_group(_demo_session, django_db_blocker):
    if _demo.atomic is None:
        _open_demo_group(django_db_blocker, _demo_session)


@pytest.fixture
def demo_db(_demo_group, db, settings):
    """The demo (`manage.py load_demo`) loaded once per session; this test's changes roll back.

    `.output` is what the command printed. A test of loading twice calls `load_demo` again.
    """
    _use_demo_files(settings)
    return SimpleNamespace(output=_demo.output)


@pytest.fixture
def _demo_snapshot(_demo_session, django_db_blocker):
    if _demo.snapshot is None:
        _open_demo_group(django_db_blocker, _demo_session)
        _close_demo_group()


@pytest.fixture
def demo_committed(_demo_snapshot, transactional_db, settings):
    """The same demo, committed, for a transactional test (a live server's thread sees it)."""
    try:
        _restore(_demo.snapshot)
    except OperationalError:
        # Seen twice on PostgreSQL (CI, and a full local run): the first journey after the
        # fault tests finds its connection cut between its set-up check and this write, by a
        # cause not found yet (see the closing note of session 4); the connection answers again
        # right after, so it is not only this connection's. Nothing was written (one
        # transaction): a fresh connection writes the demo; a second failure is real.
        connection.close()
        _restore(_demo.snapshot)
    _use_demo_files(settings)
    return SimpleNamespace(output=_demo.output)


@pytest.fixture(scope="module")
def demo_committed_for_module(request, _demo_session, django_db_blocker):
    """The demo committed once for a whole module of read-only browser checks, emptied after.

    For a module that visits dozens of pages without changing anything (the small-screen
    checks): restoring the demo and logging in again for each of them would take most of the
    run. The module's tests are marked `django_db` (each runs in a transaction rolled back
    after it, which is also what makes pytest-django create the test database at all: without
    it this would write to, and flush, the development database); the demo is committed
    before the first of them and flushed after the last, as a transactional test leaves it.
    """
    if request.node.get_closest_marker("django_db") is None:
        raise RuntimeError("a module using demo_committed_for_module must be marked django_db")
    with django_db_blocker.unblock():
        if _demo.snapshot is None:
            _open_demo_group(django_db_blocker, _demo_session)
            _close_demo_group()
        # What migrations wrote (default letter templates, reminder settings, …) is kept to be
        # written back after the flush: the tests after this module expect it, as after any other.
        initial = _serialize()
        _restore(_demo.snapshot)
        try:
            yield SimpleNamespace(output=_demo.output, media=_demo.media)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            _restore(initial)


def pytest_collection_modifyitems(items):
    # Runs after pytest-django's ordering (database tests, transactional ones, the rest):
    # the demo tests are moved together to where the first of them is, so the group of
    # demo tests opens once.
    demo = [item for item in items if "demo_db" in getattr(item, "fixturenames", ())]
    if demo:
        at = items.index(demo[0])
        rest = [item for item in items if "demo_db" not in getattr(item, "fixturenames", ())]
        items[:] = rest[:at] + demo + rest[at:]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Any other test starts from an empty database: the demo group is rolled back first.
    if "demo_db" not in getattr(item, "fixturenames", ()):
        _close_demo_group()
    check_connections(item.config.stash[blocking_manager_key])


def check_connections(blocker):
    """Each test starts as a request does: a connection the server dropped since it was last
    checked (the database-restart fault test cuts every connection from outside) is noticed by
    a health check at its next query and replaced, instead of failing a later test's setup."""
    with blocker.unblock():
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and not conn.in_atomic_block:
                conn.close_if_unusable_or_obsolete()
