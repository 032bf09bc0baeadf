"""How `cqdt report` scales: the whole process for each output format on cohorts of 1,000 and 10,000 communes (the
``xa`` tier of ``egov_2020``, made as ``bench_scale.py`` makes them), beside two baselines timed in the same run:
`cqdt score --format csv` of the same files (reading, checking and scoring: what every report starts with) and the
API scoring them and keeping the results (``api_score.py``: the memory a report cannot do without, since it reads
every unit's results). Prints wall time, CPU time and peak resident memory (the median of ``--rounds`` runs of each
process), the time per unit at each size (flat when no step is quadratic), the ratio to the scoring baseline, and
each format's peak memory at the largest size against the results kept; asserts no time.

    PYTHONPATH=src python benchmarks/bench_report.py                  # 1,000 and 10,000 communes, html, md, xlsx, docx
    PYTHONPATH=src python benchmarks/bench_report.py --quick          # 200 and 1,000 communes, html and md
    options: --sizes 1000,10000,100000   --formats html,md   --rounds 3"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench_scale import generate, run

ROOT = Path(__file__).resolve().parent.parent


UNITS_PER_FILE = 50_000
"""A report reads a cohort of more than this many communes from a folder of files of at most this many (a data
file may hold at most 32 MiB, about 79,000 generated communes)."""


def make_cohort(folder: Path, size: int) -> None:
    """``size`` communes made as ``bench_scale.py`` makes them, in files of at most ``UNITS_PER_FILE`` in ``folder``."""
    folder.mkdir()
    whole = folder.with_suffix(".csv")
    generate(whole, size)
    with whole.open(encoding="utf-8") as lines:
        header = next(lines)
        for number, start in enumerate(range(0, size, UNITS_PER_FILE), 1):
            with (folder / f"part-{number}.csv").open("w", encoding="utf-8") as part:
                part.write(header)
                part.writelines(line for _, line in zip(range(UNITS_PER_FILE), lines))
    whole.unlink()


SCORING = "score --format csv (baseline)"
KEPT = "API score, results kept (baseline)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--formats", default="html,md,xlsx,docx")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each process, interleaved; the median is printed")
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 communes, html and md")
    args = parser.parse_args()
    sizes = [200, 1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    formats = ["html", "md"] if args.quick else args.formats.split(",")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")])}
    cqdt = [sys.executable, "-m", "cqdt_rules"]
    per_unit: dict[str, list[float]] = {}
    timed: dict[str, tuple[float, ...]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sizes:
            data = folder / f"communes-{size}"
            make_cohort(data, size)
            commands = {SCORING: [*cqdt, "score", "egov_2020", str(data), "--format", "csv", "--out", str(folder / "scores.csv")],
                        KEPT: [sys.executable, str(ROOT / "benchmarks" / "api_score.py"), str(data), str(folder / "kept.csv")]}
            outs = {form: folder / f"report-{size}-{form}" for form in formats}
            commands.update((f"report --formats {form}", [*cqdt, "report", "egov_2020", str(data), "--out", str(out),
                                                          "--formats", form]) for form, out in outs.items())
            runs: dict[str, list[tuple[float, int, float]]] = {label: [] for label in commands}
            for _ in range(args.rounds):
                for label, command in commands.items():
                    runs[label].append(run(command, env))
            for form, out in outs.items():
                written = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
                print(f"{size:>7,} units: {form} wrote {written / 1e6:,.2f} MB")
            timed = {label: tuple(statistics.median(r[i] for r in found) for i in range(3)) for label, found in runs.items()}
            base = timed[SCORING][2]
            for label, (elapsed, peak, used) in timed.items():
                per_unit.setdefault(label, []).append(used / size)
                print(f"{size:>7,} units  {label:36s} {elapsed:7.2f} s wall {used:7.2f} s CPU {peak / 2 ** 20:7,.0f} MiB peak"
                      f"  {used / size * 1e3:7.2f} ms CPU per unit  {used / base:5.2f}x the scoring")
    print("CPU time per unit, largest cohort against smallest (1.0: linear; far above: a step grows faster than the cohort):")
    for label, costs in per_unit.items():
        print(f"  {label:36s} {costs[-1] / costs[0]:5.2f}")
    kept = timed[KEPT][1]
    print(f"peak memory at {sizes[-1]:,} units against the results kept ({kept / 2 ** 20:,.0f} MiB):")
    for form in formats:
        peak = timed[f"report --formats {form}"][1]
        print(f"  {form:6s} {peak / 2 ** 20:7,.0f} MiB  {peak / kept:5.2f}x")


if __name__ == "__main__":
    main()
