"""Guidance fixtures: the meetings household (a family with separated parents, one pupil)."""

from tests.meetings.conftest import household  # noqa: F401
