"""scripts/pg-cluster.sh: a throwaway PostgreSQL cluster that starts, answers and goes away."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-cluster.sh"

pytestmark = pytest.mark.timeout(120)


def _installed() -> bool:
    proc = subprocess.run(
        ["bash", "-c", f". {SCRIPT} && pg_bindir"], capture_output=True, text=True, check=False
    )
    return proc.returncode == 0


def test_cluster_starts_answers_and_is_removed_when_stopped() -> None:
    if not _installed():
        if os.environ.get("GATEWATCH_REQUIRE_PG") == "1":
            pytest.fail("GATEWATCH_REQUIRE_PG=1 but PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed (apt install postgresql)")
    started = subprocess.run(
        ["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=90, check=False
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    folder = Path(started.stderr.strip().splitlines()[-1])
    try:
        assert url.startswith("postgresql://postgres@127.0.0.1:")
        assert folder.is_dir() and str(folder).startswith("/tmp/gatewatch-pg.")
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        stopped = subprocess.run(
            ["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
    assert stopped.returncode == 0, stopped.stderr
    assert not folder.exists()
    import psycopg

    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
