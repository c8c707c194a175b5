#!/usr/bin/env bash
# What the tests use beside the JVM, from Debian's packages: headless Chromium (ReportTest looks
# at the HTML report) and pandas (TableExportTest reads the exported tables as a Python user
# would). Maven runs this twice, so that `mvn verify` on a fresh Debian machine installs them:
#   start STATE_DIR  (first phase) starts the install in the background and returns at once, so
#                    that it overlaps Maven's downloads and the compile (~30 s of apt on a fresh
#                    machine, which the build waited for before);
#   wait STATE_DIR   (just before the tests) waits for it and fails as the install failed; with
#                    no install started (a build that skipped the first phase), installs here.
set -euo pipefail
mode=$1
state=$2
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Debian's own Python, whatever python3 is first on the PATH (pyenv's does not see Debian's).
/usr/bin/python3 -c 'import pandas; pandas.DataFrame' >/dev/null 2>&1 || missing+=(python3-pandas)

install() {
  if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || {
      echo "the tests need Debian's ${missing[*]}: apt-get install -y ${missing[*]} (as root)" >&2
      return 1
    }
  else
    SUDO=
  fi
  echo "installing Debian's ${missing[*]} for the tests"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

case "$mode" in
  start)
    mkdir -p "$state"
    # What an interrupted build left: else its dead install would fail this build's wait.
    rm -f "$state/exit" "$state/pid"
    if [ ${#missing[@]} -eq 0 ]; then
      exit 0
    fi
    echo "installing Debian's ${missing[*]} for the tests, in the background"
    # Off Maven's output streams, which Maven would otherwise wait on; the exit code in its
    # file marks the install finished.
    (set +e; install; echo $? > "$state/exit") > "$state/install.log" 2>&1 < /dev/null &
    echo $! > "$state/pid"
    ;;
  wait)
    if [ -f "$state/pid" ]; then
      while [ ! -f "$state/exit" ]; do
        kill -0 "$(cat "$state/pid")" 2>/dev/null || [ -f "$state/exit" ] || {
          echo "the background install of the test tools stopped without an exit code" >&2
          cat "$state/install.log" >&2
          exit 1
        }
        sleep 1
      done
      code=$(cat "$state/exit")
      rm -f "$state/pid"
      if [ "$code" -ne 0 ]; then
        cat "$state/install.log" >&2
        exit "$code"
      fi
    elif [ ${#missing[@]} -gt 0 ]; then
      install
    fi
    ;;
  *)
    echo "usage: $0 start|wait STATE_DIR" >&2
    exit 2
    ;;
esac
