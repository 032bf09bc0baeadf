"""The engine benchmark runs in quick mode, prints its ratios, and finds the engine and the hand-written scorer agreeing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_quick_mode_prints_ratios_and_agreement() -> None:
    """No time threshold: only that it runs, agrees unit by unit, and reports every ratio line."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_engine.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "DISAGREEMENT" not in out
    assert "AGREE: engine and hand-written totals identical for 200/200 units" in out
    for line in ("ratio load_text / (json.loads + prepare)", "ratio engine per-unit path / hand-written",
                 "ratio engine closures only / hand-written", "ratio engine api.score / hand-written"):
        assert line in out, f"missing '{line}' in:\n{out}"
    assert "rulesets/2020/egov.cqdt, 257 generated units" in out
