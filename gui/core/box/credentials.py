"""Box passwords: the operating system's keyring when there is one, else a private file.

The keyring (Windows Credential Manager, macOS Keychain, Secret Service) keeps
them out of Gatewatch's files altogether. Where there is none (a headless Linux
service), they go to ``box-credentials.json`` in the data folder, created with
mode 0600 so only the user can read it. Passwords are never logged and never
returned by the API.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "gatewatch-box"
FILE_NAME = "box-credentials.json"


def _usable_keyring() -> Any | None:
    """The keyring backend if a real one is available (not the "fail" or "null" ones)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed, or a broken backend at import
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


class CredentialStore:
    """``get``/``set``/``delete`` a box's (username, password) by the box's id."""

    def __init__(self, data_dir: Path | str, *, use_keyring: bool = True) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._keyring = _usable_keyring() if use_keyring else None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        """For the user: where the passwords are kept."""
        if self._keyring is not None:
            return f"the system keyring ({type(self._keyring).__name__})"
        return str(self.path)

    def set(self, box_id: str, username: str, password: str) -> None:
        if self._keyring is not None:
            try:
                self._keyring.set_password(SERVICE, box_id, json.dumps([username, password]))
                return
            except Exception as exc:
                log.warning("keyring refused the box password (%s); using a private file",
                            type(exc).__name__)  # fmt: skip
                self._keyring = None
        with self._lock:
            data = self._read()
            data[box_id] = [username, password]
            self._write(data)

    def get(self, box_id: str) -> tuple[str, str] | None:
        if self._keyring is not None:
            try:
                text = self._keyring.get_password(SERVICE, box_id)
            except Exception:
                text = None
            if text:
                with contextlib.suppress(ValueError, TypeError):
                    user, password = json.loads(text)
                    return str(user), str(password)
        with self._lock:
            item = self._read().get(box_id)
        if isinstance(item, list) and len(item) == 2:
            return str(item[0]), str(item[1])
        return None

    def delete(self, box_id: str) -> None:
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                self._keyring.delete_password(SERVICE, box_id)
        with self._lock:
            data = self._read()
            if data.pop(box_id, None) is not None:
                self._write(data)

    def _read(self) -> dict[str, Any]:
        try:
            value = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        # created 0600 from the start: never readable by others, not even for a moment
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
