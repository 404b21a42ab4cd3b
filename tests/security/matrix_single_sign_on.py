"""The authorisation matrix's rows for single_sign_on (how to read a row: see
test_authorisation_matrix.py)."""

from __future__ import annotations

from tests.security.matrix import R  # noqa: F401

SINGLE_SIGN_ON_ROWS: list = []
