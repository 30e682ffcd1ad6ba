"""The API answers what its OpenAPI schema says: schemathesis sends generated requests to every
operation of /api/schema/ through the WSGI application (in this process, no network) and checks
that none fails with a 5xx and that every answer matches the schema (status, content type, body).

A few examples per operation keep it well under a minute; the data is the public year of a
district (tests/public/factories.py), so the answers have rows to check.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.public.factories import public_year

EXAMPLES = 8


@pytest.fixture
def api_schema(world, settings):
    settings.RATE_API = "100000/min"  # the limit is tested in test_api.py; here every request must answer
    public_year(world, rows=3)
    # As Django's test client does: a request's end must not close the test's connection (its
    # transaction holds the data, and on PostgreSQL the next request would find it closed).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# schemathesis' own pytest integration (`from_fixture`/`parametrize`) does not run under pytest 9
# (it reads a private attribute of pytest's items); the operations are walked here instead, each
# with Hypothesis' own runner.
def test_every_operation_answers_as_its_schema_says(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17, [operation.label for operation in operations]
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_documented(case):
            case.call_and_validate(checks=[not_a_server_error, content_type_conformance, response_schema_conformance])

        answers_as_documented()
