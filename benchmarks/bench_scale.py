"""A national cohort scored as a whole process: ``cqdt score egov_2020 communes.csv --format csv`` on a generated CSV
of N communes of the ``xa`` tier (1,000,000 by default, one cohort: one tier, year and source), beside the
hand-written baseline (``scale_handwritten.py``: ``csv`` + ``Decimal`` + the straight-line scorer) run on the same
file in the same run. Prints each process's wall time and peak resident memory, and their ratios; asserts no
time. Before printing, the two outputs are compared unit by unit (code, district, total, level, rank and every
node's points); any difference stops the run (``DISAGREEMENT``).

    PYTHONPATH=src python benchmarks/bench_scale.py            # 1,000,000 communes (a file of about 420 MB)
    PYTHONPATH=src python benchmarks/bench_scale.py --quick    # 2,000 communes (tests/test_benchmark_scale_smoke.py)
    PYTHONPATH=src python benchmarks/bench_scale.py --format json              # 100,000 communes, results as JSON
    PYTHONPATH=src python benchmarks/bench_scale.py --format json --input yaml # the same communes in YAML files
    PYTHONPATH=src python benchmarks/bench_scale.py --format table             # 100,000 communes, the table for people
    PYTHONPATH=src python benchmarks/bench_scale.py --engine duckdb            # scored in DuckDB from long-form Parquet
    options: --units N, --keep DIR (write the files there and keep them), --input csv-files (CSV files of 25,000 rows),
             --against DIR (also run cqdt from another checkout, the code before a change, on the same files)

With ``--input yaml`` the communes are written as YAML files of at most 25,000 units each (a YAML file may hold
32 MiB) in one folder, and cqdt reads the folder; the hand-written scorer still reads the CSV. With ``--engine
duckdb`` they are written as a long-form Parquet file (a row per unit and indicator, as a database would hold
them; DuckDB converts the long-form CSV) and cqdt scores it with ``--engine duckdb``.

The goals (issue "Fast from the first keystroke to the last byte"): a million communes in at most 1.5 GB, rows
written as they go; JSON of 100,000 communes written as it goes too, in at most twice the hand-written scorer's
peak memory."""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv"
GOAL_BYTES = 1.5 * 1024 ** 3
YAML_UNITS_PER_FILE = 25_000


def generate(target: Path, count: int, seed: int = 2022) -> None:
    """``count`` communes made from the sample's 220: new codes and names, the same districts, pairs and yes/no
    values redrawn (a <= b, a few b = 0), a tenth of the evidence left out, so totals, levels and ranks spread."""
    rng = random.Random(seed)
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        sample = list(reader)
    kind = {i: ("a" if h.endswith(".a") else "b" if h.endswith(".b") else "evidence" if h.endswith(".evidence")
                else "yesno" if sample[0][i] in ("yes", "no") else "") for i, h in enumerate(header)}
    code, name = header.index("code"), header.index("name")
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for n in range(count):
            row = list(sample[n % len(sample)])
            row[code], row[name] = f"{n + 1_000_000:07d}", f"{row[name]} {n}"  # codes of digits, as the official ones
            for i, what in kind.items():
                if what == "b":
                    b = int(row[i]) if rng.random() > 0.02 else 0
                    row[i] = str(b)
                    row[i - 1] = str(rng.randint(0, b) if rng.random() < 0.7 else b)
                elif what == "yesno":
                    row[i] = "yes" if rng.random() < 0.7 else "no"
                elif what == "evidence" and rng.random() < 0.1:
                    row[i] = ""
            writer.writerow(row)


def as_yaml(data: Path, folder: Path) -> None:
    """The communes of ``data`` as YAML files in ``folder``, ``YAML_UNITS_PER_FILE`` units a file, as a province
    writes them (values, pairs as ``[a, b]``, evidence as lists)."""
    folder.mkdir(parents=True, exist_ok=True)
    with data.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        out = None
        for n, row in enumerate(reader):
            if n % YAML_UNITS_PER_FILE == 0:
                if out is not None:
                    out.close()
                out = (folder / f"communes-{n // YAML_UNITS_PER_FILE:03d}.yaml").open("w", encoding="utf-8")
                out.write(f"year: {row['year']}\nsource: {row['source']}\nunits:\n")
            assert out is not None
            out.write(yaml_unit(row))
        if out is not None:
            out.close()


def split(data: Path, folder: Path, per_file: int) -> None:
    """The rows of the CSV ``data`` in files of ``per_file`` rows in ``folder``, each with the header."""
    folder.mkdir()
    with data.open(encoding="utf-8", newline="") as file:
        header = next(file)
        out = None
        for n, line in enumerate(file):
            if n % per_file == 0:
                if out is not None:
                    out.close()
                out = (folder / f"communes-{n // per_file:03d}.csv").open("w", encoding="utf-8", newline="")
                out.write(header)
            assert out is not None
            out.write(line)
        if out is not None:
            out.close()


