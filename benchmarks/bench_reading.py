"""Reading data: N communes of the ``xa`` tier (10,000 by default, made as ``bench_scale.py`` makes them) from one
CSV file and from one YAML file through the public reader (``cqdt_rules.load_assessments``), against baselines
read in the same run from the same files:

* CSV: the ``csv`` module, each value cell made a ``Decimal`` (a number, or each side of a pair) or kept as text
  (yes/no, a category), as a hand-written reader would; it keeps no position and checks nothing;
* YAML: libyaml's C loader (``yaml.load`` with ``CSafeLoader``, Python objects without positions), and
  ``json.loads`` of the same data written as JSON (numbers as ``Decimal``), the floor of any text format;
* the YAML file read whole as the package read it before (libyaml's composer over the whole text, then the
  units), which it still does for a file whose file-wide fields follow its ``units:``.

Times are CPU time (``time.process_time``), medians of interleaved rounds, with Python's default collector.
Before timing, the CSV and YAML readers must give the same units (identity and values) and as many as the
baselines; a difference stops the run (``DISAGREEMENT``). Then the peak memory of reading each file, each in a
process of its own, and of reading a YAML file of 4 N communes unit by unit (``stream_assessments``, as
``cqdt score`` reads), which should stay that of N.

    PYTHONPATH=src python benchmarks/bench_reading.py              # 10,000 communes, 5 rounds
    PYTHONPATH=src python benchmarks/bench_reading.py --quick      # 300 communes, 2 rounds (the smoke test)
    options: --units N, --rounds R

The goal (issue "Fast from the first keystroke to the last byte"): CSV within 3x of ``csv`` + ``Decimal``."""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import generate, yaml_unit  # noqa: E402

from cqdt_rules import load_assessments  # noqa: E402
from cqdt_rules.data import readers  # noqa: E402
from cqdt_rules.model.text import read_data_text  # noqa: E402


def decimal_or_text(cell: str) -> Decimal | str | None:
    if not cell:
        return None
    try:
        return Decimal(cell)
    except InvalidOperation:
        return cell


def csv_baseline(path: Path) -> int:
    """The rows as a hand-written reader makes them: identity as text, values as Decimal (pairs as two)."""
    count = 0
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        header = next(rows)
        kinds = [("id" if h in ("code", "name", "tier", "parent", "year", "source", "note") else
                  "evidence" if h.endswith(".evidence") else "value") for h in header]
        for row in rows:
            unit: dict[str, object] = {}
            for name, kind, cell in zip(header, kinds, row):
                unit[name] = cell if kind != "value" else decimal_or_text(cell)
            count += 1
    return count


def yaml_baseline(path: Path) -> int:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return len(data["units"])


