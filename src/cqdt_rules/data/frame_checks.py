"""A data frame read as numpy columns, and checked column by column for the batch engine.

How a cell is read is the same for both engines (``frames.assessments_from_frame`` reads the same columns row
by row for the scalar engine): missing is null, None, NaN, pandas NA or NaT, or an empty or blank text, never
0; an integer column gives its integers; a Decimal or text column gives its text as written; a float column
gives, for each float, the shortest decimal that reads back as the same float (Python's ``repr``): 1.8 is 1.8
and 23.0 is 23, but 0.1 + 0.2 is 0.30000000000000004, which has more than 12 decimals and is refused (round
the column first, ``df.round(6)``) rather than silently changed.

``checked_frame`` makes every check the scalar path makes on data, on whole columns: missing values, text that
is no number, numbers beyond ±10^15 or with more than 12 decimals, negative counts, percentages above 100,
declared ranges and maxima, pairs (a > b, whole parts), yes/no and category answers, audit-only values,
defaults, identity fields (empty, control characters, unknown tier or source, a missing district), duplicate
and case-colliding unit codes, years, parents and evidence. Numbers are checked with numpy; a text column's
cells are coerced once per distinct text by the scalar code itself. A row every check accepts is never
looked at alone: its values stay in the columns the batch engine scores. A row some check doubts is read and
checked by the scalar code, which writes the messages: they are the scalar path's own, in both languages,
capped by ``errors.render_diagnostics`` like any other. Errors point at ``<dataframe>:ROW:COLUMN``: ROW 1 is
the frame's first row (the same CSV file reports it on line 2, under its header), COLUMN the frame's column
(1 = the first).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any

import attrs
import numpy as np

from cqdt_rules.data.readers import RowLayout, csv_row
from cqdt_rules.engine.batch import CheckedCohort, Columns, IndicatorColumn, fixed_column
from cqdt_rules.engine.evaluator import CohortKey, evidence_problems, grouped_tiers, year_problem
from cqdt_rules.engine.fit import Shape, check_shape
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC, MAX_DECIMALS, MAX_MAGNITUDE
from cqdt_rules.model.units import SOURCES, Assessment, Pair, audit_only_absent, nfc, normal_code, read_year
from cqdt_rules.model.checking import AssessmentChecker, coerce_value, direct_limits, groups_by_district
from cqdt_rules.model.parents import check_parents

FRAME_PATH = "<dataframe>"
REQUIRED = ("code", "name", "tier", "year", "source")
_INT64_MAX = 2**63 - 1
_FLOAT_EXACT = 2.0**49  # |x| × 10^d below this: rint(x × 10^d) is the decimal repr() writes (see _float_numbers)


# ---------------------------------------------------------------- cells
def cell_text(value: Any) -> str:
    """A frame's cell as the CSV reader reads a cell: missing → empty; an integral float 23.0 → "23"; any
    other float as ``repr`` writes it."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(float(value))
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a numpy scalar
        return cell_text(value.item())
    return str(value).strip()


@attrs.define
class FrameColumn:
    """One column: its values (int64, float64, bool, or Python objects) and its null cells."""

    values: Any
    nulls: Any
    _texts: list[str] | None = None

    @property
    def numeric(self) -> bool:
        return bool(self.values.dtype.kind in "if")

    def cell(self, row: int) -> str:
        if self._texts is not None:
            return self._texts[row]
        return "" if self.nulls[row] else cell_text(self.values.item(row))

    def texts(self) -> list[str]:
        """Every cell as text; a numeric column converts each distinct value once."""
        if self._texts is None:
            if self.values.dtype == object:
                self._texts = [v.strip() if type(v) is str else cell_text(v) for v in self.values.tolist()]
            else:
                distinct, inverse = np.unique(self.values, return_inverse=True)
                table = np.array([cell_text(v) for v in distinct.tolist()] + [""], dtype=object)
                self._texts = table[np.where(self.nulls, len(distinct), inverse.reshape(-1))].tolist()
        return self._texts

    def empty(self) -> Any:
        """The cells read as missing."""
        if self.values.dtype == object:
            return np.fromiter((not t for t in self.texts()), dtype=bool, count=len(self.values))
        return self.nulls


@attrs.define
class FrameTable:
    header: list[str]
    columns: list[FrameColumn]
    rows: int

    def cells(self, row: int) -> list[str]:
        return [column.cell(row) for column in self.columns]