def yaml_unit(row: dict[str, str]) -> str:
    values, evidence = [], []
    for column, cell in row.items():
        name, _, part = column.partition(".")
        if part == "a":
            values.append(f"      {name}: [{cell}, {row[name + '.b']}]")
        elif part == "evidence" and cell:
            evidence.append(f"      {name}: [{json.dumps(cell, ensure_ascii=False)}]")
        elif part == "" and name not in ("code", "name", "tier", "parent", "year", "source", "note"):
            values.append(f"      {name}: {cell}")
    lines = [f"  - code: \"{row['code']}\"", f"    name: {json.dumps(row['name'], ensure_ascii=False)}",
             f"    tier: {row['tier']}", f"    parent: \"{row['parent']}\"", "    values:", *values]
    return "\n".join(lines + (["    evidence:", *evidence] if evidence else [])) + "\n"


def as_long_form(data: Path, target: Path) -> None:
    """The communes of ``data`` as a long-form Parquet file (the columns of ``engine.sql.inputs.COLUMNS``)."""
    long_csv = target.with_suffix(".csv")
    with data.open(encoding="utf-8", newline="") as file, long_csv.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["unit_code", "unit_name", "tier", "parent", "year", "source", "indicator", "value", "value_b",
                         "evidence"])
        for row in csv.DictReader(file):
            unit = [row["code"], row["name"], row["tier"], row["parent"], row["year"], row["source"]]
            for column, cell in row.items():
                name, _, part = column.partition(".")
                if part == "a":
                    writer.writerow(unit + [name, cell, row[name + ".b"], row.get(name + ".evidence") or None])
                elif part == "" and name not in ("code", "name", "tier", "parent", "year", "source", "note"):
                    writer.writerow(unit + [name, cell, None, row.get(name + ".evidence") or None])
    # in a process of its own: memory this process holds is counted in its children's peak (fork before exec)
    copy = (f"COPY (SELECT * FROM read_csv('{long_csv}', all_varchar = true, header = true)) "
            f"TO '{target}' (FORMAT parquet)")
    subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.sql('SET enable_progress_bar = false'); duckdb.sql({copy!r})"],
                   check=True)
    long_csv.unlink()


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall time, peak resident memory (bytes) and CPU time (user + system) of a process. On a shared machine
    the CPU time moves less than the wall time with what else runs."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{command[1]} failed ({process.returncode}):\n{errors}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def agree(engine_output: Path, handwritten_csv: Path, form: str) -> int:
    """The number of units, once every unit of the two outputs agrees; else the run stops."""
    count = 0
    with engine_output.open(encoding="utf-8", newline="") as a, handwritten_csv.open(encoding="utf-8", newline="") as b:
        handwritten = csv.reader(b)
        next(handwritten)
        if form == "table":
            return table_agrees(a, handwritten)
        engine = csv_units(a) if form == "csv" else json_units(a)
        for mine, base in zip(engine, handwritten, strict=True):
            if mine != base[:5] + [Decimal(p) for p in base[5:]]:
                sys.exit(f"DISAGREEMENT at unit {count + 1}:\n  engine      {mine}\n  hand-written {base}")
            count += 1
    return count


def table_agrees(file: TextIO, handwritten: Iterator[list[str]]) -> int:
    """The number of rows of the table (in Vietnamese), once each row's rank, district, code, total and level are
    the hand-written scorer's, the rows go district by district in rank order, and the totals' column ends at
    the same place on every line (the table is aligned); else the run stops."""
    expected = {row[0]: row for row in handwritten}
    lines = iter(file)
    for line in lines:  # the title, the header and the dashes
        if line.startswith("---"):
            break
    count, ends, previous = 0, set(), ("", 0)
    for line in lines:
        row = line.rstrip("\n")
        rank, district, code = row.split()[:3]
        code_, parent, total, level, rank_ = expected.pop(code, [code, "", "", "?", ""])[:5]
        before_level = row[:-len(level)].rstrip()
        written = before_level.split()[-1]
        if ((district, rank) != (parent, rank_) or not row.endswith(level)
                or Decimal(written.replace(".", "").replace(",", ".")) != Decimal(total)
                or (district, int(rank)) < previous):
            sys.exit(f"DISAGREEMENT at table row {count + 1}:\n  table        {row}\n  hand-written {code_} {parent} "
                     f"{total} {level} {rank_}")
        previous = (district, int(rank))
        ends.add(sum(0 if unicodedata.combining(c) else 1 for c in before_level))
        count += 1
    if expected or len(ends) != 1:
        sys.exit(f"DISAGREEMENT: {len(expected)} units missing from the table; totals end at columns {sorted(ends)}")
    return count


def csv_units(file: TextIO) -> Iterator[list[object]]:
    """Each row's code, district, total, level, rank and points."""
    engine = csv.reader(file)
    head = next(engine)
    where = [head.index(name) for name in ("code", "parent", "total", "level_muc_do", "rank_huyen")]
    points = [i for i, name in enumerate(head) if name.startswith("points_")]
    for row in engine:
        yield [row[i] for i in where] + [Decimal(row[i]) for i in points]