def json_baseline(path: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    return len(data["units"])


def whole_yaml(path: Path) -> int:
    return len(readers._from_yaml(read_data_text(path), str(path)))


def identity_and_values(path: Path) -> list[tuple[object, ...]]:
    return [(a.code, a.name, a.tier, a.year, a.source, a.parent, a.values) for a in load_assessments(path)]


def agree(files: dict[str, Path]) -> int:
    """The number of units, once the readers and baselines agree on them; else the run stops."""
    from_csv, from_yaml = identity_and_values(files["csv"]), identity_and_values(files["yaml"])
    for n, (mine, base) in enumerate(zip(from_csv, from_yaml, strict=True)):
        if mine != base:
            sys.exit(f"DISAGREEMENT at unit {n + 1}:\n  CSV  {mine}\n  YAML {base}")
    counts = {csv_baseline(files["csv"]), yaml_baseline(files["yaml"]), json_baseline(files["json"]),
              whole_yaml(files["yaml"]), len(from_csv)}
    if len(counts) != 1:
        sys.exit(f"DISAGREEMENT: the readers and baselines read {sorted(counts)} units")
    return len(from_csv)


def median_times(paths: dict[str, Callable[[], int]], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, read in paths.items():
            started = time.process_time()
            read()
            times[name].append(time.process_time() - started)
    return {name: statistics.median(found) for name, found in times.items()}


def peak_mib(how: str, path: Path) -> float:
    """Peak resident memory of a process that imports the package and reads ``path`` as ``how`` says."""
    done = subprocess.run([sys.executable, __file__, "--peak", how, str(path)], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.split()[-1])


def read_for_peak(how: str, path: Path) -> None:
    if how == "stream":
        problems: list[object] = []
        count = sum(1 for _ in readers.stream_assessments([path], problems, limit=readers.MAX_STREAMED_BYTES))  # type: ignore[arg-type]
        assert count and not problems, problems
    elif how == "whole":
        whole_yaml(path)
    else:
        load_assessments(path)
    print(peak_resident_kib() / 1024)


def peak_resident_kib() -> int:
    """This process's peak resident memory. (``getrusage``'s figure would not do: a child started while its
    parent was large begins with the parent's peak.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def make_files(folder: Path, units: int, json_too: bool = True) -> dict[str, Path]:
    """The communes as one CSV file, one YAML file (as ``bench_scale.py`` writes its units) and one JSON file."""
    files = {"csv": folder / "communes.csv", "yaml": folder / "communes.yaml", "json": folder / "communes.json"}
    generate(files["csv"], units)
    with files["csv"].open(encoding="utf-8", newline="") as rows, files["yaml"].open("w", encoding="utf-8") as out:
        out.write("year: 2022\nsource: audit\nunits:\n")
        out.writelines(yaml_unit(row) for row in csv.DictReader(rows))
    if json_too:
        data = yaml.load(files["yaml"].read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        files["json"].write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="300 units, 2 rounds")
    parser.add_argument("--peak", nargs=2, metavar=("HOW", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        read_for_peak(args.peak[0], Path(args.peak[1]))
        return
    units, rounds = (300, 2) if args.quick else (args.units, args.rounds)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        files = make_files(folder, units)
        count = agree(files)
        print(f"{count:,} units: the CSV and YAML readers give the same units, and as many as the baselines")
        times = median_times({
            "csv": lambda: csv_baseline(files["csv"]),
            "cqdt csv": lambda: len(load_assessments(files["csv"])),
            "libyaml": lambda: yaml_baseline(files["yaml"]),
            "json": lambda: json_baseline(files["json"]),
            "cqdt yaml": lambda: len(load_assessments(files["yaml"])),
            "cqdt yaml whole": lambda: whole_yaml(files["yaml"]),
        }, rounds)
        print(f"CPU time, median of {rounds} rounds, {count:,} units")
        rows = [("csv + Decimal (baseline)", "csv", "csv"), ("cqdt load_assessments, CSV", "cqdt csv", "csv"),
                ("json.loads + Decimal, same data", "json", "libyaml"), ("libyaml yaml.load (baseline)", "libyaml", "libyaml"),
                ("cqdt load_assessments, YAML (unit by unit)", "cqdt yaml", "libyaml"),
                ("cqdt YAML read whole (the reader before)", "cqdt yaml whole", "libyaml")]
        for label, name, base in rows:
            print(f"  {label:<45} {times[name] * 1000:9.1f} ms {times[name] / count * 1e6:8.1f} us/unit "
                  f"{times[name] / times[base]:6.2f}x {base}")
        big = folder / "big"
        big.mkdir()
        big_yaml = make_files(big, 4 * count, json_too=False)["yaml"]
        print("peak memory, a process each")
        for label, how, path in (("CSV, load_assessments", "load", files["csv"]),
                                 ("YAML, load_assessments", "load", files["yaml"]),
                                 ("YAML read whole (the reader before)", "whole", files["yaml"]),
                                 ("YAML unit by unit (stream_assessments)", "stream", files["yaml"]),
                                 (f"YAML unit by unit, {4 * count:,} units", "stream", big_yaml)):
            print(f"  {label:<45} {peak_mib(how, path):9.0f} MiB peak")


if __name__ == "__main__":
    main()
