"""The reading benchmark (benchmarks/bench_reading.py) runs on a few hundred communes: the CSV and YAML readers give
the same units as each other and as many as the baselines, and every figure is printed. No time or memory is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_reading_benchmark_runs_and_the_readers_agree() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_reading.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "300 units: the CSV and YAML readers give the same units, and as many as the baselines" in out, out
    for label in ("csv + Decimal (baseline)", "cqdt load_assessments, CSV", "libyaml yaml.load (baseline)",
                  "cqdt load_assessments, YAML (unit by unit)", "cqdt YAML read whole (the reader before)",
                  "YAML unit by unit, 1,200 units"):
        assert label in out, out
    assert out.count("MiB peak") == 5 and out.count("us/unit") == 6, out
