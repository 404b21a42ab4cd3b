"""Fixtures shared by the OneRoster tests."""

import pytest

from tests.school_systems.oneroster_server import OneRosterServer


@pytest.fixture
def oneroster():
    """A OneRoster server on loopback for this test, stopped after it."""
    with OneRosterServer() as server:
        yield server
