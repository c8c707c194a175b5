#!/usr/bin/env bash
# ReportTest looks at the HTML report in headless Chromium (Debian's package). Maven runs this
# before the tests, so `mvn verify` on a fresh Debian machine installs what the tests need.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null 2>&1 || {
    echo "the tests need Debian's chromium: apt-get install -y chromium (as root)" >&2
    exit 1
  }
else
  SUDO=
fi
echo "installing Debian's chromium for the report test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
