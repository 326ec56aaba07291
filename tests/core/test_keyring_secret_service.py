"""Box passwords in the real OS keyring: the ``keyring`` library's Secret Service backend.

Runs a throwaway D-Bus session (``dbus-run-session``) with Debian's
``gnome-keyring-daemon`` unlocked by a test password, in a temporary HOME, and
drives ``CredentialStore`` there in a child process: the password goes to the
keyring (not to the 0600 fallback file, not into any file of the data folder),
comes back, and is deleted. Skips, saying why, where those programs are missing
(``./dev.sh test`` installs them on Debian/Ubuntu).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHILD = r"""
import json, sys
from pathlib import Path

import keyring

from gui.core.box.credentials import FILE_NAME, SERVICE, CredentialStore

data = Path(sys.argv[1])
store = CredentialStore(data)
out = {"backend": type(keyring.get_keyring()).__module__, "where": store.where}
store.set("box-1", "admin", "pa55-wörd")
out["got"] = store.get("box-1")
out["in_keyring"] = keyring.get_password(SERVICE, "box-1")
out["file"] = (data / FILE_NAME).exists()
out["leaked"] = [p.name for p in data.rglob("*") if p.is_file() and b"pa55" in p.read_bytes()]
store.delete("box-1")
out["after_delete"] = store.get("box-1")
out["keyring_after_delete"] = keyring.get_password(SERVICE, "box-1")
print(json.dumps(out))
"""

START = (
    'eval "$(printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"'
    ' >/dev/null && exec "$PYTHON" -c "$CHILD" "$DATA"'
)


def _missing() -> str | None:
    for program in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian: gnome-keyring, dbus-bin)"
    try:
        import secretstorage  # noqa: F401  (the keyring library's Secret Service backend)
    except ImportError:
        return "the keyring library's Secret Service backend (secretstorage) is not installed"
    return None


def test_box_password_lives_in_the_secret_service_keyring(tmp_path: Path) -> None:
    why = _missing()
    if why is not None:
        pytest.skip(why)
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    data.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(home), "PYTHONPATH": str(ROOT),
        "KEYRING_PASSWORD": "test-password", "PYTHON": sys.executable,
        "CHILD": CHILD, "DATA": str(data),
    }  # fmt: skip
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", START],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["backend"] == "keyring.backends.SecretService", out
    assert out["where"].startswith("the system keyring"), out
    assert out["got"] == ["admin", "pa55-wörd"], out  # a tuple, through JSON
    assert json.loads(out["in_keyring"]) == ["admin", "pa55-wörd"]
    assert out["file"] is False and out["leaked"] == []  # nothing on disk in the data folder
    assert out["after_delete"] is None and out["keyring_after_delete"] is None
