"""What the YAML and CSV readers of data files share: the identity and file-wide fields, the size limit, a year
read with its problem. Apart from both so that reading a CSV file never imports the YAML library."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Optional

from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model.units import read_year, shown

IDENTITY = ("code", "name", "tier", "parent", "year", "source", "note")
FILE_FIELDS = ("year", "source", "tier", "ruleset", "note")  # defaults for every unit of the file; ruleset and note are labels

MAX_DATA_BYTES = 32 * 1024 * 1024
"""The largest data file read whole (YAML, CSV or Excel form): 32 MiB, some 100,000 units; a larger one is refused
before it is read, rather than filling the memory."""


def check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 2), f"the file has {size:,} bytes, more than the "
                                    f"{limit:,} a data file may have", hint="split it into several files "
                                    "(one per tier or per district) and name them all, or name their folder")])


def read_year_at(raw: Any, where: Callable[[], Span], problems: list[Diagnostic]) -> int | None:
    """The year ``raw`` gives; None, and a problem at ``where()``, for one that is not a year."""
    year = read_year(raw)
    if year is not None:
        return year
    problems.append(Diagnostic(where(), f"expected a year of four digits, got '{shown(raw)}'"))
    return None


UnitFields = tuple[str, str, str, int, str, Mapping[str, tuple[str, ...]], Optional[str], Optional[str]]
"""What a record gives a unit of its own (``RowAssessment.of``): code, name, tier, year, source, evidence, parent
and note."""


def names_order(names: tuple[str, ...]) -> dict[str, int]:
    """Each name's position in ``names``: one dictionary for every unit that names the same things in the same
    order (the units of a file or a list of records usually do; the 256 orders of at most 1,024 names last met are
    kept)."""
    return _shared_order(names) if len(names) <= 1024 else _positions(names)


@functools.lru_cache(maxsize=256)
def _shared_order(names: tuple[str, ...]) -> dict[str, int]:
    return _positions(names)


def _positions(names: tuple[str, ...]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}