def read_table(frame: Any) -> FrameTable:
    """A pandas or Polars DataFrame or an Arrow table as numpy columns."""
    module = type(frame).__module__.split(".")[0]
    if module == "pandas":
        header = [str(c) for c in frame.columns]
        columns = [_pandas_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
        rows = len(frame)
    else:
        table = frame.to_arrow() if module == "polars" else frame
        header = [str(c) for c in table.column_names]
        columns = [_arrow_column(table.column(i)) for i in range(table.num_columns)]
        rows = table.num_rows
    for column in REQUIRED:
        if column not in header:
            raise DataError([Diagnostic(Span(FRAME_PATH, 1, 1, 1, 1), f"the frame has no '{column}' column")])
    if len(set(header)) != len(header):
        raise UsageError("the frame has a column name twice")
    return FrameTable(header, columns, rows)


def _numeric(values: Any, nulls: Any) -> FrameColumn:
    kind = values.dtype.kind
    if kind == "f":
        values = values.astype(np.float64)
        return FrameColumn(values, nulls | np.isnan(values))
    if kind == "u" and values.size and int(values.max()) > _INT64_MAX:
        return FrameColumn(np.array(values.tolist(), dtype=object), nulls)
    return FrameColumn(values.astype(bool if kind == "b" else np.int64), nulls)


def _objects(items: list[Any], nulls: Any) -> FrameColumn:
    values = np.empty(len(items), dtype=object)
    values[:] = items
    return FrameColumn(values, nulls)


def _pandas_column(series: Any) -> FrameColumn:
    kind = getattr(series.dtype, "kind", "O")
    nulls = np.asarray(series.isna().to_numpy(), dtype=bool)
    if kind in ("i", "u", "f", "b"):
        target = {"i": np.int64, "u": np.uint64, "f": np.float64, "b": bool}[kind]
        return _numeric(np.asarray(series.to_numpy(dtype=target, na_value=np.nan if kind == "f" else 0)), nulls)
    return _objects(series.to_numpy(dtype=object).tolist(), nulls)


def _arrow_column(column: Any) -> FrameColumn:
    import pyarrow as pa

    array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    nulls = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    kind = array.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        filled = array.fill_null(False if pa.types.is_boolean(kind) else 0)
        return _numeric(np.asarray(filled.to_numpy(zero_copy_only=False)), nulls)
    return _objects(array.to_pylist(), nulls)


def row_assessment(table: FrameTable, layout: RowLayout, row: int, problems: list[Diagnostic]) -> Assessment | None:
    """Row ``row`` (from 0) read by the CSV reader's row code, as the scalar path reads every row."""
    starts = [(row + 1, index + 1) for index in range(len(table.header))]
    return csv_row(layout, table.cells(row), FRAME_PATH, row + 1, starts, problems)


# ---------------------------------------------------------------- numbers of a numeric column
@attrs.define
class Numbers:
    """Exact decimals as integers: the value of a row is n × 10^-d; ``ok`` is False where numpy cannot say."""

    n: Any
    d: Any
    ok: Any


def numbers_of(column: FrameColumn) -> Numbers:
    """The decimals of an int or float column (nulls: 0, ok)."""
    values = column.values
    if values.dtype.kind == "i":
        ok = (values > -MAX_MAGNITUDE_INT) & (values < MAX_MAGNITUDE_INT)
        return Numbers(np.where(ok & ~column.nulls, values, 0), np.zeros(len(values), dtype=np.int64), ok | column.nulls)
    return _float_numbers(np.where(column.nulls, 0.0, values), column.nulls)


MAX_MAGNITUDE_INT = int(MAX_MAGNITUDE)


def _float_numbers(x: Any, nulls: Any) -> Numbers:
    """Each float as the shortest decimal that reads back as it (what ``repr`` writes), found without text:
    the fewest decimals d ≤ 12 for which n = rint(x × 10^d) gives n / 10^d == x (IEEE division rounds
    correctly, so that decimal reads back as x). While |x| × 10^d < 2^49 the rounding of x × 10^d moves it by
    less than 1/16, so n is the only such decimal and none is missed; a float beyond that (or beyond the
    limits, or not finite) is left to the scalar code (ok False)."""
    n = np.zeros(len(x), dtype=np.int64)
    d = np.full(len(x), -1, dtype=np.int64)
    todo = np.isfinite(x) & (np.abs(x) < float(MAX_MAGNITUDE)) & ~nulls
    for digits in range(MAX_DECIMALS + 1):
        if not todo.any():
            break
        scale = 10.0**digits
        scaled = x * scale
        exact = todo & (np.abs(scaled) < _FLOAT_EXACT)
        whole = np.rint(np.where(exact, scaled, 0.0))
        hit = exact & (whole / scale == x)
        n[hit] = whole[hit].astype(np.int64)
        d[hit] = digits
        todo &= ~hit & exact
    found = d >= 0
    return Numbers(n, np.where(found, d, 0), found | nulls)


def _bound_mask(numbers: Numbers, bound: Decimal, above: bool) -> Any:
    """Rows whose value is above (or below) ``bound``, exactly: n compared with bound × 10^d rounded."""
    found = np.zeros(len(numbers.n), dtype=bool)
    for digits in np.unique(numbers.d).tolist():
        with localcontext(ARITHMETIC):
            limit = int(bound.scaleb(digits).to_integral_value(ROUND_FLOOR if above else ROUND_CEILING))
        chosen = numbers.d == digits
        if -_INT64_MAX <= limit <= _INT64_MAX:
            found |= chosen & ((numbers.n > limit) if above else (numbers.n < limit))
        elif (limit < 0) == above:  # every value is beyond a limit outside int64's range
            found |= chosen
    return found


def _not_whole(numbers: Numbers) -> Any:
    return numbers.n % (10**numbers.d) != 0


def number_refusals(ind: m.Indicator, numbers: Numbers, limits: Mapping[str, Decimal]) -> Any:
    """Rows of a number column the scalar ``_check_number`` would refuse."""
    refused = np.zeros(len(numbers.n), dtype=bool)
    if ind.kind == "count":
        refused |= _not_whole(numbers)
    if ind.kind in ("count", "percent", "score"):
        refused |= numbers.n < 0
    if ind.kind == "percent":
        refused |= _bound_mask(numbers, Decimal(100), above=True)
    if ind.kind == "score" and ind.name in limits:
        refused |= _bound_mask(numbers, limits[ind.name], above=True)
    if ind.range is not None:
        refused |= _bound_mask(numbers, ind.range[0], above=False) | _bound_mask(numbers, ind.range[1], above=True)
    return refused


def pair_refusals(ind: m.Indicator, a: Numbers, b: Numbers) -> Any:
    """Rows of a pair the scalar ``_coerce_pair`` would refuse, or numpy cannot compare exactly."""
    refused = (a.n < 0) | (b.n < 0)
    if ind.range is None:
        refused |= _not_whole(a) | _not_whole(b)
    else:
        for part in (a, b):
            refused |= _bound_mask(part, ind.range[0], above=False) | _bound_mask(part, ind.range[1], above=True)
    if not ind.a_may_exceed_b:
        digits = np.maximum(a.d, b.d)
        a_shift, b_shift = 10 ** (digits - a.d), 10 ** (digits - b.d)
        safe = (np.abs(a.n) <= _INT64_MAX // a_shift) & (np.abs(b.n) <= _INT64_MAX // b_shift)
        refused |= ~safe | (np.where(safe, a.n, 0) * a_shift > np.where(safe, b.n, 0) * b_shift)
    return refused


# ---------------------------------------------------------------- one indicator of one tier
@attrs.define
class IndicatorValues:
    """An indicator's coerced values over every row of the frame, as columns. ``doubted`` rows are left to the
    scalar code (refused values among them); ``absent`` rows have no value (None)."""

    ind: m.Indicator
    doubted: Any
    absent: Any
    n: Any = None  # count, number, percent, score: n × 10^-d
    d: Any = None
    parts: tuple[Numbers, Numbers] | None = None  # pair: a, b
    truth: Any = None  # yesno
    category: Any = None  # index into the categories, -1 when absent
    exact: Any = None  # the value itself (Decimal, Pair) where the column gave text, or a default: wins over n, d

    def value(self, row: int) -> Any:
        if self.absent[row]:
            return None
        if self.exact is not None and self.exact[row] is not None:
            return self.exact[row]
        kind = self.ind.kind
        if kind == "yesno":
            return bool(self.truth[row])
        if kind == "category":
            return self.ind.categories[int(self.category[row])].name
        if kind == "pair":
            assert self.parts is not None
            a, b = self.parts
            return Pair(_decimal(a.n[row], a.d[row]), _decimal(b.n[row], b.d[row]))
        return _decimal(self.n[row], self.d[row])

    def store(self, row: Any, value: Any) -> None:
        """The value of row ``row`` (an index, or a mask of rows) as the scalar code coerced it."""
        self.doubted[row] = False
        self.absent[row] = value is None
        if value is None:
            return
        if self.ind.kind == "yesno":
            self.truth[row] = value
        elif self.ind.kind == "category":
            self.category[row] = [c.name for c in self.ind.categories].index(value)
        else:
            if self.exact is None:
                self.exact = np.full(len(self.absent), None, dtype=object)
            self.exact[row] = value
            targets: list[tuple[Any, Decimal]] = [(self, value)]
            if self.parts is not None:
                targets = [(self.parts[0], value.a), (self.parts[1], value.b)]
            for target, number in targets:
                n, d = _integer_and_decimals(number)
                if abs(n) > _INT64_MAX and target.n.dtype != object:
                    target.n = target.n.astype(object)
                target.n[row], target.d[row] = n, d

    def column(self, rows: Any, evidenced: Any) -> IndicatorColumn:
        """The batch engine's column for the rows ``rows`` (in that order); ``evidenced``: rows with evidence."""
        absent = self.absent[rows]
        kind = self.ind.kind
        needs = ~absent if self.ind.evidence is not None else np.zeros(len(rows), dtype=bool)
        if kind == "yesno":
            needs &= self.truth[rows]
        column = IndicatorColumn(kind, absent, needs & ~evidenced[rows])
        if kind == "yesno":
            column.truth = self.truth[rows] & ~absent
        elif kind == "category":
            column.category = np.where(absent, -1, self.category[rows])
        elif kind == "pair":
            assert self.parts is not None
            column.a, column.b = fixed_column([(p.n[rows], p.d[rows], absent) for p in self.parts])
        else:
            (column.number,) = fixed_column([(self.n[rows], self.d[rows], absent)])
        return column


def _decimal(n: Any, d: Any) -> Decimal:
    return Decimal(int(n)).scaleb(-int(d))


def _integer_and_decimals(value: Decimal) -> tuple[int, int]:
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    whole = int(value.scaleb(-exponent)) if digits else 0
    return (whole * 10**exponent, 0) if exponent >= 0 else (whole, -exponent)


def indicator_values(ind: m.Indicator, layout: RowLayout, table: FrameTable, early: Any,
                     limits: Mapping[str, Decimal]) -> IndicatorValues:
    """The indicator's values from its column(s): numbers checked with numpy, text once per distinct text.
    ``early``: the rows of a stage before the audit."""
    pair_columns = next(((a, b) for name, a, b in layout.pairs if name == ind.name), None)
    single = next((index for name, index in layout.values if name == ind.name), None)
    if pair_columns is not None:  # as the row reading: None when both cells are empty, else [a, b]
        a_col, b_col = (table.columns[i] for i in pair_columns)
        missing = a_col.empty() & b_col.empty()
        if ind.kind == "pair" and a_col.numeric and b_col.numeric:
            a, b = numbers_of(a_col), numbers_of(b_col)
            partial = (a_col.empty() | b_col.empty()) & ~missing
            values = IndicatorValues(ind, partial | ~(a.ok & b.ok) | pair_refusals(ind, a, b), missing, parts=(a, b))
        else:
            values = _from_text(ind, list(zip(a_col.texts(), b_col.texts())), list, limits)
    elif single is not None:
        column = table.columns[single]
        missing = column.empty()
        if column.numeric and ind.kind in ("count", "number", "percent", "score"):
            numbers = numbers_of(column)
            values = IndicatorValues(ind, ~numbers.ok | number_refusals(ind, numbers, limits), missing.copy(),
                                     n=numbers.n, d=numbers.d)
        else:
            values = _from_text(ind, column.texts(), lambda text: text, limits)
    else:
        missing = np.ones(table.rows, dtype=bool)
        values = _empty_values(ind, table.rows)
    values.doubted &= ~missing
    values.absent = missing.copy()
    _missing_and_audit_only(values, missing, early, limits)
    return values


def _empty_values(ind: m.Indicator, rows: int) -> IndicatorValues:
    zeros = np.zeros(rows, dtype=np.int64)
    values = IndicatorValues(ind, np.zeros(rows, dtype=bool), np.zeros(rows, dtype=bool))
    if ind.kind == "pair":
        values.parts = (Numbers(zeros.copy(), zeros.copy(), None), Numbers(zeros.copy(), zeros.copy(), None))
    elif ind.kind == "yesno":
        values.truth = np.zeros(rows, dtype=bool)
    elif ind.kind == "category":
        values.category = np.full(rows, -1, dtype=np.int64)
    else:
        values.n, values.d = zeros.copy(), zeros.copy()
    return values


def _from_text(ind: m.Indicator, keys: list[Any], raw: Callable[[Any], Any], limits: Mapping[str, Decimal]
               ) -> IndicatorValues:
    """Values coerced by the scalar ``coerce_value``, once per distinct key (a text, or a pair's two texts)."""
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(key, len(index)) for key in keys), dtype=np.int64, count=len(keys))
    table: list[Any] = []
    refused: list[bool] = []
    for key in index:
        failed: list[str] = []
        table.append(coerce_value(ind, raw(key), limits, lambda message, hint=None: failed.append(message)))
        refused.append(bool(failed))
    values = _empty_values(ind, len(keys))
    values.doubted = np.array(refused + [False], dtype=bool)[codes]
    if ind.kind == "yesno":
        values.truth = np.array([v is True for v in table] + [False], dtype=bool)[codes]
    elif ind.kind == "category":
        names = [c.name for c in ind.categories]
        values.category = np.array([names.index(v) if v in names else -1 for v in table] + [-1], dtype=np.int64)[codes]
    else:
        objects = np.empty(len(table) + 1, dtype=object)
        objects[:len(table)] = table
        values.exact = objects[codes]
        _fill_numbers(values, codes, table)
    return values


