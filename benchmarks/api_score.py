"""The API path of ``bench_api_memory.py``, run as a process of its own: read the CSV files of ``xa`` communes in
a folder with ``load_assessments`` (a data file holds at most 32 MiB), score them all with ``score`` and keep the
results (as a program using the library does), then write them with ``Results.write_csv`` so that the benchmark
can compare them with the hand-written scorer's.

    PYTHONPATH=src python benchmarks/api_score.py FOLDER OUT.csv"""

from __future__ import annotations

import sys
from pathlib import Path

import cqdt_rules as cq


def main(source: str, target: str) -> None:
    files = sorted(Path(source).glob("*.csv"))
    results = cq.score(cq.load("egov_2020"), [a for path in files for a in cq.load_assessments(path)])
    with open(target, "w", encoding="utf-8", newline="") as out:
        results.write_csv(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
