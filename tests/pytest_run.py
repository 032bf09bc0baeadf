"""Run pytest in a subprocess the way a user would, for the tests of the pytest plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _plugin_is_installed() -> bool:
    return any(entry.value == "cqdt_rules.authoring.pytest_plugin" for entry in entry_points(group="pytest11"))


def run_pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """An installed cqdt-rules registers its plugin through the pytest11 entry point; from a source
    checkout (PYTHONPATH=src) there is no entry point, so the plugin is named with -p."""
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    plugin = [] if _plugin_is_installed() else ["-p", "cqdt_rules.authoring.pytest_plugin"]
    return subprocess.run([sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", "-o", "addopts=", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
