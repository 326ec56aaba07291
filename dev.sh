#!/usr/bin/env bash
# Set up a development checkout and run it: ./dev.sh run|test|headless|bench|build [args...]
#
# Idempotent: installs the Debian libraries Qt needs (when root or with sudo),
# creates .venv and installs Gatewatch into it, then does what was asked.
set -euo pipefail
cd "$(dirname "$0")"

DEBIAN_PACKAGES=(
  # Qt offscreen (tests) and xcb (a real window)
  libgl1 libegl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1
  # alarm sound (QtMultimedia), Chinese names, screenshots under a virtual screen
  libpulse0 fonts-wqy-microhei xvfb xauth
)

setup_debian() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "dev.sh: missing Debian packages (install them as root): ${missing[*]}" >&2
      return 0
    fi
  fi
  echo "dev.sh: installing ${missing[*]}" >&2
  wait_for_apt
  $sudo apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT_S update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT_S \
    install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A fresh Ubuntu runs unattended-upgrades for minutes after boot, holding the
# package locks: wait for them (saying so) instead of failing at once.
APT_LOCK_WAIT_S=${APT_LOCK_WAIT_S:-900}
APT_LOCKS=${APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock}

wait_for_apt() {
  python3 - "$APT_LOCK_WAIT_S" $APT_LOCKS <<'PY'
import fcntl, os, sys, time
limit, paths = float(sys.argv[1]), sys.argv[2:]
def held(path):
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False  # missing, or not ours to lock: apt-get will say
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)
start, told = time.monotonic(), None
while any(held(p) for p in paths):
    waited = time.monotonic() - start
    if told is None or time.monotonic() - told >= 30:
        told = time.monotonic()
        print(f"dev.sh: waiting for the Debian package lock (another apt or "
              f"unattended-upgrades is running), {waited:.0f} s so far", file=sys.stderr, flush=True)
    if waited > limit:
        print(f"dev.sh: the package lock was still held after {limit:.0f} s", file=sys.stderr)
        sys.exit(1)
    time.sleep(1)
PY
}

setup_venv() {
  local extras="$1" stamp=".venv/.installed-$1"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}

# The PostgreSQL cases of the tests need a server: unless GATEWATCH_TEST_PG names one,
# start a throwaway cluster when PostgreSQL is installed (scripts/pg-cluster.sh), and
# stop it on exit. Without PostgreSQL those cases are skipped (failed in CI, which sets
# GATEWATCH_REQUIRE_PG=1).
start_test_postgresql() {
  [ -n "${GATEWATCH_TEST_PG:-}" ] && return 0
  # shellcheck source=scripts/pg-cluster.sh
  . scripts/pg-cluster.sh
  if ! pg_bindir >/dev/null; then
    echo "dev.sh: PostgreSQL is not installed: its tests are skipped (apt install postgresql)" >&2
    return 0
  fi
  if pg_cluster_start; then
    trap 'pg_cluster_stop "$PG_CLUSTER_DIR"' EXIT
    export GATEWATCH_TEST_PG="$PG_CLUSTER_URL"
    echo "dev.sh: test PostgreSQL at $GATEWATCH_TEST_PG ($PG_CLUSTER_DIR)" >&2
  else
    echo "dev.sh: could not start a test PostgreSQL: its tests are skipped" >&2
  fi
}

cmd="${1:-run}"
shift || true
if [ "$cmd" = wait-for-apt ]; then wait_for_apt; exit; fi
# PyInstaller reads shared-library dependencies with objdump; build.spec wraps the
# filtered ICU data into a library with the C compiler (scripts/icu_filter.py).
if [ "$cmd" = build ]; then DEBIAN_PACKAGES+=(binutils gcc); fi
# The box-credentials test uses the real Secret Service keyring (a throwaway session bus).
if [ "$cmd" = test ]; then DEBIAN_PACKAGES+=(gnome-keyring dbus-daemon dbus-bin); fi
setup_debian
case "$cmd" in
  run)      setup_venv test; exec .venv/bin/gatewatch "$@" ;;
  headless) setup_venv test; exec .venv/bin/gatewatch --headless "$@" ;;
  test)     setup_venv test
            export QT_QPA_PLATFORM=offscreen
            .venv/bin/ruff check .
            .venv/bin/lint-imports
            .venv/bin/mypy   # gui/core, strictness in pyproject.toml
            start_test_postgresql
            status=0
            # In parallel workers (pytest-xdist): most tests wait on sockets, timers and
            # subprocesses rather than compute. Tests with timing budgets are marked
            # `alone` and run with nothing beside them (tests/alone.py).
            .venv/bin/python -m pytest -n "${GATEWATCH_TEST_WORKERS:-3}" --dist worksteal "$@" \
              || status=$?
            exit "$status" ;;
  bench)    setup_venv "test,bench"
            [ $# -ge 1 ] || { echo "usage: ./dev.sh bench NAME (a module in bench/)" >&2; exit 2; }
            name="$1"; shift; exec .venv/bin/python -m "bench.$name" "$@" ;;
  build)    setup_venv "test,build"; exec .venv/bin/pyinstaller --noconfirm build.spec "$@" ;;
  *) echo "usage: ./dev.sh run|headless|test|bench|build [args...]" >&2; exit 2 ;;
esac
