"""The database goes away between two requests; the portal carries on by itself.

On PostgreSQL every server connection of the test database is cut from outside, as a database
restart does, between two requests to a live server (a real WSGI server thread with its
persistent connection, CONN_MAX_AGE). With CONN_HEALTH_CHECKS the next request notices the dead
connection, opens a new one and answers normally. On SQLite there is no server to restart; the
same two requests still have to work.
"""

import time
import urllib.request

import psycopg
from django.db import connection

from applications.models import StatusAward
from tests.applications.factories import AwardFactory
from tests.factories import DistrictFactory, InstitutionFactory


def cut_every_connection():
    """What a restart does to the portal's connections: terminate them all, from outside."""
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    outside = psycopg.connect(**{key: params[key] for key in keys if params.get(key)}, autocommit=True)
    try:
        with outside.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0]
    finally:
        outside.close()


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:  # the live server on loopback
        return response.status, response.read().decode()


def test_the_portal_recovers_after_the_database_restarts(live_server, transactional_db, settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    district = DistrictFactory()
    AwardFactory(institution=InstitutionFactory(district=district, short_name="ГБОУ школа № 217"))
    registry = f"{live_server.url}/competitions/registry/"

    status, page = fetch(registry)
    assert status == 200 and "ГБОУ школа № 217" in page

    if connection.vendor == "postgresql":
        assert cut_every_connection() >= 1, "the live server's connection was there to cut"
        # The test's own connection was cut as well; Django drops it at the next request
        # boundary, exactly as it does for the server thread.
        connection.close_if_unusable_or_obsolete()

    status, page = fetch(registry)
    assert status == 200 and "ГБОУ школа № 217" in page
    # And it writes again: the registry reads what is committed after the restart.
    AwardFactory(institution=InstitutionFactory(district=district, short_name="ГБОУ гимназия № 293"))
    status, page = fetch(registry)
    assert status == 200 and "ГБОУ гимназия № 293" in page
    assert StatusAward.objects.count() == 2


def test_repeated_restarts_need_no_manual_step(live_server, transactional_db):
    registry = f"{live_server.url}/competitions/registry/"
    for _restart in range(2):
        assert fetch(registry)[0] == 200
        if connection.vendor == "postgresql":
            cut_every_connection()
            connection.close_if_unusable_or_obsolete()
    assert fetch(registry)[0] == 200


def test_a_connection_cut_between_tests_is_replaced_before_the_next_test(transactional_db, django_db_blocker):
    """The suite's own boundary: a test starting after a restart gets a working connection."""
    from tests.conftest import check_connections

    assert StatusAward.objects.count() == 0  # the connection is open and was checked
    if connection.vendor == "postgresql":
        mine = connection.connection.info.backend_pid
        assert cut_every_connection() >= 1
        params = connection.get_connection_params()
        keys = ("dbname", "user", "password", "host", "port")
        with psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, autocommit=True) as outside:
            for _ in range(100):  # the backend exits on its own shortly after the signal
                gone = outside.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [mine]).fetchone()
                if gone[0] == 0:
                    break
                time.sleep(0.05)
    check_connections(django_db_blocker)  # what runs before every test
    assert StatusAward.objects.count() == 0
