"""Guidance fixtures: the default phrases for every test here, and the meetings household (a
family with separated parents, one pupil)."""

import pytest

from tests.meetings.conftest import household, meeting  # noqa: F401


@pytest.fixture(autouse=True)
def _phrases(phrase_defaults):
    """Every test here matches against the authority's default list."""
