"""The session's demo (tests/conftest.py) is written back exactly as `load_demo` left it."""

from tests import conftest


def test_a_journeys_database_holds_every_row_of_the_demo(demo_committed):
    assert conftest._serialize() == conftest._demo.snapshot
