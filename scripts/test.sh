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
# The SQL back end is tested on a throwaway PostgreSQL cluster and a local Spark session (tests marked
# sql_server); those tests fail, never skip, without Debian's PostgreSQL binaries and a Java runtime.
sql_server_packages=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || sql_server_packages+=(postgresql)
command -v java >/dev/null 2>&1 || sql_server_packages+=(default-jdk-headless)
if [ ${#sql_server_packages[@]} -gt 0 ]; then
  echo "test.sh: installing Debian's ${sql_server_packages[*]} for the SQL back-end tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${sql_server_packages[@]}" >/dev/null
fi
venv=${CQDT_TEST_VENV:-.venv-test}
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check '.[dev]'
exec "$venv/bin/python" -m pytest "$@"
