#!/bin/sh
# Add Gatewatch to the desktop menu for this user: ./install-desktop-entry.sh [PROGRAM_FOLDER]
# PROGRAM_FOLDER is the unpacked one-folder build (default /opt/gatewatch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
program=${1:-/opt/gatewatch}
icons="$here/../icons"
[ -d "$icons" ] || icons="$program/_internal/assets/icons"
data=${XDG_DATA_HOME:-$HOME/.local/share}
for size in 16 32 48 64 128 256 512; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$icons/gatewatch-$size.png" "$data/icons/hicolor/${size}x${size}/apps/gatewatch.png"
done
mkdir -p "$data/applications"
sed "s|^Exec=.*|Exec=$program/gatewatch|" "$here/gatewatch.desktop" > "$data/applications/gatewatch.desktop"
echo "Gatewatch added to the menu (Exec=$program/gatewatch)"
