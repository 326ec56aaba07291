"""Dialogs: settings, about, ..."""
