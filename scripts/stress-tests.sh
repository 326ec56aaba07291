#!/usr/bin/env bash
# Run the full test suite N times in a row (default 10) while two CPU-burning
# processes run beside it, as on a loaded two-core CI machine; stop at the first
# failure and keep its output.
#
#   scripts/stress-tests.sh [N] [pytest args...]
#
# Each run's output goes to $STRESS_OUT/run-<i>.log (default: stress-output/);
# the logs of passing runs are deleted, the failing one is kept and its tail
# printed. Exit status: 0 when all N runs passed, else the failing run's status
# (139 or 134 = the interpreter crashed). $STRESS_PYTEST replaces the test
# command (default: the checkout's .venv running pytest, offscreen Qt).
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-10}"
[ $# -ge 1 ] && shift
case "$runs" in ''|*[!0-9]*) echo "usage: $0 [N] [pytest args...]" >&2; exit 2 ;; esac
out="${STRESS_OUT:-stress-output}"
mkdir -p "$out"

if [ -z "${STRESS_PYTEST:-}" ] && [ ! -x .venv/bin/python ]; then
  ./dev.sh test --version >/dev/null  # builds .venv once
fi
pytest_cmd="${STRESS_PYTEST:-.venv/bin/python -m pytest -q -p no:cacheprovider}"
export QT_QPA_PLATFORM=offscreen

burners=()
stop_burners() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${burners[@]}"; do wait "$pid" 2>/dev/null; done
  burners=()
}
trap stop_burners EXIT
trap 'exit 130' INT TERM
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
  $pytest_cmd "$@" >"$log" 2>&1
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
