#!/usr/bin/env bash
# Install the project with its test extras in a fresh virtual environment and run the tests.
# The README's test command and CI (.ci/run) both run this script.
#
#   bash scripts/test.sh                 every test, with every real component (browser, ...)
#   bash scripts/test.sh --quick         the quick subset (pytest -m "not slow", about a minute on 2 cores),
#                                        which needs none of the components
#   bash scripts/test.sh [--quick] ARGS  ARGS go to pytest (files, -k, -x, ...)
#
# Dependencies are installed at the exact versions of constraints.txt (CQDT_CONSTRAINTS names
# another file: CI also runs with constraints-oldest.txt). Every component a test needs is found
# or installed first; when one cannot be, the script stops with a message saying which and how to
# provide it, never carrying on into tests that would fail for that reason.
#
# A component is one function below that finds or installs it and calls `stop` when it cannot,
# called from the block at the end ("components the full run needs").
set -euo pipefail
cd "$(dirname "$0")/.."

stop() {
  echo "test.sh: $*" >&2
  exit 1
}

quick=0
if [[ "${1:-}" == "--quick" ]]; then
  quick=1
  shift
fi

# ---------------------------------------------------------------- Chromium (tests/test_report_browser.py)
# The HTML report is checked in a real headless browser. An installed one is used (CQDT_CHROMIUM, or
# chromium / chromium-browser on PATH); otherwise Debian's package is installed when this runs as root
# with apt-get. A browser build is never downloaded.
need_chromium() {
  local found=${CQDT_CHROMIUM:-}
  if [[ -n "$found" && ! -x "$found" ]]; then
    stop "CQDT_CHROMIUM is '$found', which is not an executable file: set it to the browser's path, or unset it to use chromium from PATH; or run the quick subset: bash scripts/test.sh --quick"
  fi
  if [[ -z "$found" ]]; then
    found=$(command -v chromium || command -v chromium-browser || true)
  fi
  if [[ -z "$found" ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "test.sh: installing Debian's chromium for the browser test" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
        || stop "could not install Debian's chromium (apt-get's message is above); install a Chromium and set CQDT_CHROMIUM to its path, or run the quick subset: bash scripts/test.sh --quick"
      found=$(command -v chromium || true)
    fi
  fi
  [[ -n "$found" && -x "$found" ]] \
    || stop "the browser test needs Chromium and none was found: install it (Debian: apt-get install chromium; macOS: a Chromium app) and set CQDT_CHROMIUM to its path, or run the quick subset: bash scripts/test.sh --quick"
  "$found" --version >/dev/null 2>&1 || stop "'$found --version' fails: the browser cannot start here"
  export CQDT_CHROMIUM=$found
}

# ---------------------------------------------------------------- PostgreSQL and Java (tests/test_sql_servers.py)
# The SQL back end is tested on a throwaway PostgreSQL cluster (Debian's binaries, started as the
# 'postgres' user) and a local Spark session (a Java runtime). Those tests fail, never skip, without
# them, so they are installed from Debian's packages when missing (as root with apt-get).
need_sql_servers() {
  local packages=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
  command -v java >/dev/null 2>&1 || packages+=(default-jdk-headless)
  if (( ${#packages[@]} )); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "test.sh: installing Debian's ${packages[*]} for the SQL back-end tests" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null; } \
        || stop "could not install Debian's ${packages[*]} (apt-get's message is above); install PostgreSQL's server binaries and a Java runtime (17 or later), or run the quick subset: bash scripts/test.sh --quick"
    else
      stop "the SQL back-end tests need ${packages[*]}: install PostgreSQL's server binaries and a Java runtime (17 or later), or run the quick subset: bash scripts/test.sh --quick"
    fi
  fi
  id postgres >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]] \
    || stop "running as root, the PostgreSQL test server runs as the 'postgres' user, which does not exist: install Debian's postgresql package"
}

# ---------------------------------------------------------------- curl (tests/test_service_docs.py)
# docs/service.md's example is run as written, with the real curl, against a real `cqdt serve`.
need_curl() {
  if ! command -v curl >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "test.sh: installing Debian's curl for the service guide's example" >&2
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null; } \
        || stop "could not install Debian's curl (apt-get's message is above); install curl, or run the quick subset: bash scripts/test.sh --quick"
    fi
  fi
  command -v curl >/dev/null 2>&1 \
    || stop "the service guide's example needs curl and none was found: install it, or run the quick subset: bash scripts/test.sh --quick"
}

# ---------------------------------------------------------------- Node and the TextMate engine (tests/test_textmate.py)
# The TextMate grammar of editors/vscode is tested with the engine VS Code uses: vscode-textmate and
# vscode-oniguruma from the npm registry, at the versions of editors/textmate-test/package-lock.json.
need_textmate_engine() {
  command -v node >/dev/null 2>&1 \
    || stop "the TextMate grammar test needs Node.js 18 or later (Debian: apt-get install nodejs npm); or run the quick subset: bash scripts/test.sh --quick"
  command -v npm >/dev/null 2>&1 || stop "the TextMate grammar test needs npm to install its two packages (Debian: apt-get install npm)"
  (cd editors/textmate-test && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || stop "could not install vscode-textmate and vscode-oniguruma from the npm registry (npm's message is above); run 'npm ci' in editors/textmate-test"
}

# ---------------------------------------------------------------- parallel runs (pytest-xdist)
# Two or more cores: the tests run in that many processes (the suite has no shared state between tests).
workers() {
  local cores
  cores=$(nproc 2>/dev/null || echo 1)
  if (( cores > 1 )); then
    echo "-n $cores"
  fi
}

# ---------------------------------------------------------------- the project and its test extras
install_project() {
  [[ -f "$constraints" ]] || stop "no constraints file '$constraints'"
  python3 -m venv "$venv" || stop "could not create a virtual environment in '$venv' (on Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check -c "$constraints" '.[dev]' \
    || stop "could not install the project with its 'dev' extra and the versions of $constraints (pip's message is above)"
}

# ---------------------------------------------------------------- run
# Components are found first (a missing one stops the script before the long install), then the project.
venv=${CQDT_TEST_VENV:-.venv-test}
# pytest keeps the modules it rewrites for assertions (the tests and its plugins', about 400) in __pycache__
# only when bytecode may be written: with PYTHONDONTWRITEBYTECODE set, every process of every run rewrites
# them again (about 3 s of each worker's start).
unset PYTHONDONTWRITEBYTECODE
constraints=${CQDT_CONSTRAINTS:-constraints.txt}
if (( quick )); then
  install_project
  exec "$venv/bin/python" -m pytest -m "not slow" $(workers) "$@"
fi
# components the full run needs
need_chromium
need_sql_servers
need_curl
need_textmate_engine
install_project
exec "$venv/bin/python" -m pytest $(workers) "$@"
