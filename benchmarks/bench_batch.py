"""Benchmark the batch engine and the sensitivity analysis against plain numpy written by hand.

Run from the checkout (figures and ratios only; nothing is asserted about time):

    PYTHONPATH=src python benchmarks/bench_batch.py            # 100,000 communes; sensitivity 1,000 runs
    PYTHONPATH=src python benchmarks/bench_batch.py --quick    # 5,000 communes, 100 runs: a smoke run

1. Scoring the ``xa`` tier of rulesets/2020/egov.cqdt (22 criteria) for N communes, columns already in
   memory, to points, totals, levels and within-district ranks: ``TierPlan.run`` (the batch engine) beside
   ``handwritten_xa``, a straight-line numpy int64 fixed-point scorer of the same tier written here, one
   statement per criterion. Both are checked to agree on every total, level and rank first. One thread.
2. Sensitivity (``analysis.sensitivity``): 1,000 perturbations of the criteria maxima (±20 %) on the 220
   communes of the bundled sample, and on N generated communes, with the peak memory of the run
   (tracemalloc: numpy reports its buffers to it). The generated communes take each value from one of the
   sample's, so a ratio criterion has at most 220 distinct (numerator, denominator) pairs and the analysis
   looks its points up per run; the last line turns that off (``TABLE_SHARE = 0``): every ratio computed for
   every unit and run, the worst case, a cohort in which no two units share a pair.
3. Checking a data frame of N communes (the sample's CSV rows drawn at random, a pandas DataFrame with typed
   number columns) to checked cohorts with the columns the batch engine scores: column by column
   (``data.frame_checks.checked_frame``) beside row by row (``assessments_from_frame``, the same checks as any
   data, ``columns_from_assessments``) and the CSV reader on the same rows as a file already in memory. The
   median of ``--frame-repeat`` rounds, CPU time.
4. Data uncertainty (``analysis.data_uncertainty``): 1,000 runs drawing every numeric value of the 220 sample
   communes within ±10 % and re-scoring them exactly, beside the maxima's analysis in the same run.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

import cqdt_rules as cq  # noqa: E402
from cqdt_rules.engine.batch import TierPlan, columns_from_assessments  # noqa: E402
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.checking import check_assessments  # noqa: E402

SAMPLE = ROOT / "examples" / "gialai" / "egov-2022-audit.yaml"
CLOCK = time.process_time  # CPU time of this process: other work on a shared machine inflates it far less


def sample_communes() -> tuple[Any, list[Assessment]]:
    checked = cq.load("egov_2020")
    units = [u for u in check_assessments(checked.ruleset, cq.load_assessments(SAMPLE)) if u.tier == "xa"]
    return checked, units


def generated_communes(units: list[Assessment], count: int, seed: int = 17) -> list[Assessment]:
    """``count`` communes whose values are drawn, indicator by indicator, from the sample's communes
    (with their evidence), spread over 17 districts. Values are the sample's checked values."""
    rng = random.Random(seed)
    names = list(units[0].values)
    districts = sorted({u.parent or "" for u in units})
    out = []
    for i in range(count):
        values, evidence = {}, {}
        for name in names:
            donor = units[rng.randrange(len(units))]
            values[name] = donor.values[name]
            if name in donor.evidence:
                evidence[name] = donor.evidence[name]
        out.append(Assessment(code=f"{100000 + i}", name=f"Xã {i}", tier="xa", year=2022, source="audit",
                              values=values, evidence=evidence, parent=districts[i % len(districts)]))
    return out


# ---------------------------------------------------------------- the hand-written scorer
def _ratio(col: Any, maximum: int) -> Any:
    """ratio × maximum in thousandths, half-up; b = 0 → 0; a ≥ b → full."""
    a, b = col.a.num, col.b.num
    safe_b = np.where(b == 0, 1, b)
    points = (2 * a * maximum * 1000 + safe_b) // (2 * safe_b)
    return np.where(b == 0, 0, np.where(a >= b, maximum * 1000, points))


def _bands_pct(col: Any, bands: list[tuple[str, int, int]]) -> Any:
    a, b = col.a.num, col.b.num
    out = np.zeros(len(a), dtype=np.int64)
    done = b == 0
    for op, threshold, points in bands:
        hit = (a * 100 >= threshold * b) if op == ">=" else (a * 100 > threshold * b)
        out = np.where(~done & hit, points * 1000, out)
        done |= hit
    return out


def _yes(col: Any, maximum: int, evidence: bool = False) -> Any:
    ok = col.truth & ~col.lacks_evidence if evidence else col.truth
    return np.where(ok, maximum * 1000, 0)


