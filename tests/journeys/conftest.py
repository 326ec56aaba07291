"""Journey fixtures: ``app`` is the whole desktop app in its qasync loop (see ``harness``)."""

from tests.journeys.harness import app, app_settings  # noqa: F401