def json_units(file: TextIO) -> Iterator[list[object]]:
    """The same of each unit of results JSON, read line by line as it is laid out (a line per unit's own fields,
    then a line per node), never the whole text at once."""
    unit: list[object] | None = None
    for line in file:
        if line.startswith('{"code": '):
            fields = json.loads(line[:line.rindex(', "nodes": [')] + "}")
            unit = [fields["code"], fields["parent"], fields["total"], fields["levels"]["muc_do"]["label"],
                    str(fields["ranks"]["huyen"]["rank"])]
        elif line.startswith("  {") and unit is not None:
            unit.append(Decimal(json.loads(line.strip().rstrip(","))["points"]))
        elif line.startswith("]}") and unit is not None:
            yield unit
            unit = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, help="communes (default 1,000,000 for CSV, 100,000 for JSON)")
    parser.add_argument("--quick", action="store_true", help="2,000 communes")
    parser.add_argument("--format", choices=("csv", "json", "table"), default="csv", help="what cqdt writes")
    parser.add_argument("--input", choices=("csv", "csv-files", "yaml"), default="csv",
                        help="what cqdt reads (csv-files: a folder of CSV files of 25,000 communes each, for a "
                             "version that reads a CSV file whole, at most 32 MiB)")
    parser.add_argument("--engine", choices=("python", "duckdb"), default="python",
                        help="how cqdt scores (duckdb: from a long-form Parquet file of the same communes)")
    parser.add_argument("--keep", type=Path, help="write the files to this folder and keep them")
    parser.add_argument("--against", type=Path, help="another checkout whose cqdt is run too (before a change)")
    args = parser.parse_args()
    count = 2_000 if args.quick else args.units or (
        1_000_000 if args.format == "csv" and args.engine == "python" else 100_000)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        data, ours, theirs = folder / "communes.csv", folder / f"cqdt.{args.format}", folder / "handwritten.csv"
        started = time.perf_counter()
        generate(data, count)
        print(f"generated {count:,} communes in {time.perf_counter() - started:.1f} s: {data.stat().st_size / 1e6:,.0f} MB of CSV")
        read = data
        if args.engine == "duckdb":
            read = folder / "communes-long.parquet"
            as_long_form(data, read)
            print(f"written as long-form Parquet: {read.stat().st_size / 1e6:,.0f} MB")
        elif args.input == "csv-files":
            read = folder / "communes-csv"
            split(data, read, YAML_UNITS_PER_FILE)
        elif args.input == "yaml":
            read = folder / "communes-yaml"
            as_yaml(data, read)
            size = sum(f.stat().st_size for f in read.iterdir())
            print(f"written as {len(list(read.iterdir()))} YAML files: {size / 1e6:,.0f} MB")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "benchmarks")])}
        label = (f"cqdt score egov_2020 --format {args.format}"
                 + {"csv": "", "csv-files": " (CSV files)", "yaml": " (YAML files)"}[args.input]
                 + (" --engine duckdb" if args.engine == "duckdb" else ""))
        command = [sys.executable, "-m", "cqdt_rules", "score", "egov_2020", str(read), "--format", args.format,
                   "--engine", args.engine, "--out"]
        timed = {"hand-written (csv + Decimal + straight-line scorer)":
                 run([sys.executable, str(ROOT / "benchmarks" / "scale_handwritten.py"), str(data), str(theirs)], env)}
        if args.against:
            before = folder / f"before.{args.format}"
            timed[label + ", before"] = run(command + [str(before)], {**env, "PYTHONPATH": str(args.against / "src")})
            agree(before, theirs, args.format)
        timed[label] = run(command + [str(ours)], env)
        rows = agree(ours, theirs, args.format)
        compared = {"csv": "row by row (total, level, rank, points)", "json": "unit by unit (total, level, rank, points)",
                    "table": "row by row (rank, district, total, level; aligned)"}[args.format]
        print(f"{rows:,} {'units' if args.format == 'json' else 'rows'}: cqdt and the hand-written scorer agree {compared}")
        (base_time, base_peak, base_cpu), *_, (time_, peak, cpu) = timed.values()
        for label, (elapsed, resident, used) in timed.items():
            print(f"{label:55s} {elapsed:8.1f} s wall {used:8.1f} s CPU {resident / 2 ** 20:8,.0f} MiB peak"
                  f"  {used / base_cpu:5.2f}x CPU time  {resident / base_peak:5.2f}x memory")
        goal, met = (f"{GOAL_BYTES / 2 ** 20:,.0f} MiB", peak <= GOAL_BYTES) if args.format != "json" \
            else ("2x the hand-written scorer's", peak <= 2 * base_peak)
        print(f"CPU per unit: cqdt {cpu / count * 1e6:,.1f} us, hand-written {base_cpu / count * 1e6:,.1f} us; "
              f"peak {peak / 2 ** 20:,.0f} MiB against the goal of {goal}: " + ("met" if met else "NOT met"))


if __name__ == "__main__":
    main()
