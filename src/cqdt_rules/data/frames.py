"""Data frames in: a pandas or Polars DataFrame or an Arrow table, one row per unit, columns as in the CSV format.

The frame is read as numpy columns (``frame_checks.read_table``). The scalar engine gets it row by row through
the CSV reader's own row reading and then the same checks as any other data, so a frame is refused exactly
where the same CSV would be. The batch engine gets it checked column by column (``frame_checks.checked_frame``:
the same checks, vectorised, the same messages) and scores the checked columns as they are. Either way an
error names the row (1 = the frame's first row; the same CSV file has it on line 2) and the column (1 = the
first). A missing cell (None, NaN, pandas NA, an Arrow or Polars null, an empty text) is missing, never 0.
"""

from __future__ import annotations

import decimal
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cqdt_rules.engine import scoring
from cqdt_rules.engine.loading import CheckedRuleset, load
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import DataError, Diagnostic, UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment

FRAME_PATH = "<dataframe>"


def is_frame(data: object) -> bool:
    """A pandas or Polars DataFrame or a pyarrow Table (or RecordBatch)."""
    module = type(data).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow") and hasattr(data, "columns")


def assessments_from_frame(frame: Any) -> tuple[Assessment, ...]:
    """The units of a frame, row by row; DataError lists every problem with its row and column."""
    from cqdt_rules.data.frame_checks import read_table, row_assessment
    from cqdt_rules.data.readers import RowLayout  # with YAML, which scoring a frame does not otherwise need

    table = read_table(frame)
    layout = RowLayout(table.header)
    problems: list[Diagnostic] = []
    found = []
    for row in range(table.rows):
        if not any(table.cells(row)):
            continue
        assessment = row_assessment(table, layout, row, problems)
        if assessment is not None:
            found.append(assessment)
    if problems:
        raise DataError(problems)
    return tuple(found)


def score(ruleset: m.Ruleset | CheckedRuleset | str | os.PathLike[str] | int,
          units: Iterable[Assessment] | str | os.PathLike[str] | Any, *, run_at: str | None = None,
          any_year: bool = False, engine: str = "scalar", unit_list: Mapping[str, str] | None = None) -> Results:
    """``engine.scoring.score`` that also takes a data frame (pandas, Polars, Arrow) of units; ``unit_list``
    (code → tier) is what the units' parents are checked against. A frame scored by the batch engine is checked
    and scored column by column; by the scalar engine, row by row. The ruleset may be given as ``load`` takes it
    (a path, a shipped id, a year) and the units as ``load_assessments`` takes them (a file or a folder)."""
    ruleset = _ruleset_of(ruleset)
    if isinstance(units, (str, os.PathLike)):
        from cqdt_rules.data.readers import load_assessments  # with YAML, which scoring in memory does not need

        units = load_assessments(Path(units))
    elif not is_frame(units):
        _check_units(units)
    if is_frame(units):
        frame: Any = units
        if engine == "batch" or (engine == "auto" and len(frame) >= scoring.AUTO_BATCH_UNITS and scoring.numpy_available()):
            return score_frame(ruleset, units, run_at=run_at, any_year=any_year, unit_list=unit_list)
        units = assessments_from_frame(units)
    return scoring.score(ruleset, units, run_at=run_at, any_year=any_year, engine=engine, unit_list=unit_list)


def _ruleset_of(ruleset: object) -> m.Ruleset | CheckedRuleset:
    """The ruleset to score with: one given, or one ``load`` finds (a path, a shipped id, a year)."""
    if isinstance(ruleset, (CheckedRuleset, m.Ruleset)):
        return ruleset
    if isinstance(ruleset, os.PathLike):
        return load(Path(ruleset))
    if isinstance(ruleset, (str, int)) and not isinstance(ruleset, bool):
        return load(ruleset)
    raise UsageError(f"score with a ruleset (cqdt_rules.load(...)), a ruleset's path, a shipped ruleset id or an "
                     f"assessment year, not {type(ruleset).__name__}")


def _check_units(units: object) -> None:
    """A UsageError for units that are not assessments, said at the call; the first of a list stands for the rest
    (a unit of another type further on fails where it is read), so that checking costs nothing per unit."""
    if isinstance(units, Mapping) or not isinstance(units, Iterable):
        kind = type(units).__name__
    elif isinstance(units, (list, tuple)) and units and not isinstance(units[0], Assessment):
        kind = f"a list of {type(units[0]).__name__}"
    else:
        return
    raise UsageError(f"score assessments, not {kind}: read them with cqdt_rules.load_assessments(path), records "
                     "(dicts) with cqdt_rules.assessments_from_records(records), or give the data file's path")


def score_frame(ruleset: m.Ruleset | CheckedRuleset, frame: Any, *, run_at: str | None = None, any_year: bool = False,
                unit_list: Mapping[str, str] | None = None) -> Results:
    """A frame checked column by column and scored by the batch engine, without an object per value."""
    compiled = scoring.compiled_ruleset(ruleset)
    batch = scoring.batch_module()
    from cqdt_rules.data.frame_checks import checked_frame, read_table

    cohorts, warnings = checked_frame(compiled.ruleset, read_table(frame), any_year, unit_list)
    with decimal.localcontext(ARITHMETIC):
        results: Results = batch.evaluate_cohorts(compiled, cohorts, run_at, warnings)
    return results
