"""Complaints fixtures: the meetings' household (a family at the cast's school), for complaints
that lead to a meeting."""

from tests.meetings.conftest import household  # noqa: F401
