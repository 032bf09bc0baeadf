"""The shipped ``egov_2020`` tier ``xa`` scored by a hand-written scorer, by GoRules ZEN and by this engine's paths,
in one run, on the sample's 220 communes and on a synthetic cohort (10,000 by default). Prints each path's time
per unit and its ratio to the hand-written scorer; asserts no time. Before timing, every path's total, level and
rank (and the hand-written scorer's points of every node) are compared unit by unit; any difference stops the run.

    PYTHONPATH=src python benchmarks/bench_xa.py              # sample + 10,000 synthetic communes
    PYTHONPATH=src python benchmarks/bench_xa.py --quick      # sample + 1,000, fewer repetitions
    options: --units N, --repeat N (median of N interleaved rounds), --wall (wall clock, not CPU time)

ZEN needs the ``bench`` extra (``pip install -e '.[bench]'``). Python's garbage collector keeps its defaults:
the figures are what a program using the library gets."""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xa_handwritten
import xa_zen

import cqdt_rules as cq
from cqdt_rules.engine.evaluator import _score_unit, checked_data
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import check_assessments, tier_values

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv"


def synthetic(sample: tuple[Assessment, ...], count: int, seed: int = 2022) -> list[Assessment]:
    """``count`` communes made from the sample's: new codes, the same districts, values redrawn within their
    ranges (pairs keep a <= b, a few b = 0), so totals, levels and ranks spread as in a real cohort."""
    rng = random.Random(seed)
    made = []
    for i in range(count):
        base = sample[i % len(sample)]
        values: dict[str, Any] = {}
        for name, value in base.values.items():
            if isinstance(value, list):  # a pair as read from the file: [a, b]
                b = int(value[1]) if rng.random() > 0.02 else 0
                values[name] = [str(rng.randint(0, b) if rng.random() < 0.7 else b), str(b)]
            elif value in ("yes", "no"):
                values[name] = "yes" if rng.random() < 0.7 else "no"
            else:
                values[name] = value
        evidence = {k: v for k, v in base.evidence.items() if rng.random() < 0.9}
        made.append(Assessment(f"S{i:07d}", f"{base.name} {i}", "xa", base.year, base.source, values, evidence,
                               parent=base.parent))
    return made


def typed(checked: tuple[Assessment, ...]) -> list[dict[str, Any]]:
    """The hand-written scorer's input: checked values as plain Python, pairs as (a, b)."""
    units = []
    for a in checked:
        unit: dict[str, Any] = {k: (v.a, v.b) if isinstance(v, Pair) else v for k, v in a.values.items()}
        unit.update(code=a.code, district=a.parent or "", evidence={k for k, refs in a.evidence.items() if refs})
        units.append(unit)
    return units


def agree(label: str, results: cq.Results, units: list[dict[str, Any]], zen_run: Any) -> None:
    """Stop the run unless the engine, the hand-written scorer and ZEN agree on every unit."""
    scored, ranks = xa_handwritten.run(units)
    zen_scores = zen_run([xa_zen.zen_input(u) for u in units]) if zen_run else None
    engine = {u.code: u for u in results}
    levels = {"I": 1, "II": 2, "III": 3, "IV": 4, None: 0}
    problems = []
    for i, unit in enumerate(units):
        mine = engine[unit["code"]]
        total, level, points = scored[i]
        engine_points = tuple(mine.nodes[n].points for n in xa_handwritten.NODES)
        if (mine.total, levels[mine.level.id if mine.level else None], mine.rank("huyen"), engine_points) \
                != (total, level, ranks[i], points):
            problems.append(f"{unit['code']}: engine {mine.total} hand-written {total}")
        if zen_scores is not None and zen_scores[i] != (total, level):
            problems.append(f"{unit['code']}: ZEN {zen_scores[i]} hand-written {(total, level)}")
    if problems:
        print(f"DISAGREEMENT on {label}: " + "; ".join(problems[:5]), file=sys.stderr)
        raise SystemExit(1)
    paths = "engine, hand-written" + (", ZEN" if zen_run else "")
    print(f"{label}: {len(units)} units, {paths} agree unit by unit (total, level, rank; node points with the hand-written)")


Timings = dict[str, list[float]]
"""Seconds of each round of each path, in the order run."""


def timed(paths: dict[str, Callable[[], object]], repeat: int, clock: Callable[[], float]) -> Timings:
    """Seconds of each path in each of ``repeat`` interleaved rounds (a slow spell hits every path)."""
    times: Timings = {name: [] for name in paths}
    for _ in range(repeat):
        for name, run in paths.items():
            gc.collect()
            start = clock()
            run()
            times[name].append(clock() - start)
    return times


