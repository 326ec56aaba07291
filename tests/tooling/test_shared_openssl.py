"""The packaged app's psycopg on the Python runtime's OpenSSL (scripts/shared_openssl.py)."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import shared_openssl  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("objdump") is None,
    reason="Linux build step (needs objdump, as PyInstaller does)",
)


def _wheel_package() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("psycopg_binary")  # found, not imported (psycopg first)
    if spec is None or spec.origin is None:
        pytest.skip("psycopg-binary is not installed")
    return Path(spec.origin).parent


def _wheel_libs() -> Path:
    libs = _wheel_package().parent / "psycopg_binary.libs"
    if not libs.is_dir():
        pytest.skip("this psycopg-binary has no vendored libraries")
    return libs


def _system_openssl() -> dict[str, str]:
    """The libcrypto.so.3 / libssl.so.3 this Python's ssl module runs on."""
    assert ssl.OPENSSL_VERSION  # loaded
    found = {}
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            for name in ("libcrypto.so.3", "libssl.so.3"):
                if path.endswith("/" + name):
                    found[name] = path
    if len(found) != 2:
        pytest.skip("this Python's ssl module is not on a shared OpenSSL 3")
    return found


def _toc() -> list[tuple[str, str, str]]:
    toc = [(name, path, "BINARY") for name, path in _system_openssl().items()]
    for lib in sorted(_wheel_libs().iterdir()):
        toc.append((f"psycopg_binary.libs/{lib.name}", str(lib), "BINARY"))
    return toc


def test_vendored_openssl_becomes_links_to_the_runtimes() -> None:
    toc = _toc()
    shared = shared_openssl.share_openssl(toc, log=lambda _m: None)
    links = {d: s for d, s, k in shared if k == "SYMLINK"}
    vendored = [d for d, _s, _k in toc if shared_openssl._VENDORED.match(Path(d).name)]
    assert len(vendored) == 2
    assert {Path(d).name.split("-")[0]: s for d, s in links.items()} == {
        "libcrypto": "../libcrypto.so.3",
        "libssl": "../libssl.so.3",
    }
    assert len(shared) == len(toc)
    assert [e for e in shared if e[2] != "SYMLINK"] == [e for e in toc if e[0] not in vendored]


def test_kept_when_libpq_needs_a_newer_openssl() -> None:
    toc = _toc()

    def dump(path: str) -> str:
        text = shared_openssl._objdump(path)
        if "libpq" in path:
            text += "\n0000000000000000      DF *UND*\t0000000000000000 (OPENSSL_3.5.0) SSL_new\n"
        return text

    said: list[str] = []
    assert shared_openssl.share_openssl(toc, dump=dump, log=said.append) == toc
    assert "OPENSSL_3.5.0" in said[-1]

    def broken(path: str) -> str:
        raise RuntimeError("objdump failed")

    assert shared_openssl.share_openssl(toc, dump=broken, log=said.append) == toc


def test_psycopg_runs_on_the_runtimes_openssl(tmp_path: Path) -> None:
    """A copy of the wheel laid out as the build lays it: libpq loads and, with a test
    server, connects; the process maps the runtime's OpenSSL and not the wheel's."""
    shutil.copytree(_wheel_package(), tmp_path / "psycopg_binary")
    libs = tmp_path / "psycopg_binary.libs"
    shutil.copytree(_wheel_libs(), libs)
    system = _system_openssl()
    for dest, target, kind in shared_openssl.share_openssl(_toc(), log=lambda _m: None):
        if kind == "SYMLINK":
            (tmp_path / dest).unlink()
            (tmp_path / dest).symlink_to(system[Path(target).name])
    url = os.environ.get("GATEWATCH_TEST_PG", "")
    code = (
        "import os, psycopg, psycopg_binary\n"
        f"assert psycopg_binary.__file__.startswith({str(tmp_path)!r}), psycopg_binary.__file__\n"
        "assert psycopg.pq.__impl__ == 'binary', psycopg.pq.__impl__\n"
        "print('libpq', psycopg.pq.version())\n"
        "url = os.environ.get('GATEWATCH_TEST_PG')\n"
        "if url:\n"
        "    with psycopg.connect(url) as db:\n"
        "        assert db.execute('SELECT 1').fetchone() == (1,)\n"
        "    print('connected')\n"
        "maps = open('/proc/self/maps').read()\n"
        "print(sorted({l.split()[-1] for l in maps.splitlines() if 'libcrypto' in l}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("libpq ")
    if url:
        assert "connected" in lines
    assert lines[-1] == str([system["libcrypto.so.3"]])  # one OpenSSL, the runtime's
