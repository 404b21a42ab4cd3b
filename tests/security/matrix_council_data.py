"""The authorisation matrix's rows for council_data (how to read a row: see
test_authorisation_matrix.py)."""

from __future__ import annotations

from tests.security.matrix import R  # noqa: F401

COUNCIL_DATA_ROWS: list = []
