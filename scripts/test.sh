#!/usr/bin/env bash
# Install the project with its test extras in a fresh virtual environment and run every test.
# The README's test command and CI (.ci/run) both run this script.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  # The HTML report is checked in a real headless browser; that test fails (never skips) without one.
  echo "test.sh: installing Debian's chromium for the browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v curl >/dev/null 2>&1; then
  # docs/service.md's example is run with the real curl against a real `cqdt serve` (tests/test_service_docs.py).
  echo "test.sh: installing Debian's curl for the service guide's example" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi
venv=${CQDT_TEST_VENV:-.venv-test}
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check '.[dev]'
exec "$venv/bin/python" -m pytest "$@"
