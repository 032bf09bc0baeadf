"""Scoring a national cohort through the Python API, as a whole process: ``load_assessments`` of a generated CSV of
N communes of the ``xa`` tier (100,000 by default, one cohort; in files of 25,000 units, as a data file holds at
most 32 MiB), ``score``, the results kept (``api_score.py``), beside the hand-written baseline
(``scale_handwritten.py``) on the same communes in one file, in the same run. Prints each
process's wall time, CPU time and peak resident memory (``wait4``), and their ratios; asserts no time. The two
outputs are compared unit by unit first (code, district, total, level, rank, every node's points).

    PYTHONPATH=src python benchmarks/bench_api_memory.py            # 100,000 communes
    PYTHONPATH=src python benchmarks/bench_api_memory.py --quick    # 2,000 communes
    options: --units N, --rounds N (the median of N runs of each process, interleaved),
             --breakdown N (then where the memory goes: bytes per unit of each part, traced in this process
             on N of the communes; 5,000 by default)

The goal (issue "Fast from the first keystroke to the last byte"): scoring 100,000 units through the API in at
most twice the hand-written scorer's peak memory."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_scale import ROOT, agree, generate, run, split

UNITS_PER_FILE = 25_000


def breakdown(data: Path, count: int) -> None:
    """Bytes per unit, traced (``tracemalloc``) in this process on ``count`` of the communes of ``data``: the
    assessments read, the checked values ``score`` keeps of each (the checker's copy of a unit, made again when
    asked for, is not kept), the results' own part, and what the results keep of the assessments read once the
    caller drops them."""
    import tracemalloc

    import cqdt_rules as cq
    from cqdt_rules.model.checking import check_assessments

    sample = data.with_name("sample.csv")
    with data.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
        out.writelines(line for _, line in zip(range(count + 1), source))
    ruleset = cq.load("egov_2020")
    cq.score(ruleset, cq.load_assessments(sample))  # every table and generated function made once, before tracing
    gc.collect()
    tracemalloc.start()

    def traced() -> int:
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    start = traced()
    assessments = cq.load_assessments(sample)
    read = traced()
    checked = check_assessments(ruleset.ruleset, assessments)
    values = [unit.values for unit in checked]
    del checked
    checked_values = traced() - read - sys.getsizeof(values)
    del values
    before = traced()
    results = cq.score(ruleset, assessments)
    scored = traced() - before
    del assessments
    kept = traced() - start - scored
    tracemalloc.stop()
    units = len(results.units)
    parts = {"assessments read (load_assessments)": read - start, "checked values (kept by the results)": checked_values,
             "results' own part": scored - checked_values,
             "of the assessments read, kept by the results once the caller drops them": kept}
    for label, size in parts.items():
        print(f"  {label:75s} {size / units:8,.0f} bytes a unit")
    print(f"  {'peak, the assessments read kept by the caller':75s} {(read - start + scored) / units:8,.0f} bytes a unit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000, help="communes (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 communes")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each process; the median is printed")
    parser.add_argument("--breakdown", type=int, nargs="?", const=5_000, default=0, metavar="N",
                        help="then the bytes per unit of each part, traced on N communes (5,000 by default)")
    args = parser.parse_args()
    count = 2_000 if args.quick else args.units
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        data, ours, theirs = folder / "communes.csv", folder / "api.csv", folder / "handwritten.csv"
        started = time.perf_counter()
        generate(data, count)
        print(f"generated {count:,} communes in {time.perf_counter() - started:.1f} s: {data.stat().st_size / 1e6:,.0f} MB of CSV")
        parts = folder / "parts"
        split(data, parts, UNITS_PER_FILE)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")])}
        commands = {
            "hand-written (csv + Decimal + straight-line scorer)":
                [sys.executable, str(ROOT / "benchmarks" / "scale_handwritten.py"), str(data), str(theirs)],
            "API: load_assessments + score, results kept":
                [sys.executable, str(ROOT / "benchmarks" / "api_score.py"), str(parts), str(ours)],
        }
        runs: dict[str, list[tuple[float, int, float]]] = {label: [] for label in commands}
        for _ in range(args.rounds):
            for label, command in commands.items():
                runs[label].append(run(command, env))
        rows = agree(ours, theirs, "csv")
        print(f"{rows:,} units: the API and the hand-written scorer agree unit by unit (total, level, rank, points)")
        timed = {label: tuple(statistics.median(r[i] for r in found) for i in range(3)) for label, found in runs.items()}
        (_, base_peak, base_cpu), (_, peak, cpu) = timed.values()
        for label, (elapsed, resident, used) in timed.items():
            print(f"{label:55s} {elapsed:8.1f} s wall {used:8.1f} s CPU {resident / 2 ** 20:8,.0f} MiB peak"
                  f"  {used / base_cpu:5.2f}x CPU time  {resident / base_peak:5.2f}x memory")
        print(f"peak {peak / 2 ** 20:,.0f} MiB against the goal of 2x the hand-written scorer's "
              f"({2 * base_peak / 2 ** 20:,.0f} MiB): " + ("met" if peak <= 2 * base_peak else "NOT met"))
        if args.breakdown:  # last: a process started after it would count this one's memory in its own peak
            print(f"where the memory goes ({min(args.breakdown, count):,} communes, tracemalloc):")
            breakdown(data, min(args.breakdown, count))


if __name__ == "__main__":
    main()
