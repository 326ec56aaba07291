#!/usr/bin/env bash
# Run the full test suite N times in a row (default 10) while two CPU-burning
# processes run beside it, as on a loaded two-core CI machine; stop at the first
# failure and keep its output.
#
#   scripts/stress-tests.sh [N] [args for ./dev.sh test...]
#
# Each run is the README's test command, `./dev.sh test` (ruff, import contracts,
# mypy, the whole pytest suite in parallel workers), PostgreSQL cases included:
# one throwaway cluster (scripts/pg-cluster.sh) serves all N runs and is removed
# at the end, unless GATEWATCH_TEST_PG names a server; a missing server fails the
# PostgreSQL cases rather than skipping them (GATEWATCH_REQUIRE_PG=1, as in CI).
# Each run's output goes to $STRESS_OUT/run-<i>.log (default: stress-output/);
# the logs of passing runs are deleted, the failing one is kept and its tail
# printed. Exit status: 0 when all N runs passed, else the failing run's status
# (139 or 134 = the interpreter crashed). $STRESS_PYTEST replaces the test
# command (the script's own tests use a stand-in).
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-10}"
[ $# -ge 1 ] && shift
case "$runs" in ''|*[!0-9]*) echo "usage: $0 [N] [args for ./dev.sh test...]" >&2; exit 2 ;; esac
out="${STRESS_OUT:-stress-output}"
mkdir -p "$out"

test_cmd="${STRESS_PYTEST:-./dev.sh test -q -p no:cacheprovider}"
export QT_QPA_PLATFORM=offscreen
export GATEWATCH_REQUIRE_PG=1

burners=()
cluster=""
stop_all() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null; done
  burners=()
  if [ -n "$cluster" ]; then pg_cluster_stop "$cluster"; cluster=""; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# One PostgreSQL for all the runs (./dev.sh test uses GATEWATCH_TEST_PG when set).
if [ -z "${GATEWATCH_TEST_PG:-}" ]; then
  # shellcheck source=scripts/pg-cluster.sh
  . scripts/pg-cluster.sh
  pg_cluster_start || { echo "stress: no PostgreSQL for its test cases (see above)" >&2; exit 1; }
  cluster=$PG_CLUSTER_DIR
  export GATEWATCH_TEST_PG="$PG_CLUSTER_URL"
fi
echo "stress: PostgreSQL at $GATEWATCH_TEST_PG"

for _ in 1 2; do
  python3 -c 'while True: pass' &
  burners+=("$!")
done
echo "stress: $runs run(s) beside 2 CPU burners (pids ${burners[*]}); logs in $out/"

started=$(date +%s)
for ((i = 1; i <= runs; i++)); do
  log="$out/run-$i.log"
  t0=$(date +%s)
  # shellcheck disable=SC2086  # the command is a word list on purpose
  $test_cmd "$@" </dev/null >"$log" 2>&1
  status=$?
  took=$(( $(date +%s) - t0 ))
  summary=$(grep -E '(passed|failed|error)' "$log" | tail -n 1)
  if [ "$status" -ne 0 ]; then
    echo "stress: run $i/$runs FAILED (exit $status, ${took}s): ${summary:-no summary (crashed?)}"
    echo "stress: output kept in $log; its end:"
    tail -n 60 "$log"
    exit "$status"
  fi
  echo "stress: run $i/$runs passed (${took}s): $summary"
  rm -f "$log"
done
echo "stress: all $runs runs passed in $(( $(date +%s) - started ))s"
