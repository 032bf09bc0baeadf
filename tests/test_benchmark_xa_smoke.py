"""The xa benchmark (benchmarks/bench_xa.py) runs: the hand-written scorer, GoRules ZEN and the engine's paths
agree unit by unit on the sample and on a small synthetic cohort, and every path's ratio is printed. No time
is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parents[1]


def test_xa_benchmark_runs_and_every_path_agrees() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_xa.py"), "--units", "300", "--repeat", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "220 units, engine, hand-written, ZEN agree unit by unit" in out, out
    assert "300 units, engine, hand-written, ZEN agree unit by unit" in out, out
    for path in ("GoRules ZEN, one evaluate per unit", "engine: generated tier function only",
                 "engine: per-unit path on checked values", "engine: data checking only", "of which the tier's value reader",
                 "engine: every data check, by cohort", "engine: api.score (checking + scoring + ranks)",
                 "engine: api.score + explain() of each unit", "engine: api.score + explain('vi') of each unit",
                 "engine: api.score + to_json()"):
        assert out.count(path) == 2, f"missing '{path}' in:\n{out}"
    assert out.count("explain() adds") == 2 and out.count("explain('vi') adds") == 2 and out.count("to_json() adds") == 2, out
    assert out.count("first round") == 6, out