def cohort_paths(checked_ruleset: cq.CheckedRuleset, raw: list[Assessment], zen_run: Any) -> dict[str, Callable[[], object]]:
    checked = check_assessments(checked_ruleset.ruleset, raw)
    tier = checked_ruleset.compiled.tiers["xa"]
    units = typed(checked)
    contexts = [xa_zen.zen_input(u) for u in units]
    no_maxima: dict[tuple[str, str], Decimal] = {}
    paths: dict[str, Callable[[], object]] = {"hand-written scorer (typed values)": lambda: xa_handwritten.run(units)}
    if zen_run:
        paths["GoRules ZEN, one evaluate per unit"] = lambda: zen_run(contexts)
    if tier.unit_fn is not None:
        fn = tier.unit_fn
        paths["engine: generated tier function only"] = lambda: [fn(a.values, a.evidence, no_maxima) for a in checked]
    paths["engine: per-unit path on checked values"] = lambda: [_score_unit(tier, a, no_maxima) for a in checked]
    paths["engine: data checking only"] = lambda: check_assessments(checked_ruleset.ruleset, raw)
    read = tier_values(checked_ruleset.ruleset.tier("xa"))._reader(False)
    paths["  of which the tier's value reader"] = lambda: [read(a.values) for a in raw]
    paths["engine: every data check, by cohort"] = lambda: checked_data(checked_ruleset.ruleset, raw, False)
    paths["engine: api.score (checking + scoring + ranks)"] = lambda: cq.score(checked_ruleset, raw)
    paths["engine: api.score + explain() of each unit"] = lambda: [u.explain() for u in cq.score(checked_ruleset, raw)]
    paths["engine: api.score + explain('vi') of each unit"] = \
        lambda: [u.explain("vi") for u in cq.score(checked_ruleset, raw)]
    paths["engine: api.score + to_json()"] = lambda: cq.score(checked_ruleset, raw).to_json()
    return paths


def report(label: str, count: int, rounds: Timings) -> None:
    """Each path's median per unit and its ratio to the hand-written scorer; then what explanations and JSON add to
    ``api.score``, in the median round and in the first. The first explains the cohort's units for the first time,
    as a program explaining a cohort once does: on the sample it makes the tier's writers too (generated and
    compiled once per process); the rounds after find the cohort's frequent texts kept (bounded) by those writers."""
    times = {name: statistics.median(found) for name, found in rounds.items()}
    base = times["hand-written scorer (typed values)"]
    print(f"\n{label}, {count} units: time per unit, × hand-written")
    for name, seconds in times.items():
        print(f"  {name:50s} {seconds / count * 1e6:9.1f} µs  {seconds / base:6.2f}×")
    scoring = times["engine: api.score (checking + scoring + ranks)"]
    for name, what in (("engine: api.score + explain() of each unit", "explain()"),
                       ("engine: api.score + explain('vi') of each unit", "explain('vi')"),
                       ("engine: api.score + to_json()", "to_json()")):
        added, first = times[name] - scoring, rounds[name][0] - scoring
        print(f"  {what} adds {added / count * 1e6:.1f} µs per unit: {added / scoring:.2f}× api.score, "
              f"{added / base:.2f}× the hand-written scorer; first round {first / count * 1e6:.1f} µs, "
              f"{first / scoring:.2f}× (goal: ≤ 1× api.score)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 synthetic units, 3 rounds")
    parser.add_argument("--units", type=int, help="synthetic cohort size (default 10,000; 1,000 with --quick)")
    parser.add_argument("--repeat", type=int, help="rounds per path, the median is printed (default 5; 3 with --quick)")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of this process's CPU time")
    parser.add_argument("--no-zen", action="store_true", help="leave GoRules ZEN out (without the bench extra)")
    args = parser.parse_args()
    count = args.units or (1_000 if args.quick else 10_000)
    repeat = args.repeat or (3 if args.quick else 5)
    clock = time.perf_counter if args.wall else time.process_time
    zen_run = None if args.no_zen else xa_zen.setup()
    print(f"Python {sys.version.split()[0]}, {'wall-clock' if args.wall else 'CPU'} time, median of {repeat} rounds, "
          f"collector at Python's defaults {gc.get_threshold()}")
    ruleset = cq.load("egov_2020")
    sample = cq.load_assessments(SAMPLE)
    cohorts = (("sample xa tier (Gia Lai, 2022 audit)", list(sample)), ("synthetic xa cohort", synthetic(sample, count)))
    for label, raw in cohorts:
        agree(label, cq.score(ruleset, raw), typed(check_assessments(ruleset.ruleset, raw)), zen_run)
    for label, raw in cohorts:
        report(label, len(raw), timed(cohort_paths(ruleset, raw, zen_run), repeat, clock))


if __name__ == "__main__":
    main()
