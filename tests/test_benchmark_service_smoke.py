"""The service load benchmark runs in quick mode against a real `cqdt serve` on 127.0.0.1 and prints
its figures; the server's answers are checked (SO13 118.348, Mức I; 220 communes). No time is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")


def test_service_benchmark_quick_mode_prints_its_figures() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_service.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DISAGREEMENT" not in done.stdout
    for case in ("one unit (SO13)", "220-commune cohort"):
        for figure in ("requests/s, p50", "in process (cq.score + to_json)", "HTTP p50 - in-process p50 ="):
            assert f"{case}: HTTP" in done.stdout and figure in done.stdout, done.stdout
