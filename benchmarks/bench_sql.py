"""The SQL back end against the Python engine on a national-scale synthetic cohort (benchmarks/national.py):
time and peak memory of each engine, each measured in its own process, ratios against the Python engine
timed in the same run. It prints figures only; nothing here asserts a time.

    PYTHONPATH=src python benchmarks/bench_sql.py                 # 1 year (Python, DuckDB, Spark), 10 years and the stress set (DuckDB)
    PYTHONPATH=src python benchmarks/bench_sql.py --quick         # a tenth of a province-year set, no Spark, no stress set
    #  --no-spark   --no-stress   --ruleset dti_2023   --memory-limit 1500MB   --keep DIR

Every engine scores the same Parquet file. Before timing anything, the one-year set is scored by the
Python engine and by DuckDB and compared unit by unit; a difference stops the run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _peak_mb(children: bool = False) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def _jvm_peak_mb(session: object) -> int:
    """The Spark JVM's own peak resident set (VmHWM), read before the session stops."""
    pid = session.sparkContext._gateway.proc.pid  # type: ignore[attr-defined]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def _assessments(path: Path) -> list:  # type: ignore[type-arg]
    """The Parquet rows as the Python engine's Assessments (read with DuckDB, grouped in Python)."""
    import duckdb

    from cqdt_rules.model.units import Assessment

    rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}') ORDER BY unit_code, year, indicator").fetchall()
    units: dict[tuple[str, int], dict] = {}  # type: ignore[type-arg]
    for tier, code, name, parent, year, source, indicator, value, value_b, evidence in _columns(rows):
        unit = units.setdefault((code, year), {"tier": tier, "name": name, "parent": parent, "source": source,
                                               "values": {}, "evidence": {}})
        unit["values"][indicator] = [value, value_b] if value_b is not None else value
        if evidence:
            unit["evidence"][indicator] = (evidence,)
    return [Assessment(code, u["name"], u["tier"], year, u["source"], values=u["values"], evidence=u["evidence"],
                       parent=u["parent"]) for (code, year), u in units.items()]


