"""scripts/stress-tests.sh: N runs beside two CPU burners, stopping at the first failure."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "stress-tests.sh"

#: Stands in for pytest: counts its runs, lists the burners it sees, fails on run 2.
FAKE_PYTEST = """#!/usr/bin/env bash
n=$(( $(cat "$COUNT" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$COUNT"
echo "run $n args: $*"
pgrep -f -- "-c while True: pass" | wc -l > "$BURNERS.$n"
echo "$GATEWATCH_TEST_PG $GATEWATCH_REQUIRE_PG" > "$BURNERS.pg.$n"
if [ "$n" -ge "$FAIL_AT" ]; then echo "1 failed, 9 passed in 0.1s"; exit 1; fi
echo "10 passed in 0.1s"
"""


def run(
    tmp_path: Path, runs: str, fail_at: int, pg: str | None = "postgresql://u@h:1/db"
) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "fake-pytest"
    fake.write_text(FAKE_PYTEST, encoding="utf-8")
    fake.chmod(0o755)
    env = {
        **{k: v for k, v in os.environ.items() if k != "GATEWATCH_TEST_PG"},
        **({"GATEWATCH_TEST_PG": pg} if pg else {}),
        "STRESS_PYTEST": str(fake),
        "STRESS_OUT": str(tmp_path / "out"),
        "COUNT": str(tmp_path / "count"),
        "BURNERS": str(tmp_path / "burners"),
        "FAIL_AT": str(fail_at),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), runs, "-k", "something"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def burner_pids(output: str) -> list[int]:
    line = next(x for x in output.splitlines() if "CPU burners" in x)
    return [int(p) for p in line.split("(pids ")[1].split(")")[0].split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_stops_at_the_first_failure_keeps_its_output_and_ends_the_burners(tmp_path) -> None:
    proc = run(tmp_path, "5", fail_at=2)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "run 1/5 passed" in proc.stdout and "run 2/5 FAILED (exit 1" in proc.stdout
    assert "run 3/5" not in proc.stdout
    assert (tmp_path / "count").read_text().strip() == "2"
    kept = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert kept == ["run-2.log"]  # passing runs' logs are deleted, the failing one kept
    assert "run 2 args: -k something" in (tmp_path / "out" / "run-2.log").read_text()
    assert int((tmp_path / "burners.1").read_text()) >= 2  # two burners beside every run
    pids = burner_pids(proc.stdout)
    assert len(pids) == 2 and not any(alive(p) for p in pids)


def test_all_runs_pass(tmp_path) -> None:
    proc = run(tmp_path, "3", fail_at=99)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all 3 runs passed" in proc.stdout
    assert not any(alive(p) for p in burner_pids(proc.stdout))
    assert run(tmp_path, "x", fail_at=99).returncode == 2


def test_the_server_given_is_used_by_every_run_and_its_cases_must_run(tmp_path) -> None:
    proc = run(tmp_path, "2", fail_at=99)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for n in (1, 2):  # never skipped: GATEWATCH_REQUIRE_PG=1, as in CI
        assert (tmp_path / f"burners.pg.{n}").read_text().split() == ["postgresql://u@h:1/db", "1"]


def test_one_throwaway_cluster_serves_all_runs_and_is_removed_after(tmp_path) -> None:
    installed = subprocess.run(
        ["bash", "-c", f". {ROOT / 'scripts' / 'pg-cluster.sh'} && pg_bindir"],
        capture_output=True, check=False,
    )  # fmt: skip
    if installed.returncode != 0:
        if os.environ.get("GATEWATCH_REQUIRE_PG") == "1":
            pytest.fail("GATEWATCH_REQUIRE_PG=1 but PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed (apt install postgresql)")
    proc = run(tmp_path, "2", fail_at=99, pg=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    urls = {(tmp_path / f"burners.pg.{n}").read_text().split()[0] for n in (1, 2)}
    assert len(urls) == 1  # the same server for both runs
    url = urls.pop()
    assert url.startswith("postgresql://postgres@127.0.0.1:"), url
    import psycopg

    with pytest.raises(psycopg.OperationalError):  # stopped when the runs ended
        psycopg.connect(url, connect_timeout=2)
