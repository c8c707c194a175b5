#!/usr/bin/env bash
# What the tests use beside the JVM, from Debian's packages: headless Chromium (ReportTest looks
# at the HTML report) and pandas (TableExportTest reads the exported tables as a Python user
# would). Maven runs this before the tests, so `mvn verify` on a fresh Debian machine installs
# them.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Debian's own Python, whatever python3 is first on the PATH (pyenv's does not see Debian's).
/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || missing+=(python3-pandas)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null 2>&1 || {
    echo "the tests need Debian's ${missing[*]}: apt-get install -y ${missing[*]} (as root)" >&2
    exit 1
  }
else
  SUDO=
fi
echo "installing Debian's ${missing[*]} for the tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
