"""Widgets that show events: feed delegate, detail pane, photo view."""
