"""Gatewatch: receives, stores and shows the face-recognition events Sophon boxes push."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("gatewatch")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"
