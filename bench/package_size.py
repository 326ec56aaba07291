"""Size and start time of the built package (``./dev.sh build`` first).

``python -m bench.package_size [--onefile dist/gatewatch-onefile] [--runs 5]``

Reports the one-folder size, what takes the space (biggest files and folders),
the one-file size if given, and start-to-listening of the one-folder
``--headless`` program: from spawning the process to the first answer on
``/api/health`` (a fresh data dir each run, so schema creation is included).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(folder: Path, n: int = 15) -> list[tuple[int, str]]:
    files = [
        (p.stat().st_size, str(p.relative_to(folder)))
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    ]
    return sorted(files, reverse=True)[:n]


def groups(folder: Path) -> dict[str, int]:
    """Space by kind: Qt libraries, Qt plugins, PySide6 bindings, ICU, Python, Pillow, rest."""
    out: dict[str, int] = {}
    for p in folder.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        rel = str(p.relative_to(folder))
        name = p.name
        if "libicu" in name:
            key = "ICU data and libraries (Qt Core)"
        elif "/Qt/plugins/" in rel:
            key = "Qt plugins"
        elif "/Qt/lib/" in rel or (name.startswith("Qt6") and name.endswith(".dll")):
            key = "Qt libraries"
        elif "PySide6" in rel or "shiboken6" in rel:
            key = "PySide6/shiboken bindings"
        elif "pillow.libs" in rel or "/PIL/" in rel:
            key = "Pillow and its codecs"
        elif "python3" in name or "lib-dynload" in rel or "base_library" in name:
            key = "Python runtime"
        elif name in ("gatewatch", "gatewatch.exe", "gatewatch-cli.exe"):
            key = "the executables"
        else:
            key = "other libraries (system libs, aiohttp, ssl...)"
        out[key] = out.get(key, 0) + p.stat().st_size
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_to_listening(binary: Path) -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GATEWATCH_CONFIG_DIR=str(Path(tmp) / "config"))
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(binary), "--headless", "--bind", "127.0.0.1", "--port", str(port),
             "--data-dir", str(Path(tmp) / "data")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1):
                        return time.perf_counter() - t0
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - t0 > 30:
                        raise RuntimeError("the program never listened") from None
                    time.sleep(0.01)
        finally:
            proc.terminate()
            proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "gatewatch")
    parser.add_argument("--onefile", type=Path, help="a one-file build to size as well")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    exe = args.dist / ("gatewatch.exe" if sys.platform == "win32" else "gatewatch")
    if not exe.exists():
        print(f"no build at {args.dist}: run ./dev.sh build", file=sys.stderr)
        return 2
    total = tree_size(args.dist)
    print(f"one-folder {args.dist}: {total / MB:.1f} MB")
    for key, size in groups(args.dist).items():
        print(f"  {size / MB:6.1f} MB  {key}")
    print("biggest files:")
    for size, name in biggest(args.dist):
        print(f"  {size / MB:6.1f} MB  {name}")
    if args.onefile:
        print(f"one-file {args.onefile}: {args.onefile.stat().st_size / MB:.1f} MB")
    times = [start_to_listening(exe) for _ in range(args.runs)]
    print(
        f"start to listening (--headless, fresh data dir, {args.runs} runs): "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
