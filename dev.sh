#!/usr/bin/env bash
# PushLab's two quick-start commands, for a fresh Debian 12 machine:
#   ./dev.sh run    install what is missing, build, run the bundled scenarios with ladders
#   ./dev.sh test   install what is missing, build, run the whole test suite
# and for CI:
#   ./dev.sh sanitize   the test suite again under AddressSanitizer + UBSan
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential meson ninja-build pkg-config
  libglib2.0-dev libglib2.0-dev-bin
  libsofia-sip-ua-dev libsofia-sip-ua-glib-dev
  libxml2-dev libxml2-utils
  libgtk-4-dev xvfb xauth
  tshark
)

install_missing () {
  local missing=() pkg sudo=""
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "dev.sh: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  # tshark asks whether non-root users may capture: the default (no) is fine.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

build () {
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" --werror "$@"
  fi
  ninja -C "$dir"
}

case "${1:-}" in
  run)
    install_missing
    build _build
    exec ./_build/models/pushlab run scenarios --ladder
    ;;
  test)
    install_missing
    build _build
    exec meson test -C _build --print-errorlogs --num-processes 2
    ;;
  sanitize)
    install_missing
    build _build-sanitize -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      exec meson test -C _build-sanitize --print-errorlogs --num-processes 2
    ;;
  bench)
    install_missing
    build _build
    exec meson test -C _build --benchmark --verbose
    ;;
  *)
    echo "usage: $0 run|test|sanitize|bench" >&2
    exit 2
    ;;
esac
