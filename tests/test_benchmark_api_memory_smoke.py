"""The API memory benchmark (benchmarks/bench_api_memory.py) runs on a small cohort: the API process and the
hand-written baseline agree unit by unit, and both figures are printed. No time or memory is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")


def test_api_memory_benchmark_runs_and_agrees_with_the_hand_written_scorer() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_api_memory.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "2,000 units: the API and the hand-written scorer agree unit by unit" in out, out
    assert "hand-written (csv + Decimal + straight-line scorer)" in out and "API: load_assessments + score" in out
    assert "MiB peak" in out and "x CPU time" in out