def _fill_numbers(values: IndicatorValues, codes: Any, table: list[Any]) -> None:
    """n and d of every row from the distinct values coerced (Python integers where int64 is too small)."""
    targets: list[tuple[Any, Callable[[Any], Any]]] = [(values, lambda v: v)]
    if values.parts is not None:
        targets = [(values.parts[0], lambda v: v.a), (values.parts[1], lambda v: v.b)]
    wanted = Pair if values.parts is not None else Decimal
    for target, pick in targets:
        pairs = [_integer_and_decimals(pick(v)) if isinstance(v, wanted) else (0, 0) for v in table]
        big = any(abs(n) > _INT64_MAX for n, _ in pairs)
        n_table = np.array([n for n, _ in pairs] + [0], dtype=object if big else np.int64)
        d_table = np.array([d for _, d in pairs] + [0], dtype=np.int64)
        target.n, target.d = n_table[codes], d_table[codes]


def _missing_and_audit_only(values: IndicatorValues, missing: Any, early: Any, limits: Mapping[str, Decimal]) -> None:
    """What the scalar code does with a missing value (none for an audit-only indicator before the audit, the
    declared default, else an error) and with an audit-only value given before the audit (an error)."""
    ind = values.ind
    if ind.audit_only:
        values.doubted |= early & ~missing
        missing = missing & ~early  # missing before the audit: not assessed (absent)
    values.absent &= ~missing
    if not missing.any():
        return
    if ind.default is None:
        values.doubted |= missing
        return
    values.store(missing, coerce_value(ind, ind.default, limits, lambda message, hint=None: None))


