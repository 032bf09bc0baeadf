"""The report-scaling benchmark (benchmarks/bench_report.py) runs on small cohorts and prints each format's
figures beside the scoring baseline. No time is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def test_report_benchmark_runs() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_report.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("score --format csv (baseline)", "API score, results kept (baseline)", "report --formats html",
                 "report --formats md"):
        assert done.stdout.count(line) == 3, done.stdout  # at each of the two sizes, and in the per-unit summary
    assert "peak memory at 1,000 units against the results kept" in done.stdout, done.stdout
