"""The authorisation matrix's rows for school_systems (how to read a row: see
test_authorisation_matrix.py)."""

from __future__ import annotations

from tests.security.matrix import R  # noqa: F401

SCHOOL_SYSTEMS_ROWS: list = []