def _columns(rows: list) -> list:  # type: ignore[type-arg]
    # parquet column order: unit_code, unit_name, tier, parent, year, source, indicator, value, value_b, evidence
    return [(r[2], r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows]


# ---------------------------------------------------------------- one measurement per process
def run_one(engine: str, ruleset: str, path: Path, memory_limit: str | None) -> dict:  # type: ignore[type-arg]
    from cqdt_rules.engine.loading import load

    checked = load(ruleset)
    started = time.perf_counter()
    if engine == "python":
        from cqdt_rules.engine.scoring import score

        units = _assessments(path)
        loaded = time.perf_counter()
        results = score(checked, units)
        count = len(results)
        # the engine's own time: turning Parquet rows into Assessments is not counted (a favour to Python)
        extra = {"read_s": round(loaded - started, 2)}
        started = loaded
    elif engine in ("duckdb", "duckdb-copy"):
        from cqdt_rules.engine.sql.engines import DuckDBEngine

        duck = DuckDBEngine(memory_limit=memory_limit)
        duck.attach_file(path)
        if engine == "duckdb":
            from cqdt_rules.engine.sql.run import score_sql

            count = len(score_sql(checked, duck))
        else:
            count = _copy_scores(checked, duck, path.with_suffix(".scores"))
        extra = {}
    else:
        from cqdt_rules.engine.sql.engines import SparkEngine
        from cqdt_rules.engine.sql.run import score_sql

        session = SparkEngine.local()
        spark = SparkEngine(session)
        session.read.parquet(str(path)).createOrReplaceTempView("cqdt_input")
        count = len(score_sql(checked, spark))
        extra = {"jvm_peak_mb": _jvm_peak_mb(session)}
        session.stop()
    seconds = time.perf_counter() - started
    return {"engine": engine, "units": count, "seconds": round(seconds, 2), "peak_mb": round(_peak_mb()), **extra}


def _copy_scores(checked, duck, folder: Path) -> int:  # type: ignore[no-untyped-def]
    """Check the data, then score every tier into Parquet files (a warehouse keeps the scores; nothing is
    brought into Python)."""
    from cqdt_rules.engine.sql.compile import compile_tier
    from cqdt_rules.engine.sql.dialects import render

    folder.mkdir(exist_ok=True)
    count = 0
    for tier in checked.ruleset.tiers:
        query = compile_tier(checked.ruleset, tier)
        _, problems = duck.query(f"SELECT count(*) FROM ({render(query.problems, 'duckdb', pretty=False)})")
        assert problems[0][0] == 0, problems
        target = folder / f"{tier.id}.parquet"
        duck.connection.execute(f"COPY ({render(query.tree, 'duckdb', pretty=False)}) TO '{target}' (FORMAT parquet)")
        count += duck.connection.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
    return count


def measure(engine: str, ruleset: str, path: Path, memory_limit: str | None) -> dict:  # type: ignore[type-arg]
    command = [sys.executable, __file__, "--one", engine, "--ruleset", ruleset, "--data", str(path)]
    if memory_limit:
        command += ["--memory-limit", memory_limit]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the run
def agree(ruleset: str, path: Path) -> int:
    """Score the set with both engines and compare every published value; the number of units compared."""
    from cqdt_rules.engine.loading import load
    from cqdt_rules.engine.scoring import score
    from cqdt_rules.engine.sql.engines import DuckDBEngine
    from cqdt_rules.engine.sql.run import score_sql

    checked = load(ruleset)
    python = score(checked, _assessments(path))
    duck = DuckDBEngine()
    duck.attach_file(path)
    sql = score_sql(checked, duck)

    def key(results):  # type: ignore[no-untyped-def]
        return {(u.code, u.assessment.year): ({n: r.points for n, r in u.nodes.items()}, u.total, u.outputs,
                                             {k: v.id for k, v in u.levels.items()}, {k: v.rank for k, v in u.ranks.items()})
                for u in results}

    want, got = key(python), key(sql)
    bad = [k for k in want if want[k] != got.get(k)]
    if bad or len(want) != len(got):
        raise SystemExit(f"DISAGREEMENT on {len(bad)} units, e.g. {bad[:3]}")
    return len(want)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ruleset", default="dti_2023")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-stress", action="store_true")
    parser.add_argument("--memory-limit", default="1500MB", help="DuckDB's memory limit for the stress set")
    parser.add_argument("--keep", type=Path, help="write the generated Parquet files here (default: a temporary folder)")
    args = parser.parse_args()
    if args.one == "agree":
        print(json.dumps({"units": agree(args.ruleset, args.data)}))
        return
    if args.one:
        print(json.dumps(run_one(args.one, args.ruleset, args.data, args.memory_limit)))
        return
    import duckdb

    from cqdt_rules.engine.loading import load
    from national import write_parquet

    folder = args.keep or Path(tempfile.mkdtemp(prefix="cqdt-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    checked = load(args.ruleset)
    connection = duckdb.connect()
    sets = {"1 year": (1, 1)} if not args.quick else {}
    if not args.quick:
        sets["10 years"] = (1, 10)
        if not args.no_stress:
            sets["stress (x10)"] = (10, 10)
    paths = {}
    for name, (scale, years) in sets.items():
        started = time.perf_counter()
        path = folder / f"{name.split()[0]}-{scale}x{years}.parquet"
        rows = write_parquet(connection, checked, path, scale=scale, years=years)
        paths[name] = path
        print(f"generated {name}: {rows:,} rows in {time.perf_counter() - started:.1f} s -> {path.name}")
    if args.quick:
        path = folder / "quick.parquet"
        full = folder / "quick-full.parquet"
        write_parquet(connection, checked, full, years=1)
        connection.execute(f"COPY (SELECT * FROM read_parquet('{full}') WHERE unit_code LIKE '_0000%') TO '{path}' (FORMAT parquet)")
        paths["quick"] = path
    first = next(iter(paths))
    # in a process of its own: on Linux a child starts with its parent's peak memory, so this process stays small
    agreed = measure("agree", args.ruleset, paths[first], None)["units"]
    print(f"agreement: {agreed:,} unit-years scored identically by Python and DuckDB")
    table = []
    baseline = measure("python", args.ruleset, paths[first], None)
    table.append((first, baseline))
    table.append((first, measure("duckdb", args.ruleset, paths[first], None)))
    if not args.no_spark and not args.quick:
        table.append((first, measure("spark", args.ruleset, paths[first], None)))
    for name in list(paths)[1:]:
        table.append((name, measure("duckdb", args.ruleset, paths[name], None)))
        table.append((name, measure("duckdb-copy", args.ruleset, paths[name], args.memory_limit)))
    print()
    print(f"{'set':<14} {'engine':<12} {'unit-years':>10} {'seconds':>8} {'peak MB':>8} {'vs Python (s/unit)':>19}")
    per_unit = baseline["seconds"] / baseline["units"]
    for name, row in table:
        ratio = per_unit / (row["seconds"] / row["units"])
        peak = f"{row['peak_mb']}" + (f"+{row['jvm_peak_mb']}" if "jvm_peak_mb" in row else "")
        print(f"{name:<14} {row['engine']:<12} {row['units']:>10,} {row['seconds']:>8} {peak:>8} {ratio:>18.1f}x")
    print("\npeak MB: the process's maximum resident set (Spark: Python driver + JVM); duckdb-copy writes the scores to "
          f"Parquet with memory_limit {args.memory_limit}; ratios: Python's seconds per unit-year / the engine's")


if __name__ == "__main__":
    main()
