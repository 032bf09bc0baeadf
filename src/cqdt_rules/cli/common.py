"""What every command shares: exit codes, scoring the files named on the command line, writing text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.data.readers import load_many, read_units
from cqdt_rules.engine.loading import load
from cqdt_rules.engine.results import Results
from cqdt_rules.engine.scoring import score
from cqdt_rules.errors import UsageError, render

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def score_files(ruleset: str, data: Sequence[str], units: Path | None = None) -> Results:
    """Score the data files and folders; warnings (parents that could not be checked) go to standard error.
    ``units`` is the province's unit list that parents are checked against."""
    checked = load(ruleset)
    paths = [Path(p) for p in data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    results = score(checked, load_many(paths), units=read_units(units) if units is not None else None)
    for warning in results.warnings:
        print(render(warning), file=sys.stderr)
    return results


def add_units_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", type=Path, metavar="CSV",
                        help="the province's unit list (columns code, tier, like units.csv): every unit's parent must "
                             "be in the data or in this list")


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
