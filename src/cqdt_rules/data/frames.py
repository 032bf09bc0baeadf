"""Data frames in: a pandas or Polars DataFrame or an Arrow table, one row per unit, columns as in the CSV format.

Every row goes through the CSV reader's own row reading and then the same checks as any other data, so a
frame is refused exactly where the same CSV would be; an error names the row (1 = the first data row) and the
column. A missing cell (None, NaN, pandas NA, an Arrow or Polars null) is missing, never 0. No frame library
is imported here: a frame is recognised by its module and read through its own ``to_pylist``/``to_dicts``/
``to_dict`` method.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from cqdt_rules.engine import scoring
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment

FRAME_PATH = "<dataframe>"


def is_frame(data: object) -> bool:
    """A pandas or Polars DataFrame or a pyarrow Table (or RecordBatch)."""
    module = type(data).__module__.split(".")[0]
    return module in ("pandas", "polars", "pyarrow") and hasattr(data, "columns")


def assessments_from_frame(frame: Any) -> tuple[Assessment, ...]:
    """The units of a frame; DataError lists every problem with its row and column."""
    from cqdt_rules.data.readers import RowLayout, csv_row  # with YAML, which scoring a frame does not otherwise need

    header, rows = _rows(frame)
    if len(set(header)) != len(header):
        raise UsageError("the frame has a column name twice")
    problems: list[Diagnostic] = []
    found = []
    layout = RowLayout(header)
    for number, row in enumerate(rows, start=1):
        cells = [_cell(row.get(column)) for column in header]
        if not any(cells):
            continue
        starts = [(number, index + 1) for index in range(len(header))]
        assessment = csv_row(layout, cells, FRAME_PATH, number, starts, problems)
        if assessment is not None:
            found.append(assessment)
    if problems:
        raise DataError(problems)
    return tuple(found)


def _rows(frame: Any) -> tuple[list[str], Iterable[dict[str, Any]]]:
    module = type(frame).__module__.split(".")[0]
    header = [str(c) for c in frame.columns] if module != "pyarrow" else [str(c) for c in frame.column_names]
    for column in ("code", "name", "tier", "year", "source"):
        if column not in header:
            raise DataError([Diagnostic(Span(FRAME_PATH, 1, 1, 1, 1), f"the frame has no '{column}' column")])
    if module == "pyarrow":
        return header, frame.to_pylist()
    if module == "polars":
        return header, frame.to_dicts()
    return header, frame.to_dict("records")


def _cell(value: Any) -> str:
    """A frame's cell as the CSV reader reads a cell: missing → empty; an integral float 23.0 → "23"."""
    if value is None or value is _pandas_na(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a numpy scalar
        return _cell(value.item())
    return str(value).strip()


def _pandas_na(value: Any) -> Any:
    """pandas.NA (and NaT) when the value is one, else a sentinel that never matches."""
    if type(value).__name__ in ("NAType", "NaTType"):
        return value
    return _NEVER


_NEVER = object()


def score(ruleset: m.Ruleset | CheckedRuleset, units: Iterable[Assessment] | Any, *, run_at: str | None = None,
          any_year: bool = False, engine: str = "scalar", unit_list: Mapping[str, str] | None = None) -> Results:
    """``engine.scoring.score`` that also takes a data frame (pandas, Polars, Arrow) of units; ``unit_list``
    (code → tier) is what the units' parents are checked against."""
    if is_frame(units):
        units = assessments_from_frame(units)
    return scoring.score(ruleset, units, run_at=run_at, any_year=any_year, engine=engine, unit_list=unit_list)