# ---------------------------------------------------------------- the frame checked
class _Identity:
    """The identity columns of every row as texts, and which rows are blank."""

    def __init__(self, table: FrameTable, layout: RowLayout):
        self.table, self.layout = table, layout
        rows = table.rows
        self.texts: dict[str, list[str]] = {
            field: self.table.columns[index].texts() for field, index in self.layout.identity.items()}
        for field in ("parent", "note"):
            self.texts.setdefault(field, [""] * rows)
        empties = [column.empty() for column in self.table.columns]
        self.blank = np.logical_and.reduce(empties) if empties else np.ones(rows, dtype=bool)
        self.given = np.flatnonzero(~self.blank)
        self.years = _per_distinct(self.texts["year"], read_year)

    def column(self, field: str) -> Any:
        return np.array(self.texts[field], dtype=object)


def _per_distinct(texts: list[str], fn: Callable[[str], Any]) -> list[Any]:
    table = {text: fn(text) for text in set(texts)}
    return [table[text] for text in texts]


def _rows_where(rows: Any, mask: Any) -> list[int]:
    return [int(r) for r in rows[mask[rows]]]


def _refuse(problems: list[Diagnostic]) -> None:
    if problems:
        raise DataError(problems)


def checked_frame(ruleset: m.Ruleset, table: FrameTable, any_year: bool, unit_list: Mapping[str, str] | None
                  ) -> tuple[dict[CohortKey, CheckedCohort], tuple[Diagnostic, ...]]:
    """Every check of ``evaluator.checked_data`` (and of reading the frame row by row before it), in the same
    order, on columns; then the cohorts, each with its members and its columns for the batch engine."""
    layout = RowLayout(table.header)
    identity = _Identity(table, layout)
    _check_reading(table, layout, identity)
    if not len(identity.given):
        return {}, ()
    check_shape(ruleset, _shape(layout, identity), any_year)
    if not any_year:
        _check_years(ruleset, table, layout, identity)
    frame = _FrameValues(ruleset, table, layout, identity)
    assessments = frame.assessments()
    errors, warnings = check_parents(assessments, unit_list, grouped_tiers(ruleset))
    _refuse(errors)
    if ruleset.header.on_missing_evidence == "error":
        _refuse([p for a in frame.lacking_evidence(assessments) for p in evidence_problems(ruleset, a)])
    return frame.cohorts(assessments), tuple(warnings)


