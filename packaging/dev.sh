#!/usr/bin/env bash
# Set up a checkout and run the app or the whole test suite.
#   bash packaging/dev.sh run    install what the app needs, then start it
#   bash packaging/dev.sh test   install what the tests need, then run pytest [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian/Ubuntu packages: PortAudio and the X/xcb libraries Qt needs to run,
# the tools that put text into other applications (xdotool on X11, wtype and
# wl-clipboard on Wayland) and play the cue sounds (paplay), plus the real
# components the tests drive (X server, sound server, speech synthesis, a
# Secret Service keyring and D-Bus, xclip as an independent clipboard client,
# CJK fonts).
RUN_PACKAGES=(libportaudio2 libasound2-plugins libegl1 libgl1 libfontconfig1 libdbus-1-3
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-noto-cjk
  xdotool wtype wl-clipboard pulseaudio-utils)
TEST_PACKAGES=(xvfb pulseaudio espeak-ng sox dbus-x11 gnome-keyring xclip)

install_debian_packages() {
  command -v dpkg-query >/dev/null || { echo "not a Debian-like system: install the equivalents of: $*" >&2; return 0; }
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "installing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_env() {
  local python=${PYTHON:-python3}
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Python 3.11 or newer is needed (found $("$python" --version))" >&2; exit 1; }
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$1" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import dictation_app' # fail here if the install did not work
}

case "${1:-}" in
  run)
    install_debian_packages "${RUN_PACKAGES[@]}"
    python_env ""
    shift
    exec .venv/bin/dictation-app "$@"
    ;;
  test)
    install_debian_packages "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_env "[test]"
    shift
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: bash packaging/dev.sh run|test [ARGS...]" >&2
    exit 2
    ;;
esac
