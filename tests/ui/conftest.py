"""UI test fixtures: ``core`` (a real receiver thread + bridge) and ``window`` (the main window)."""

from tests.ui.desktop_fixtures import core, window  # noqa: F401
