"""Scoring with a SQL engine: check the data with the companion queries (refusing what the Python
engine refuses, with its messages), run each tier's query, and read the rows back as ``Results``."""

from __future__ import annotations

import datetime as dt
from functools import partial
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from sqlglot import exp

from cqdt_rules.engine.compiler import NodeResult
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import LevelResult, RankResult, Results, UnitResult
from cqdt_rules.engine.sql.arith import cmp, lit
from cqdt_rules.engine.sql.compile import ERROR_COLUMN, INPUT_TABLE, PART_COLUMN, TierQuery, compile_tier, pivot_parts
from cqdt_rules.engine.sql.dialects import render
from cqdt_rules.engine.sql.inputs import COLUMNS, LOWEST_NAME_COLUMN, NAME_COLUMN, col, text
from cqdt_rules.engine.sql.messages import Locate, diagnostic, evaluation_diagnostic
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC, NumberError, read_value
from cqdt_rules.model.units import Assessment, Pair, nfc, shown

ORDERED_CHECKS = ("value", "year", "evidence")
"""The Python engine checks values first, then the years, then evidence under ``on_missing_evidence error``;
it reports the first kind found, so the runner does too."""
Row = tuple[Any, ...]


class Engine(Protocol):
    dialect: str

    def query(self, sql: str) -> tuple[list[str], list[Row]]:
        """Run one query; the column names and the rows."""


class StreamingEngine(Engine, Protocol):
    def stream(self, sql: str) -> tuple[list[str], Iterator[Row]]:
        """Run one query; the column names and its rows, fetched a batch at a time as they are read."""

    def materialise(self, name: str, selects: Iterable[str]) -> str:
        """A work table of the rows of every query of ``selects``, run in turn; its name."""

    def fit_memory(self, values: int) -> None:
        """Give the engine enough memory for a tier whose rows hold ``values`` values (unless its memory was set)."""

    def partition(self, rows: str, parts: int) -> str:
        """The rows of the query ``rows`` written once, each into the part its column ``PART_COLUMN`` numbers (0 to
        ``parts`` - 1); a table of them from which a query of one part reads only that part's rows."""

    def close(self) -> None:
        """Remove what the engine wrote for its work."""


SLICE_VALUES = 250_000
"""Rows of the input (a row per unit and indicator) ``stream_sql`` puts in one part and pivots at once: about 25 MB
of DuckDB's memory."""
SCANS_BOUND = 16
"""The parts ``stream_sql`` reads from the input one scan a part; beyond, it writes the input into parts first. A scan
of the input costs DuckDB about a thirtieth of writing its rows into parts (a million communes, 88 parts: 88 scans
and the pivots took about as long as writing the parts and the pivots), but its number grows with the input."""


def score_sql(checked: CheckedRuleset, engine: Engine, *, table: str = INPUT_TABLE, locate: Locate | None = None,
              names: Mapping[str, str] | None = None, any_year: bool = False, run_at: str | None = None) -> Results:
    """Score the long-form table ``table`` with ``engine``; DataError (the Python engine's messages) for bad data."""
    where = locate or table_locator(table)
    present = _tier_rows(checked.ruleset, engine, table, where)
    queries = _checked_queries(checked.ruleset, engine, table, present, where, any_year)
    units: list[UnitResult] = []
    errors: list[Diagnostic] = []
    for query in queries:
        columns, rows = engine.query(render(query.tree, engine.dialect, pretty=False))
        scored, failed = _units(query, columns, rows, names or {}, where)
        units.extend(scored)
        errors.extend(failed)
    if errors:
        raise DataError(errors)
    return Results(checked.ruleset, tuple(units), _stamp(run_at))


def _stamp(run_at: str | None) -> str:
    return run_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _checked_queries(ruleset: m.Ruleset, engine: Engine, table: str, present: Collection[str], where: Locate,
                     any_year: bool, done: Callable[[int], None] | None = None,
                     pivot: Callable[[m.Tier], str] | None = None) -> list[TierQuery]:
    """The query of each tier of ``present`` (the tiers the table holds), once the companion queries found no
    problem in the data (else DataError with the problems of the first kind found, as the Python engine reports
    them). With ``pivot``, the queries read each tier's pivot from the table it makes."""
    queries = [compile_tier(ruleset, tier, table, any_year=any_year, wide_table=pivot(tier) if pivot else None)
               for tier in sorted(ruleset.tiers, key=lambda t: t.id) if tier.id in present]
    found: dict[str, list[Diagnostic]] = {kind: [] for kind in ORDERED_CHECKS}
    for query in queries:
        _, rows = engine.query(render(query.problems, engine.dialect, pretty=False))
        if done is not None:
            done(1)
        for row in rows:
            kind = "year" if row[4] == "year" else "evidence" if row[4] == "no_evidence" else "value"
            found[kind].append(diagnostic(ruleset, query.tier, row[:7], where))
    for kind in ORDERED_CHECKS:
        if found[kind]:
            raise DataError(found[kind])
    return queries


