#!/usr/bin/env bash
# Sets up and runs the whole test suite: unit, ETL, fake-GitHub, AppTest and the browser smoke test.
# The browser test needs Debian's chromium; as root this installs it when missing.
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -x /usr/bin/chromium && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "» installing Debian's chromium for the browser smoke test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "» could not install chromium: the browser smoke test will be skipped"
fi
source scripts/setup.sh requirements-test.txt
exec .venv/bin/python -m pytest "$@"
