"""Whole processes as a user runs them: `python -c pass` (the floor), loading a shipped ruleset by id from Python,
`cqdt --version`, `cqdt check` of a shipped ruleset, `cqdt score` of the sample's 220 communes (CSV) beside the
hand-written scorer of the same file as a whole process (`scale_handwritten.py`: csv + Decimal, no checks), and
the main job `cqdt summary` (2022 against 2021).
Each is run in interleaved rounds (a slow spell of the shared machine hits every command), after one round that
warms the private caches and Python's bytecode caches (an installed package comes with its modules compiled, so
``PYTHONDONTWRITEBYTECODE`` is not passed on: without it every run would compile the package's source again, about
40 ms); the medians of wall and CPU time are printed, with the ratio to `python -c pass`.
``--against DIR`` runs the same commands from another checkout too (the code before a change, e.g. an extract of
main), in the same rounds, and prints after/before. Asserts no time.

    PYTHONPATH=src python benchmarks/bench_startup.py                          # 7 rounds
    PYTHONPATH=src python benchmarks/bench_startup.py --against /tmp/main      # before (DIR) and after (this checkout)
    options: --rounds N"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "examples/gialai"
HANDWRITTEN = "hand-written scorer, <220 communes>.csv (whole process)"
SCORE = "cqdt score egov_2020 <220 communes>.csv --format csv"
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "import cqdt_rules; load('egov_2020')": ["-c", "import cqdt_rules as cq; cq.load('egov_2020')"],
    "cqdt --version": ["-m", "cqdt_rules", "--version"],
    "cqdt check rulesets/2020/egov.cqdt": ["-m", "cqdt_rules", "check", "rulesets/2020/egov.cqdt"],
    SCORE:
        ["-m", "cqdt_rules", "score", "egov_2020", f"{SAMPLE}/egov-2022-audit-xa.csv", "--format", "csv"],
    HANDWRITTEN: ["benchmarks/scale_handwritten.py", f"{SAMPLE}/egov-2022-audit-xa.csv", os.devnull],
    "cqdt summary egov_2020 <2022> --previous <2021>":
        ["-m", "cqdt_rules", "summary", "egov_2020", f"{SAMPLE}/egov-2022-audit.yaml", "--previous", f"{SAMPLE}/egov-2021-audit.yaml"],
}


def run(root: Path, arguments: list[str]) -> tuple[float, float]:
    """Wall and CPU time (user + system) of one process run from ``root``."""
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(root / "src")}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *arguments], cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed in {root}: {' '.join(arguments)}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout, run in the same rounds (before a change)")
    args = parser.parse_args()
    trees = {"before": args.against, "after": ROOT} if args.against else {"this checkout": ROOT}
    found: dict[tuple[str, str], list[tuple[float, float]]] = {(t, c): [] for t in trees for c in COMMANDS}
    for round_ in range(args.rounds + 1):
        for command, arguments in COMMANDS.items():
            for tree, root in trees.items():
                figures = run(root, arguments)
                if round_:  # the first round warms the caches
                    found[(tree, command)].append(figures)
    medians = {key: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
               for key, runs in found.items()}
    for tree in trees:
        floor = medians[(tree, "python -c pass")]
        print(f"{tree} ({trees[tree]}), medians of {args.rounds} rounds:")
        for command in COMMANDS:
            wall, cpu = medians[(tree, command)]
            print(f"  {command:55s} {wall * 1e3:7.0f} ms wall ({wall / floor[0]:5.1f}x)  {cpu * 1e3:7.0f} ms CPU "
                  f"({cpu / floor[1]:5.1f}x python -c pass)")
        print(f"  {SCORE} / the hand-written scorer's whole process: "
              f"{medians[(tree, SCORE)][1] / medians[(tree, HANDWRITTEN)][1]:.1f}x CPU")
    if args.against:
        print("after / before (CPU time):")
        for command in COMMANDS:
            print(f"  {command:55s} {medians[('after', command)][1] / medians[('before', command)][1]:5.2f}")


if __name__ == "__main__":
    main()