def handwritten_xa(c: dict[str, Any], districts: Any) -> tuple[Any, Any, Any]:
    """The xa tier of egov 2020 in int64 thousandths, one statement per criterion; totals, levels, ranks."""
    a11 = _ratio(c["may_tinh"], 4)
    a12 = _yes(c["internet_cap_quang"], 3)
    a13 = _yes(c["hoi_nghi_truyen_hinh"], 3)
    a14 = np.minimum(c["thiet_bi_mot_cua"].number.num * 1000, 2000)
    a15 = _ratio(c["phong_chong_ma_doc"], 3)
    cat = c["cong_chuc_cntt"]
    a21 = np.where(cat.lacks_evidence, 0, np.array([4000, 4000, 2000, 0])[cat.category])
    a22 = _bands_pct(c["tap_huan_cntt"], [(">=", 80, 3), (">=", 50, 2), (">", 0, 1)])
    a23 = _ratio(c["to_cong_nghe_so"], 3)
    a31 = _yes(c["ke_hoach_cds"], 5, True)
    a32 = _yes(c["quy_che_httt"], 2, True)
    a33 = _yes(c["ke_hoach_cchc"], 3, True)
    b11 = _ratio(c["muc_thong_tin"], 6)
    news = c["tin_bai_thang"].number
    scale = news.den
    b12 = np.where(news.num >= 4 * scale, 4000, np.where(news.num >= 2 * scale, 2000, np.where(news.num >= scale, 1000, 0)))
    b21 = _bands_pct(c["ky_so_van_ban"], [(">=", 100, 8), (">=", 90, 5), (">=", 70, 2)])
    b22 = _ratio(c["ho_so_cong_viec"], 7)
    b23 = _ratio(c["thu_dien_tu"], 4)
    b24 = _yes(c["ky_so_toan_bo"], 6)
    b31 = _bands_pct(c["ho_so_truc_tuyen"], [(">=", 30, 8), (">=", 10, 5), (">", 0, 2)])
    b32 = _bands_pct(c["ho_so_dung_han"], [(">=", 98, 7), (">=", 95, 5), (">=", 90, 2)])
    b33 = _yes(c["xu_ly_noi_bo_mot_cua"], 5)
    b41 = _ratio(c["so_hoa_ho_so"], 6)
    b42 = _yes(c["su_dung_bieu_mau"], 4)
    total = (a11 + a12 + a13 + a14 + a15 + a21 + a22 + a23 + a31 + a32 + a33
             + b11 + b12 + b21 + b22 + b23 + b24 + b31 + b32 + b33 + b41 + b42)
    level = np.where(total >= 80000, 0, np.where(total >= 75000, 1, np.where(total >= 70000, 2,
                                                                            np.where(total >= 65000, 3, -1))))
    order = np.lexsort((-total, districts))
    key_d, key_t = districts[order], total[order]
    n = len(total)
    positions = np.arange(n)
    new_group = np.r_[True, key_d[1:] != key_d[:-1]]
    new_key = new_group | np.r_[True, key_t[1:] != key_t[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    key_start = np.maximum.accumulate(np.where(new_key, positions, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = key_start - group_start + 1
    return total, level, rank


def times_of(fn: Any, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = CLOCK()
        fn()
        times.append(CLOCK() - start)
    return times


def best_of(fn: Any, repeat: int) -> float:
    return min(times_of(fn, repeat))


def bench_scoring(units: list[Assessment], checked: Any, repeat: int) -> None:
    tier = checked.compiled.tiers["xa"]
    plan = TierPlan(checked.ruleset.header, tier)
    members = sorted(units, key=lambda a: a.code)
    columns = columns_from_assessments(tier.tier, members)
    _, districts = np.unique(np.array([u.parent for u in members], dtype=object), return_inverse=True)
    scores = plan.run(columns)
    total, level, rank = handwritten_xa(columns.indicators, districts)
    assert np.array_equal(np.asarray(scores.total.num) * (1000 // scores.total.den), total), "totals disagree"
    assert np.array_equal(scores.levels["muc_do"], level), "levels disagree"
    assert np.array_equal(scores.ranks["huyen"], rank), "ranks disagree"
    batch = best_of(lambda: plan.run(columns), repeat)
    hand = best_of(lambda: handwritten_xa(columns.indicators, districts), repeat)
    n = len(members)
    print(f"scoring xa, {n:,} communes (columns in memory → points, totals, levels, ranks; all {n:,} agree)")
    print(f"  hand-written numpy int64   {hand * 1000:8.1f} ms   {n / hand / 1e6:5.2f} M units/s")
    print(f"  batch engine (TierPlan)    {batch * 1000:8.1f} ms   {n / batch / 1e6:5.2f} M units/s")
    print(f"  ratio batch / hand-written {batch / hand:8.2f}x   (target ≤ 1.5x)")


def bench_sensitivity(checked: Any, units: list[Assessment], runs: int, label: str, repeat: int,
                      tables: bool = True) -> None:
    """The analysis of one cohort already read and scored (columns in memory): drawing the perturbations,
    re-scoring every run exactly, levels, ranks and every unit's figures. Timed without tracemalloc (which
    traces every numpy allocation and slows them), ``repeat`` runs (the best, and every run's figure); the peak
    memory from one more run under tracemalloc. Python's cyclic collector is run before each timed run: a full
    pass over the objects made while building the cohort (1.5 million for 100,000 communes, half a second) is
    owed by that building, not by the analysis, which would otherwise pay it whenever it happens to fall due."""
    from cqdt_rules.analysis import sensitivity

    share, sensitivity.TABLE_SHARE = sensitivity.TABLE_SHARE, sensitivity.TABLE_SHARE if tables else 0.0
    try:
        [(key, model)] = sensitivity.cohort_models(checked, units, sensitivity.Vary(), tiers=("xa",))
    finally:
        sensitivity.TABLE_SHARE = share

    def analyse() -> Any:
        return sensitivity.analyse_cohort(model, key, runs, np.random.default_rng(1), 0)

    def timed() -> float:
        gc.collect()
        start = CLOCK()
        analyse()
        return CLOCK() - start

    elapsed = [timed() for _ in range(repeat)]
    tracemalloc.start()
    tier = analyse()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    every = f"; {repeat} runs: " + ", ".join(f"{t * 1000:.0f}" for t in elapsed) if repeat > 1 else ""
    print(f"  {label:<34} {min(elapsed) * 1000:9.1f} ms   peak {peak / 2**20:7.1f} MiB   "
          f"({tier.unstable_count(0.10)} units change level in > 10 % of runs{every})")


def bench_data_uncertainty(checked: Any, units: list[Assessment], runs: int, repeat: int) -> None:
    """The analysis of the data's uncertainty on one cohort already read (``analysis.data_uncertainty``): every
    numeric value drawn within ±10 % and the cohort re-scored exactly by the batch engine in every run (the
    runs scored together as one cohort), then the same figures; beside it, in the same run, the analysis of
    the maxima alone (±20 %) and of the values and the maxima together (every run's perturbed ruleset applied to
    its perturbed values, a run at a time). Median of ``repeat`` rounds, CPU time."""
    from cqdt_rules.analysis import data_uncertainty, sensitivity

    ten = (sensitivity.ValueSpread(Decimal("0.1")),)
    cases = [("maxima ±20 % (the baseline)", sensitivity.Vary(), runs),
             ("values ±10 %", sensitivity.Vary(spread=None, values=ten), runs),
             ("values ±10 % and maxima ±20 %", sensitivity.Vary(values=ten), max(1, runs // 10))]
    print(f"data uncertainty, {len(units)} communes (the sample), seed 1; median of {repeat}")
    figures = []
    for label, vary, count in cases:
        models = (data_uncertainty.data_models if vary.values else sensitivity.cohort_models)
        [(key, model)] = models(checked, units, vary, tiers=("xa",))

        def analyse() -> Any:
            return sensitivity.analyse_cohort(model, key, count, np.random.default_rng(1), 0)

        elapsed = median_of(analyse, repeat)
        figures.append(elapsed / count)
        print(f"  {label:<32} {count:6,} runs {elapsed * 1000:9.1f} ms   {elapsed / count * 1e6:8.1f} µs per run   "
              f"({analyse().unstable_count(0.10)} units change level in > 10 % of runs)")
    print(f"  per run: values / maxima {figures[1] / figures[0]:6.1f}x;   values and maxima / maxima "
          f"{figures[2] / figures[0]:6.1f}x")


def sample_frame_rows(count: int, seed: int = 17) -> tuple[list[str], list[list[str]]]:
    """``count`` rows of the sample's commune CSV drawn at random, each with a code of its own."""
    import csv

    with open(ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rng = random.Random(seed)
    drawn = []
    for i in range(count):
        row = list(rows[rng.randrange(len(rows))])
        row[0] = f"{100000 + i}"
        drawn.append(row)
    return header, drawn


def median_of(fn: Any, repeat: int) -> float:
    times = sorted(times_of(fn, repeat))
    return times[len(times) // 2]


def bench_frame_checks(checked: Any, count: int, repeat: int) -> None:
    import csv
    import io

    import pandas as pd

    from cqdt_rules.data.frame_checks import checked_frame, read_table
    from cqdt_rules.data.frames import assessments_from_frame
    from cqdt_rules.data.readers import csv_assessments
    from cqdt_rules.engine.evaluator import checked_data

    header, rows = sample_frame_rows(count)
    frame = pd.DataFrame({name: [row[i] for row in rows] for i, name in enumerate(header)})
    for name in header:  # numbers as a frame holds them: int64 and float64 columns
        if name.endswith((".a", ".b")) or name in ("year", "thiet_bi_mot_cua", "tin_bai_thang"):
            frame[name] = pd.to_numeric(frame[name])
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header] + rows)
    csv_text = text.getvalue()
    ruleset, tier = checked.ruleset, checked.ruleset.tier("xa")

    def columns_of(cohorts: Any) -> Any:
        return [columns_from_assessments(tier, sorted(members, key=lambda a: a.code)) for members in cohorts.values()]

    def by_columns() -> Any:
        cohorts, _ = checked_frame(ruleset, read_table(frame), False, None)
        return [cohort.columns(tier) for cohort in cohorts.values()]

    def by_rows() -> Any:
        return columns_of(checked_data(ruleset, assessments_from_frame(frame), False)[0])

    def csv_reader() -> Any:
        problems: list[Any] = []
        units = list(csv_assessments(io.StringIO(csv_text, newline=""), "bench.csv", problems))
        return columns_of(checked_data(ruleset, units, False)[0])

    [after], [before] = by_columns(), by_rows()
    for name, column in before.indicators.items():  # both paths give the batch engine the same columns
        for part in ("missing", "lacks_evidence", "truth", "category"):
            assert np.array_equal(getattr(column, part), getattr(after.indicators[name], part)), (name, part)
        for part in ("number", "a", "b"):
            if getattr(column, part) is not None:
                mine, theirs = getattr(after.indicators[name], part), getattr(column, part)
                assert mine.den == theirs.den and np.array_equal(mine.num, theirs.num), (name, part)
    columns = median_of(by_columns, repeat)
    row_by_row = median_of(by_rows, repeat)
    reader = median_of(csv_reader, repeat)
    print(f"checking a frame of {count:,} communes (pandas, typed numbers) to checked cohorts and their columns; "
          f"median of {repeat}, the same columns both ways")
    print(f"  column by column (checked_frame) {columns * 1000:9.1f} ms   {count / columns / 1e3:7.1f} k rows/s")
    print(f"  row by row (before)              {row_by_row * 1000:9.1f} ms   {count / row_by_row / 1e3:7.1f} k rows/s")
    print(f"  the CSV reader, same rows        {reader * 1000:9.1f} ms   {count / reader / 1e3:7.1f} k rows/s")
    print(f"  ratio row by row / column by column {row_by_row / columns:6.1f}x;   CSV reader / column by column "
          f"{reader / columns:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--units", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--frame-repeat", type=int, default=3)
    parser.add_argument("--cohort-repeat", type=int, default=3, help="timed runs of the large cohort's sensitivity")
    parser.add_argument("--sensitivity-only", action="store_true", help="time the sensitivity analysis only")
    parser.add_argument("--frames-only", action="store_true", help="time checking a data frame only")
    parser.add_argument("--data-only", action="store_true", help="time the analysis of the data's uncertainty only")
    args = parser.parse_args()
    count = args.units or (5_000 if args.quick else 100_000)
    runs = args.runs or (100 if args.quick else 1_000)
    checked, sample = sample_communes()
    if args.data_only:
        bench_data_uncertainty(checked, sample, runs, args.repeat)
        return
    if not args.sensitivity_only:
        bench_frame_checks(checked, count, args.frame_repeat)
    if args.frames_only:
        return
    many = generated_communes(sample, count)
    if not args.sensitivity_only:
        bench_scoring(many, checked, args.repeat)
    print(f"sensitivity, {runs:,} perturbations of the criteria maxima (±20 %), seed 1")
    bench_sensitivity(checked, sample, runs, f"{len(sample)} communes (the sample)", args.repeat)
    bench_sensitivity(checked, many, runs, f"{count:,} communes (generated)", args.cohort_repeat)
    bench_sensitivity(checked, many, runs, f"{count:,}, no ratio looked up", args.cohort_repeat, tables=False)
    if not args.sensitivity_only:
        bench_data_uncertainty(checked, sample, runs, args.repeat)


if __name__ == "__main__":
    main()