def _check_reading(table: FrameTable, layout: RowLayout, identity: _Identity) -> None:
    """The row reading's own checks (identity fields given, a year of four digits, pairs in two columns)."""
    bad = np.zeros(table.rows, dtype=bool)
    for field in REQUIRED:
        bad |= np.fromiter((not t for t in identity.texts[field]), dtype=bool, count=table.rows)
    bad |= np.fromiter((y is None for y in identity.years), dtype=bool, count=table.rows)
    if layout.unpaired:
        bad[:] = True
    problems: list[Diagnostic] = []
    for row in _rows_where(identity.given, bad):
        row_assessment(table, layout, row, problems)
    _refuse(problems)


def _shape(layout: RowLayout, identity: _Identity) -> Shape:
    given = identity.given.tolist()
    tiers = Counter(identity.texts["tier"][r] for r in given)
    names = frozenset([name for name, _ in layout.values] + [name for name, _, _ in layout.pairs])
    return Shape((FRAME_PATH,), len(given), tuple(sorted(tiers.items())),
                 tuple(sorted({identity.years[r] for r in given})),
                 tuple(sorted({identity.texts["source"][r] for r in given})), names)


def _check_years(ruleset: m.Ruleset, table: FrameTable, layout: RowLayout, identity: _Identity) -> None:
    if ruleset.header.years is None:
        return
    covered = {year: ruleset.header.covers(year) for year in set(identity.years) if year is not None}
    outside = np.fromiter((not covered.get(y, True) for y in identity.years), dtype=bool, count=table.rows)
    problems: list[Diagnostic] = []
    for row in _rows_where(identity.given, outside):
        assessment = row_assessment(table, layout, row, [])
        assert assessment is not None  # the row was read before
        problem = year_problem(ruleset, assessment)
        if problem is not None:
            problems.append(problem)
    _refuse(problems)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_ASCII = re.compile("[^\x20-\x7e]")


