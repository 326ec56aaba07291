"""Alarms in the desktop app: banner, open-alarms page, sound, tray, and wiring."""
