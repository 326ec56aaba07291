"""The Qt shell: everything that shows or asks."""
