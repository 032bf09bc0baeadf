"""The checker benchmark runs in quick mode and prints its ratio lines (no time is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")


def test_checker_benchmark_quick_mode_prints_every_ratio() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_checker.py"), "--quick", "--repeat", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("rulesets/2020/egov.cqdt:", "rulesets/2023_dts/dti.cqdt:", "ratio check x5 / (5 x check x1)",
                 "400 yes/no criteria in one tier", "2500 bands in one rule", "ratio time per item at 2500 / at 100"):
        assert line in done.stdout, f"missing '{line}' in:\n{done.stdout}"