def _matching(texts: list[str], pattern: re.Pattern[str]) -> Any:
    """Rows whose text ``pattern`` finds something in; one scan of the whole column when it finds nothing."""
    if not pattern.search("\x20".join(texts)):
        return np.zeros(len(texts), dtype=bool)
    return np.fromiter((pattern.search(t) is not None for t in texts), dtype=bool, count=len(texts))


def _normal_codes(texts: list[str]) -> list[str]:
    """``normal_code`` of every text; plain ASCII (the usual case) is its own normal form."""
    if not _PLAIN_ASCII.search("".join(texts)):
        return texts
    return [normal_code(t) for t in texts]


class _FrameValues:
    """The frame's identity and values, checked: rows the columns settle stay in them; the others (``doubted``)
    are checked by the scalar ``AssessmentChecker``, whose messages are the errors."""

    def __init__(self, ruleset: m.Ruleset, table: FrameTable, layout: RowLayout, identity: _Identity):
        self.ruleset, self.table, self.layout, self.identity = ruleset, table, layout, identity
        rows = table.rows
        self.codes = _normal_codes(identity.texts["code"])
        self.parents = _normal_codes(identity.texts["parent"])
        names = identity.texts["name"]
        self.names = names if unicodedata.is_normalized("NFC", "\n".join(names)) else [nfc(n) for n in names]
        self.evidence = self._evidence()
        doubted = np.zeros(rows, dtype=bool)
        for field in ("code", "name", "parent", "tier", "source"):
            doubted |= _matching(identity.texts[field], _CONTROL)
        doubted |= _matching(identity.texts["note"], _CONTROL_BUT_LINES)
        doubted |= np.fromiter((not c for c in self.codes), dtype=bool, count=rows)
        tiers = {t.id: t for t in ruleset.tiers}
        tier_texts = identity.column("tier")
        sources = identity.column("source")
        doubted |= ~np.isin(sources, list(SOURCES)) | ~np.isin(tier_texts, list(tiers))
        self.values: dict[str, dict[str, IndicatorValues]] = {}
        for tier_id in sorted(set(tier_texts[identity.given].tolist()) & set(tiers)):
            doubted |= (tier_texts == tier_id) & self._tier(tiers[tier_id], sources)
        self.accepted: dict[int, Assessment] = {}
        self._check_doubted(doubted)

    def _evidence(self) -> dict[str, tuple[list[str], list[tuple[str, ...] | None], Any]]:
        """Per evidence column: its texts, each row's references (None for an empty cell), the rows holding one."""
        found = {}
        for name, index in self.layout.evidence:
            texts = self.table.columns[index].texts()
            normal = unicodedata.is_normalized("NFC", "\n".join(texts))
            distinct = {text: _references(text, normal) for text in set(texts) if text}
            refs = [distinct.get(text) for text in texts]
            has = np.fromiter((bool(r) for r in refs), dtype=bool, count=len(texts))
            found[name] = (texts, refs, has)
        return found

    def _tier(self, tier: m.Tier, sources: Any) -> Any:
        """The rows of a tier some check of its values doubts, its values kept in ``self.values``."""
        rows = self.table.rows
        doubted = np.zeros(rows, dtype=bool)
        indicators = {ind.name: ind for ind in tier.indicators}
        given_names = [name for name, _ in self.layout.values] + [name for name, _, _ in self.layout.pairs]
        if any(name not in indicators for name in given_names):
            doubted[:] = True  # every row of the tier names an indicator the tier does not have
        for name, index in self.layout.evidence:
            if name not in indicators:
                doubted |= ~self.table.columns[index].empty()
            else:
                doubted |= _matching(self.evidence[name][0], _CONTROL_BUT_LINES)
        if groups_by_district(tier):
            doubted |= np.fromiter((not p for p in self.parents), dtype=bool, count=rows)
        limits = direct_limits(tier)
        early = np.isin(sources, [s for s in SOURCES if audit_only_absent(s)])
        self.values[tier.id] = {}
        for ind in tier.indicators:
            values = indicator_values(ind, self.layout, self.table, early, limits)
            self.values[tier.id][ind.name] = values
            doubted |= values.doubted
        return doubted

    def _check_doubted(self, doubted: Any) -> None:
        """The scalar checks on the doubted rows (on every row when two rows may name one unit: its duplicate
        check needs them all); raise their problems, keep the values of the rows they accept."""
        identity = self.identity
        given = identity.given.tolist()
        keys = {(self.codes[r], identity.years[r], identity.texts["source"][r]) for r in given}
        codes = set(self.codes[r] for r in given)
        cross_row = len(keys) < len(given) or len({c.casefold() for c in codes}) < len(codes)
        checker = AssessmentChecker(self.ruleset)
        for row in (given if cross_row else _rows_where(identity.given, doubted)):
            assessment = row_assessment(self.table, self.layout, row, [])
            assert assessment is not None
            checked = checker.check(assessment)
            if checked is not None:
                self.accepted[row] = checked
        _refuse(checker.problems)
        for row, checked in self.accepted.items():
            for name, values in self.values.get(checked.tier, {}).items():
                values.store(row, checked.values.get(name))

    def assessments(self) -> list[Assessment]:
        """Every row's assessment, in row order: the scalar checker's where it checked the row, else one whose
        values are read from the columns when asked for."""
        identity = self.identity
        texts = identity.texts
        found = []
        for row in identity.given.tolist():
            checked = self.accepted.get(row)
            if checked is None:
                tier = texts["tier"][row]
                checked = Assessment(
                    code=self.codes[row], name=self.names[row], tier=tier, year=identity.years[row],
                    source=texts["source"][row], values=RowValues(self.values[tier], row),
                    evidence=self._row_evidence(row), parent=self.parents[row] or None, note=texts["note"][row] or None,
                    origin=Span(FRAME_PATH, row + 1, 1, row + 1, 2),
                    value_spans=CellSpans(self.table, self.layout.value_columns, row),
                    field_spans=CellSpans(self.table, self.layout.identity, row))
            found.append(checked)
        return found

    def _row_evidence(self, row: int) -> dict[str, tuple[str, ...]]:
        found = {}
        for name, (_, refs, _) in self.evidence.items():
            given = refs[row]
            if given is not None:
                found[name] = given
        return found

    def _evidenced(self, name: str) -> Any:
        found = self.evidence.get(name)
        return found[2] if found is not None else np.zeros(self.table.rows, dtype=bool)

    def lacking_evidence(self, assessments: list[Assessment]) -> list[Assessment]:
        """The assessments with a value that needs evidence given without it."""
        lacking = np.zeros(self.table.rows, dtype=bool)
        for values in (v for tier in self.values.values() for v in tier.values()):
            if values.ind.evidence is not None:
                needs = ~values.absent & (values.truth if values.ind.kind == "yesno" else True)
                lacking |= needs & ~self._evidenced(values.ind.name)
        rows = self.identity.given.tolist()
        return [a for row, a in zip(rows, assessments) if lacking[row]]

    def cohorts(self, assessments: list[Assessment]) -> dict[CohortKey, CheckedCohort]:
        """The cohorts (tier, year, source), members sorted by code, with their columns."""
        rows: dict[CohortKey, list[tuple[str, int, Assessment]]] = {}
        for row, assessment in zip(self.identity.given.tolist(), assessments):
            rows.setdefault((assessment.tier, assessment.year, assessment.source), []).append(
                (assessment.code, row, assessment))
        cohorts = {}
        for key, members in rows.items():
            members.sort(key=lambda member: member[0])
            order = np.array([row for _, row, _ in members], dtype=np.int64)
            cohorts[key] = CheckedCohort([a for _, _, a in members], self._columns(key[0], order, members))
        return cohorts

    def _columns(self, tier_id: str, order: Any, members: list[tuple[str, int, Assessment]]
                 ) -> Callable[[m.Tier], Columns]:
        def columns(tier: m.Tier) -> Columns:
            found = {ind.name: self.values[tier_id][ind.name].column(order, self._evidenced(ind.name))
                     for ind in tier.indicators}
            return Columns(len(order), [a.parent for _, _, a in members], found)

        return columns


def _references(text: str, normal: bool) -> tuple[str, ...]:
    """A cell's evidence references, as the row reading splits them (``normal``: the text is NFC already)."""
    parts = (part.strip() for part in text.split(";"))
    return tuple(part if normal else nfc(part) for part in parts if part)


class RowValues(Mapping[str, Any]):
    """One row's values, read from the frame's checked columns when asked for (the scalar engine's values)."""

    __slots__ = ("_values", "_row")

    def __init__(self, values: Mapping[str, IndicatorValues], row: int):
        self._values, self._row = values, row

    def __getitem__(self, name: str) -> Any:
        return self._values[name].value(self._row)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class CellSpans(Mapping[str, Span]):
    """Where a row's cells are, by name (a column, or a pair's first column), as the row reading says."""

    __slots__ = ("_table", "_columns", "_row")

    def __init__(self, table: FrameTable, columns: Mapping[str, int], row: int):
        self._table, self._columns, self._row = table, columns, row

    def __getitem__(self, name: str) -> Span:
        index = self._columns[name]
        text = self._table.columns[index].cell(self._row)
        return Span(FRAME_PATH, self._row + 1, index + 1, self._row + 1, index + 1 + max(1, len(text)))

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)
