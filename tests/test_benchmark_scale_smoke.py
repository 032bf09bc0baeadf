"""The national-cohort benchmarks run on a small cohort: `cqdt score --format csv` (benchmarks/bench_scale.py) and
the API's process (benchmarks/bench_api_memory.py) each agree with the hand-written baseline row by row, and the
figures are printed. No time or memory is checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")


def _quick_run(script: str, *options: str) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--quick", *options],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_scale_benchmark_runs_and_agrees_with_the_hand_written_scorer() -> None:
    out = _quick_run("bench_scale.py")
    assert "2,000 rows: cqdt and the hand-written scorer agree row by row" in out, out
    assert "hand-written (csv + Decimal + straight-line scorer)" in out and "cqdt score egov_2020 --format csv" in out
    assert "MiB peak" in out and "x CPU time" in out


@pytest.mark.parametrize(("options", "command"), [
    (("--format", "table", "--input", "csv-files"), "cqdt score egov_2020 --format table (CSV files)"),
    (("--engine", "duckdb", "--format", "table"), "cqdt score egov_2020 --format table --engine duckdb"),
])
def test_the_table_and_duckdb_paths_of_the_scale_benchmark_agree_with_the_hand_written_scorer(
        options: tuple[str, ...], command: str) -> None:
    out = _quick_run("bench_scale.py", *options)
    assert "2,000 rows: cqdt and the hand-written scorer agree row by row (rank, district, total, level; aligned)" in out, out
    assert command in out and "MiB peak" in out


def test_api_memory_benchmark_runs_and_agrees_with_the_hand_written_scorer() -> None:
    out = _quick_run("bench_api_memory.py", "--breakdown", "500")
    assert "2,000 units: the API and the hand-written scorer agree unit by unit" in out, out
    assert "hand-written (csv + Decimal + straight-line scorer)" in out and "API: load_assessments + score" in out
    assert "MiB peak" in out and "x CPU time" in out
    assert "where the memory goes (500 communes, tracemalloc):" in out and "checked values (kept by the results)" in out
    assert out.count("bytes a unit") == 5
