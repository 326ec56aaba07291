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
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_venv() {
  local extras="$1" stamp=".venv/.installed-$1"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
}

cmd="${1:-run}"
shift || true
# PyInstaller reads shared-library dependencies with objdump.
if [ "$cmd" = build ]; then DEBIAN_PACKAGES+=(binutils); fi
setup_debian
case "$cmd" in
  run)      setup_venv test; exec .venv/bin/gatewatch "$@" ;;
  headless) setup_venv test; exec .venv/bin/gatewatch --headless "$@" ;;
  test)     setup_venv test
            export QT_QPA_PLATFORM=offscreen
            .venv/bin/ruff check .
            .venv/bin/lint-imports
            exec .venv/bin/python -m pytest "$@" ;;
  bench)    setup_venv "test,bench"
            [ $# -ge 1 ] || { echo "usage: ./dev.sh bench NAME (a module in bench/)" >&2; exit 2; }
            name="$1"; shift; exec .venv/bin/python -m "bench.$name" "$@" ;;
  build)    setup_venv "test,build"; exec .venv/bin/pyinstaller --noconfirm build.spec "$@" ;;
  *) echo "usage: ./dev.sh run|headless|test|bench|build [args...]" >&2; exit 2 ;;
esac
