"""Tests that hold the bot to the promises of its texts and README (the table: PROMISES.md).

The e2e harness (tests/e2e/conftest.py) is re-exported; helpers are in helpers.py.
"""

from __future__ import annotations

from tests.e2e.conftest import harness  # noqa: F401  (the fixture, re-exported)
