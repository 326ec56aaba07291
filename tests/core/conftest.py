"""Fixtures for tests/core (shared ones live in tests/conftest.py)."""

from tests.core.installer_fixtures import full_receiver  # noqa: F401
