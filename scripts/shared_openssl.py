"""Build step: psycopg's libpq uses the OpenSSL the packaged Python already carries (Linux).

The psycopg-binary wheel vendors its own OpenSSL (``libcrypto-<hash>.so.3``
5.6 MB, ``libssl-<hash>.so.3`` 1 MB) next to libpq, and the packaged Python
brings the system's ``libcrypto.so.3``/``libssl.so.3`` for its ``ssl`` module:
two OpenSSLs in one folder. OpenSSL 3 versions its symbols, so whether the
system's can stand in is a fact to check, not a guess: every library of the
wheel that links the vendored OpenSSL must need only symbol versions the
system's defines (libpq and libldap need ``OPENSSL_3.0.0`` alone). When they
do, the vendored files become symbolic links to the system's; when they do
not (or ``objdump`` cannot tell), nothing changes.

``build.spec`` calls ``share_openssl`` on the Analysis' binaries.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

Entry = tuple[str, str, str]

_VENDORED = re.compile(r"^lib(crypto|ssl)-[0-9a-f]{8}\.so\.3$")
_VERSION = re.compile(r"\b(OPENSSL_\d+\.\d+\.\d+)\b")


def _objdump(path: str) -> str:
    tool = shutil.which("objdump")
    if tool is None:
        raise RuntimeError("no objdump")
    return subprocess.run(
        [tool, "-T", "-p", path], check=True, capture_output=True, text=True
    ).stdout


def needed_libraries(dump: str) -> set[str]:
    return set(re.findall(r"^\s+NEEDED\s+(\S+)$", dump, flags=re.M))


def symbol_versions(dump: str, *, defined: bool) -> set[str]:
    """OPENSSL_x.y.z versions of the symbols a library defines, or of the ones it uses."""
    found = set()
    for line in dump.splitlines():
        match = _VERSION.search(line)
        if match and ("*UND*" not in line) == defined:
            found.add(match.group(1))
    return found


def share_openssl(
    binaries: list[Entry], dump: Callable[[str], str] = _objdump, log: Callable[[str], None] = print
) -> list[Entry]:
    """``binaries`` with psycopg's vendored OpenSSL linked to the system's, when it can be."""
    top = {Path(d).name: s for d, s, k in binaries if "/" not in d.replace("\\", "/")}
    vendored = {
        d: s
        for d, s, k in binaries
        if d.replace("\\", "/").startswith("psycopg_binary.libs/") and _VENDORED.match(Path(d).name)
    }
    if not vendored:
        return binaries
    replacement = {}
    try:
        for dest in vendored:
            kind = "crypto" if Path(dest).name.startswith("libcrypto") else "ssl"
            system = top.get(f"lib{kind}.so.3")
            if system is None:
                log(f"share_openssl: no system lib{kind}.so.3 in the build: {dest} kept")
                return binaries
            replacement[Path(dest).name] = (f"lib{kind}.so.3", system)
        provided: set[str] = set()
        for _name, system in replacement.values():
            provided |= symbol_versions(dump(system), defined=True)
        for dest, src, kind in binaries:
            in_wheel = dest.replace("\\", "/").startswith("psycopg_binary.libs/")
            if not in_wheel or kind == "SYMLINK" or dest in vendored:
                continue
            text = dump(src)
            if needed_libraries(text) & set(replacement):
                wanted = symbol_versions(text, defined=False)
                if not wanted <= provided:
                    log(f"share_openssl: {dest} needs {sorted(wanted - provided)}: kept")
                    return binaries
    except Exception as exc:  # cannot tell: keep the wheel's own
        log(f"share_openssl: cannot check the OpenSSL versions ({exc}): kept")
        return binaries
    out = []
    for dest, src, kind in binaries:
        name = Path(dest).name
        if dest in vendored:
            target = replacement[name][0]
            log(f"share_openssl: {dest} -> ../{target} (the Python runtime's OpenSSL)")
            out.append((dest, f"../{target}", "SYMLINK"))
        else:
            out.append((dest, src, kind))
    return out