def stream_sql(checked: CheckedRuleset, engine: StreamingEngine, *, table: str = INPUT_TABLE,
               locate: Locate | None = None, any_year: bool = False, run_at: str | None = None,
               done: Callable[[int], None] | None = None) -> ScoredSql:
    """``score_sql`` without holding the units: the same checks and errors, then the results read from the engine
    a batch at a time, as they are written (``ScoredSql``). The units' names are the table's (``unit_name``): the
    rows of one unit, year and source must give one name (DataError otherwise).

    The input is read a bounded number of times whatever its size. Each tier's rows are counted (one scan), and
    each tier is pivoted a part of about ``SLICE_VALUES`` rows at a time (``pivot_parts``: the memory it takes stays
    the same however many units there are), a part being the units of one hash of their code. Up to ``SCANS_BOUND``
    parts in all, each is read from the input, one scan a part; beyond it every row is first written, once, into
    the part it falls in (``StreamingEngine.partition``) and each pivot reads only its part. The data checks read
    each tier's rows once more (indicators the ruleset does not know) and its pivot; each tier is scored once
    into a work table the results are read from. ``done(1)`` is told of each of the two queries run per tier
    before (checks, then scoring)."""
    where = locate or table_locator(table)
    engine.fit_memory(0)  # bounded from the start: raised for a large tier before it is scored
    counts = _tier_rows(checked.ruleset, engine, table, where)
    tiers = [t for t in sorted(checked.ruleset.tiers, key=lambda t: t.id) if t.id in counts]
    parts: dict[str, range] = {}
    first = 0
    for tier in tiers:
        parts[tier.id] = range(first, first + max(1, -(-counts[tier.id] // SLICE_VALUES)))
        first = parts[tier.id].stop
    source, chosen = table, {tier: [_hashed(len(numbers), i) for i in range(len(numbers))] for tier, numbers in parts.items()}
    if first > SCANS_BOUND:
        source = _partition(engine, table, parts)
        chosen = {tier: [cmp("=", col(PART_COLUMN), lit(k)) for k in numbers] for tier, numbers in parts.items()}
    pivot = partial(_pivot, engine, source, checked.ruleset, chosen)
    queries = _checked_queries(checked.ruleset, engine, source, counts, where, any_year, done, pivot)
    _check_names(engine, queries, where)
    cohorts: dict[str, list[tuple[int, str, int]]] = {}
    scored: dict[str, str] = {}
    errors: list[Diagnostic] = []
    error = _quoted(ERROR_COLUMN)
    for query in queries:
        index = checked.ruleset.tiers.index(query.tier)
        # the ranks and the best values are windows over a whole cohort: their memory grows with its units
        units = counts[query.tier.id] // max(1, len(query.tier.indicators))  # an input row per unit and indicator
        engine.fit_memory(units * _row_width(query))
        scored[query.tier.id] = engine.materialise(f"scored_{index}", [render(query.tree, engine.dialect, pretty=False)])
        _, sizes = engine.query(f"SELECT year, source, COUNT(*), COUNT({error}) FROM {scored[query.tier.id]} "
                                "GROUP BY year, source ORDER BY year, source")
        cohorts[query.tier.id] = [(int(year), source, count) for year, source, count, _ in sizes]
        if done is not None:
            done(1)
        if any(failed for *_, failed in sizes):
            _, rows = engine.query(f"SELECT unit_code, year, source, {error} FROM {scored[query.tier.id]} "
                                   f"WHERE {error} IS NOT NULL ORDER BY year, source, unit_code")
            errors.extend(evaluation_diagnostic(code, message, where(code, year, source, None))
                          for code, year, source, message in rows)
    if errors:
        raise DataError(errors)
    return ScoredSql(checked.ruleset, engine, scored, queries, cohorts, _stamp(run_at))


def _row_width(query: TierQuery) -> int:
    """The values of a unit's row the scoring of a tier holds, about: its indicators and its results."""
    return (len(query.tier.indicators) + len(query.points) + len(query.outputs) + len(query.keys) + len(query.levels)
            + 3 * len(query.ranks) + 6)


def _hashed(parts: int, part: int) -> exp.Expr | None:
    """The rows of a tier's ``part`` of ``parts`` (None: all of them), by a hash of the unit's code."""
    if parts == 1:
        return None
    return cmp("=", exp.Mod(this=exp.func("HASH", col("unit_code")), expression=lit(parts)), lit(part))


def _partition(engine: StreamingEngine, table: str, parts: Mapping[str, range]) -> str:
    """Every row of ``table`` written once into its part (``PART_COLUMN``): a tier's rows into its ``parts``, by a
    hash of the unit's code (DuckDB's ``hash``), so that every row of a unit is in one part; the table of the parts."""
    arms = []
    for tier, numbers in parts.items():
        hashed = exp.Mod(this=exp.func("HASH", col("unit_code")), expression=lit(len(numbers)))
        arms.append(exp.If(this=text(tier), true=exp.Add(this=lit(numbers.start), expression=hashed)))
    part = exp.Case(this=col("tier"), ifs=arms, default=lit(-1))  # every tier is one of parts: _tier_rows said so
    rows = exp.select(*[col(c) for c in COLUMNS], part.as_(PART_COLUMN, copy=False)).from_(exp.to_table(table), copy=False)
    return engine.partition(render(rows, engine.dialect, pretty=False), max(p.stop for p in parts.values()))


def _pivot(engine: StreamingEngine, table: str, ruleset: m.Ruleset, parts: Mapping[str, list[exp.Expr | None]],
           tier: m.Tier) -> str:
    """The tier's pivot (one row per unit) made once, into a work table the tier's queries then read, a part of its
    rows at a time (``parts``: the conditions that select them)."""
    selects = (render(select, engine.dialect, pretty=False) for select in pivot_parts(tier, table, parts[tier.id]))
    return engine.materialise(f"wide_{ruleset.tiers.index(tier)}", selects)


def _check_names(engine: StreamingEngine, queries: Sequence[TierQuery], where: Locate) -> None:
    """DataError for a unit whose rows give it two names in one year and source: which one is meant is not for the
    engine to guess."""
    found: list[Diagnostic] = []
    for query in queries:
        assert query.wide_table is not None
        _, rows = engine.query(f"SELECT unit_code, year, source, {LOWEST_NAME_COLUMN}, {NAME_COLUMN} FROM {query.wide_table} "
                               f"WHERE {LOWEST_NAME_COLUMN} <> {NAME_COLUMN} ORDER BY year, source, unit_code")
        found.extend(Diagnostic(where(code, year, source, None),
                                f"unit '{code}' is named both '{shown(low)}' and '{shown(high)}' for {year} ({source})",
                                hint="give every row of one unit, year and source the same unit_name")
                     for code, year, source, low, high in rows)
    if found:
        raise DataError(found)


class ScoredSql:
    """The results of ``stream_sql``, still in the engine (a work table per tier): each tier's units made from its
    rows as they are fetched, in ``score_sql``'s order (year, source, code) or a table's (the first ranking's group
    and position)."""

    def __init__(self, ruleset: m.Ruleset, engine: StreamingEngine, tables: dict[str, str], queries: list[TierQuery],
                 cohorts: dict[str, list[tuple[int, str, int]]], run_at: str):
        self.ruleset, self.engine, self.tables, self.run_at = ruleset, engine, tables, run_at
        self.queries = [q for q in queries if cohorts[q.tier.id]]
        self.cohorts = cohorts  # per tier: each cohort's year, source and number of units

    def __len__(self) -> int:
        return sum(count for cohorts in self.cohorts.values() for *_, count in cohorts)

    def units(self) -> Iterator[UnitResult]:
        """Every unit, tier by tier (by id), then by year, source and code: ``score_sql``'s units."""
        for query in self.queries:
            yield from self._units(query, "", "year, source, unit_code")

    def cohort_units(self, query: TierQuery, year: int, source: str) -> Iterator[UnitResult]:
        """One cohort's units by the group and position of the tier's first ranking, then by code."""
        order = "unit_code"
        if query.tier.rankings:
            rank, _, group = query.ranks[query.tier.rankings[0].name]
            order = f"CAST({_quoted(group)} AS VARCHAR), {_quoted(rank)}, unit_code"
        source_text = source.replace("'", "''")
        yield from self._units(query, f"WHERE year = {int(year)} AND source = '{source_text}'", order)

    def _units(self, query: TierQuery, where: str, order: str) -> Iterator[UnitResult]:
        columns, rows = self.engine.stream(f"SELECT * FROM {self.tables[query.tier.id]} {where} ORDER BY {order}")
        reader = _UnitReader(query, columns)
        code_at, name_at = columns.index("unit_code"), columns.index(NAME_COLUMN)
        for row in rows:
            yield reader.unit(row, row[name_at] or row[code_at])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tier_rows(ruleset: m.Ruleset, engine: Engine, table: str, where: Locate) -> dict[str, int]:
    """The number of rows of each tier the table holds, in one scan; DataError for rows of a tier the ruleset does not
    define (or of none)."""
    count = exp.Count(this=exp.Star())
    _, counted = engine.query(render(exp.select(col("tier"), count).from_(exp.to_table(table), copy=False)
                                     .group_by(col("tier"), copy=False), engine.dialect, pretty=False))
    tiers = [t.id for t in ruleset.tiers]
    rows = {tier: int(n) for tier, n in counted}
    if set(rows) <= set(tiers):
        return rows
    unknown = exp.Or(this=exp.Is(this=col("tier"), expression=exp.Null()),
                     expression=exp.Not(this=exp.In(this=col("tier"), expressions=[text(t) for t in tiers])))
    query = (exp.select(col("unit_code"), col("year"), col("source"), col("tier")).distinct().from_(exp.to_table(table), copy=False)
             .where(unknown, copy=False))
    _, found = engine.query(render(query, engine.dialect, pretty=False))
    raise DataError([Diagnostic(where(code, year, source, None),
                                f"unit '{code}' has tier '{tier}', which ruleset '{ruleset.id}' does not define" if tier
                                else f"unit '{code}' has no tier", hint=f"tiers: {', '.join(tiers)}")
                     for code, year, source, tier in found])


def _units(query: TierQuery, columns: list[str], rows: list[Row], names: Mapping[str, str],
           where: Locate) -> tuple[list[UnitResult], list[Diagnostic]]:
    index = {name: i for i, name in enumerate(columns)}
    reader = _UnitReader(query, columns)
    units, errors = [], []
    for row in sorted(rows, key=lambda r: (r[index["year"]], r[index["source"]], r[index["unit_code"]])):
        code, year, source = (row[index[k]] for k in ("unit_code", "year", "source"))
        if row[index[ERROR_COLUMN]] is not None:
            errors.append(evaluation_diagnostic(code, row[index[ERROR_COLUMN]], where(code, year, source, None)))
            continue
        units.append(reader.unit(row, names.get(code, code)))
    return units, errors


class _UnitReader:
    """A unit's results from its row of a tier's query (a row without an error): where each value is in the row,
    and how to read it, worked out once for the query and the order of its columns, not once per unit."""

    def __init__(self, query: TierQuery, columns: Sequence[str]):
        index = {name: i for i, name in enumerate(columns)}
        self.tier = tier = query.tier
        self.keys = tuple(index[k] for k in ("unit_code", "year", "source", "parent"))
        self.nodes = tuple((node.id, index[query.points[node.id].column], _scale(query.points[node.id].digits), node.max)
                           for node in tier.walk())
        self.outputs = tuple((name, index[p.column], _scale(p.digits)) for name, p in query.outputs.items())
        self.total = index["total"], _scale(query.total.digits)
        self.computed = tuple((ref, index[p.column], _scale(p.digits)) for ref, p in query.keys.items())
        scales = {s.name: s for s in tier.levels}
        self.levels = tuple((scales[scale], index[column]) for scale, column in query.levels.items())
        self.ranks = tuple((ranking, index[rank], index[of], index[group])
                           for ranking in tier.rankings for rank, of, group in [query.ranks[ranking.name]])

    def unit(self, row: Row, name: str) -> UnitResult:
        from cqdt_rules.engine.evaluator import published_value

        code, year, source, parent = (row[i] for i in self.keys)
        assessment = Assessment(code, name, self.tier.id, int(year), source, parent=parent or None)
        nodes = {node_id: NodeResult(node_id, _read(row[at], scale), most, COMPUTED_IN_SQL)
                 for node_id, at, scale, most in self.nodes}
        outputs = {name: _maybe(row[at], scale) for name, at, scale in self.outputs}
        ranks: dict[str, RankResult] = {}
        unit = UnitResult(assessment, self.tier, nodes, _read(row[self.total[0]], self.total[1]), outputs, {}, ranks)
        unit.computed.update({ref: _maybe(row[at], scale) for ref, at, scale in self.computed})
        for level_scale, at in self.levels:
            unit.levels[level_scale.name] = _level(level_scale, row[at])
        for ranking, rank_at, of_at, group_at in self.ranks:
            ranks[ranking.name] = RankResult(ranking.name, int(row[rank_at]), int(row[of_at]), str(row[group_at]), None)
        for ranking in self.tier.rankings:  # the value ranked by, once the unit's other results are in
            old = ranks[ranking.name]
            ranks[ranking.name] = RankResult(old.ranking, old.rank, old.of, old.group, published_value(unit, ranking.by)[0])
        return unit


COMPUTED_IN_SQL = ("computed in SQL",)


def _level(scale: m.LevelScale, level_id: str | None) -> LevelResult:
    for level in scale.levels:
        if level.id == level_id:
            return LevelResult(scale.name, level.id, level.label)
    return LevelResult(scale.name, None, scale.below)


def _scale(digits: int) -> Decimal:
    """What a fixed-point integer of ``digits`` decimals is multiplied by: 10^-digits."""
    return Decimal(1).scaleb(-digits)


def _read(value: Any, scale: Decimal) -> Decimal:
    """An integer the query published (a count of ``scale``) as the exact number, with its decimals."""
    return ARITHMETIC.multiply(Decimal(value), scale)


def _maybe(value: Any, scale: Decimal) -> Decimal | None:
    return None if value is None else _read(value, scale)


def table_locator(table: str) -> Locate:
    def locate(code: str, year: int, source: str, indicator: str | None) -> Span:
        return Span(f"{table}: unit {code} {year} {source}" + (f", {indicator}" if indicator else ""), 0, 0, 0, 0)

    return locate


# ---------------------------------------------------------------- assessments as long-form rows
def long_rows(assessments: Iterable[Assessment]) -> Iterator[Row]:
    """Assessments (as read from YAML, CSV or XLSX) as rows of the long-form input table, as they are read."""
    for a in assessments:
        unit_name = nfc(a.name)  # as the Python engine shows it
        if not a.values and not a.evidence:  # the unit exists, with nothing given: one row without an indicator
            yield (a.code, unit_name, a.tier, a.parent, a.year, a.source, None, None, None, None)
        for name in sorted(set(a.values) | set(a.evidence)):
            value, value_b = _texts(a.values.get(name))
            evidence = "; ".join(a.evidence.get(name, ())) or None
            yield (a.code, unit_name, a.tier, a.parent, a.year, a.source, name, value, value_b, evidence)


def _texts(raw: Any) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return ("yes" if raw else "no"), None
    if isinstance(raw, Pair):
        return _text(raw.a), _text(raw.b)
    if isinstance(raw, Mapping) and set(raw) == {"a", "b"}:
        return _text(raw["a"]), _text(raw["b"])
    if isinstance(raw, (list, tuple)) and len(raw) == 2:
        return _text(raw[0]), _text(raw[1])
    if isinstance(raw, str) and "/" in raw:
        left, _, right = raw.partition("/")
        return left.strip(), right.strip()
    return _text(raw), None


def _text(raw: Any) -> str:
    """A value as text; a float or Decimal the Python engine reads is written out (1e-05 as 0.00001), since the
    SQL back end reads no exponent, and one it refuses is kept as written, for the same message."""
    if isinstance(raw, (float, Decimal)) and not isinstance(raw, bool):
        try:
            return format(read_value(raw), "f")
        except NumberError:
            return repr(raw) if isinstance(raw, float) else str(raw)
    return str(raw)


def assessment_locator(assessments: Sequence[Assessment] | Callable[[], Sequence[Assessment]]) -> Locate:
    """Problems point where the Python engine points: the value's position in the data file. ``assessments`` may
    be a function that reads them: it is called when the first problem is located (data scored as they were read,
    never held, are read again only when they hold a problem)."""
    found: dict[tuple[str, int, str], Assessment] = {}

    def by_key() -> dict[tuple[str, int, str], Assessment]:
        if not found:
            found.update(((a.code, a.year, a.source), a) for a in (assessments() if callable(assessments) else assessments))
        return found

    def locate(code: str, year: int, source: str, indicator: str | None) -> Span:
        a = by_key().get((code, int(year), source))
        fallback = Span(f"<unit {code}>", 0, 0, 0, 0)
        if a is None:
            return fallback
        origin = a.origin or fallback
        return a.value_spans.get(indicator, origin) if indicator else origin

    return locate
