"""Scoring with a SQL engine: check the data with the companion queries (refusing what the Python
engine refuses, with its messages), run each tier's query, and read the rows back as ``Results``."""

from __future__ import annotations

import datetime as dt
from functools import partial
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from sqlglot import exp

from cqdt_rules.engine.compiler import NodeResult
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import LevelResult, RankResult, Results, UnitResult
from cqdt_rules.engine.sql.compile import ERROR_COLUMN, INPUT_TABLE, TierQuery, compile_tier, pivot_slices
from cqdt_rules.engine.sql.dialects import render
from cqdt_rules.engine.sql.inputs import col, text
from cqdt_rules.engine.sql.messages import Locate, diagnostic, evaluation_diagnostic
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import NumberError, read_value
from cqdt_rules.model.units import Assessment, Pair

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

    def fit_memory(self, units: int) -> None:
        """Give the engine enough memory for a tier of ``units`` units (unless its memory was set)."""

    def close(self) -> None:
        """Remove what the engine wrote for its work."""


SLICE_VALUES = 250_000
"""Rows of the input (a row per unit and indicator) ``stream_sql`` pivots at once: about 25 MB of DuckDB's memory."""


def score_sql(checked: CheckedRuleset, engine: Engine, *, table: str = INPUT_TABLE, locate: Locate | None = None,
              names: Mapping[str, str] | None = None, any_year: bool = False, run_at: str | None = None) -> Results:
    """Score the long-form table ``table`` with ``engine``; DataError (the Python engine's messages) for bad data."""
    where = locate or table_locator(table)
    queries = _checked_queries(checked.ruleset, engine, table, where, any_year)
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


def _checked_queries(ruleset: m.Ruleset, engine: Engine, table: str, where: Locate, any_year: bool,
                     done: Callable[[int], None] | None = None,
                     pivot: Callable[[m.Tier], str] | None = None) -> list[TierQuery]:
    """The query of each tier the table holds, once the companion queries found no problem in the data (else
    DataError with the problems of the first kind found, as the Python engine reports them). With ``pivot``, the
    queries read each tier's pivot from the table it makes."""
    present = _check_tiers(ruleset, engine, table, where)
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
    a batch at a time, as they are written (``ScoredSql``). The units' names are the table's (``unit_name``).
    ``done(1)`` is told of each of the two queries run per tier before (checks, then each cohort's size)."""
    where = locate or table_locator(table)
    pivot = partial(_pivot, engine, table, checked.ruleset)
    queries = _checked_queries(checked.ruleset, engine, table, where, any_year, done, pivot)
    cohorts: dict[str, list[tuple[int, str, int]]] = {}
    errors: list[Diagnostic] = []
    for query in queries:
        tier_sql = render(query.tree, engine.dialect, pretty=False)
        error = _quoted(ERROR_COLUMN)
        _, sizes = engine.query(f"SELECT year, source, COUNT(*), COUNT({error}) FROM ({tier_sql}) AS scored "
                                "GROUP BY year, source ORDER BY year, source")
        cohorts[query.tier.id] = [(int(year), source, count) for year, source, count, _ in sizes]
        if done is not None:
            done(1)
        if any(failed for *_, failed in sizes):
            _, rows = engine.query(f"SELECT unit_code, year, source, {error} FROM ({tier_sql}) AS scored "
                                   f"WHERE {error} IS NOT NULL ORDER BY year, source, unit_code")
            errors.extend(evaluation_diagnostic(code, message, where(code, year, source, None))
                          for code, year, source, message in rows)
    if errors:
        raise DataError(errors)
    return ScoredSql(checked.ruleset, engine, table, queries, cohorts, _stamp(run_at))


def _pivot(engine: StreamingEngine, table: str, ruleset: m.Ruleset, tier: m.Tier) -> str:
    """The tier's pivot (one row per unit) made once, into a work table the tier's queries then read, a slice of
    about ``SLICE_VALUES`` values at a time: the memory it takes stays the same however many units there are."""
    rows = exp.select(exp.Count(this=exp.Star())).from_(exp.to_table(table), copy=False)
    _, [(count,)] = engine.query(render(rows.where(exp.EQ(this=col("tier"), expression=text(tier.id)), copy=False),
                                        engine.dialect, pretty=False))
    engine.fit_memory(count // max(1, len(tier.indicators)))  # a row per unit and indicator
    slices = max(1, -(-count // SLICE_VALUES))
    selects = (render(select, engine.dialect, pretty=False) for select in pivot_slices(tier, table, slices))
    return engine.materialise(f"wide_{ruleset.tiers.index(tier)}", selects)


class ScoredSql:
    """The results of ``stream_sql``, still in the engine: each tier's units made from its rows as they are
    fetched, in ``score_sql``'s order (year, source, code) or a table's (the first ranking's group and position)."""

    NAME = "cqdt_name"

    def __init__(self, ruleset: m.Ruleset, engine: StreamingEngine, table: str, queries: list[TierQuery],
                 cohorts: dict[str, list[tuple[int, str, int]]], run_at: str):
        self.ruleset, self.engine, self.table, self.run_at = ruleset, engine, table, run_at
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
        table = render(exp.to_table(self.table), self.engine.dialect, pretty=False)
        names = f"SELECT unit_code AS cqdt_code, MAX(unit_name) AS {self.NAME} FROM {table} GROUP BY unit_code"
        tier_sql = render(query.tree, self.engine.dialect, pretty=False)
        columns, rows = self.engine.stream(f"SELECT * FROM (SELECT scored.*, names.{self.NAME} FROM ({tier_sql}) AS scored "
                                           f"LEFT JOIN ({names}) AS names ON scored.unit_code = names.cqdt_code) AS named "
                                           f"{where} ORDER BY {order}")
        index = {name: i for i, name in enumerate(columns)}
        name_at = index[self.NAME]
        for row in rows:
            yield _unit(query, index, row, row[name_at] or row[index["unit_code"]])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_tiers(ruleset: m.Ruleset, engine: Engine, table: str, where: Locate) -> set[str]:
    """The tiers the table holds; DataError for rows of a tier the ruleset does not define."""
    known = [text(t.id) for t in ruleset.tiers]
    query = (exp.select(col("unit_code"), col("year"), col("source"), col("tier")).distinct().from_(exp.to_table(table), copy=False)
             .where(exp.Not(this=exp.In(this=col("tier"), expressions=known)), copy=False))
    _, rows = engine.query(render(query, engine.dialect, pretty=False))
    tiers = [t.id for t in ruleset.tiers]
    if rows:
        raise DataError([Diagnostic(where(code, year, source, None),
                                    f"unit '{code}' has tier '{tier}', which ruleset '{ruleset.id}' does not define",
                                    hint=f"tiers: {', '.join(tiers)}") for code, year, source, tier in rows])
    _, present = engine.query(render(exp.select(col("tier")).distinct().from_(exp.to_table(table), copy=False),
                                     engine.dialect, pretty=False))
    return {row[0] for row in present}


def _units(query: TierQuery, columns: list[str], rows: list[Row], names: Mapping[str, str],
           where: Locate) -> tuple[list[UnitResult], list[Diagnostic]]:
    index = {name: i for i, name in enumerate(columns)}
    units, errors = [], []
    for row in sorted(rows, key=lambda r: (r[index["year"]], r[index["source"]], r[index["unit_code"]])):
        code, year, source = (row[index[k]] for k in ("unit_code", "year", "source"))
        if row[index[ERROR_COLUMN]] is not None:
            errors.append(evaluation_diagnostic(code, row[index[ERROR_COLUMN]], where(code, year, source, None)))
            continue
        units.append(_unit(query, index, row, names.get(code, code)))
    return units, errors


def _unit(query: TierQuery, index: Mapping[str, int], row: Row, name: str) -> UnitResult:
    """A unit's results from its row of the tier's query (a row without an error)."""
    from cqdt_rules.engine.evaluator import published_value

    tier = query.tier
    code, year, source, parent = (row[index[k]] for k in ("unit_code", "year", "source", "parent"))
    assessment = Assessment(code, name, tier.id, int(year), source, parent=parent or None)
    nodes = {node.id: NodeResult(node.id, _read(row[index[query.points[node.id].column]], query.points[node.id].digits),
                                 node.max, ("computed in SQL",)) for node in tier.walk()}
    outputs = {name: (None if row[index[p.column]] is None else _read(row[index[p.column]], p.digits))
               for name, p in query.outputs.items()}
    total = _read(row[index["total"]], query.total.digits)
    unit = UnitResult(assessment, tier, nodes, total, outputs, {}, {})
    unit.computed.update({ref: None if row[index[p.column]] is None else _read(row[index[p.column]], p.digits)
                          for ref, p in query.keys.items()})
    scales = {s.name: s for s in tier.levels}
    for scale, column in query.levels.items():
        unit.levels[scale] = _level(scales[scale], row[index[column]])
    for ranking in tier.rankings:
        rank_col, of_col, group_col = query.ranks[ranking.name]
        unit.ranks[ranking.name] = RankResult(ranking.name, int(row[index[rank_col]]), int(row[index[of_col]]),
                                              str(row[index[group_col]]), None)
    for ranking in tier.rankings:  # the value ranked by, once the unit's other results are in
        old = unit.ranks[ranking.name]
        unit.ranks[ranking.name] = RankResult(old.ranking, old.rank, old.of, old.group, published_value(unit, ranking.by)[0])
    return unit


def _level(scale: m.LevelScale, level_id: str | None) -> LevelResult:
    for level in scale.levels:
        if level.id == level_id:
            return LevelResult(scale.name, level.id, level.label)
    return LevelResult(scale.name, None, scale.below)


def _read(value: Any, digits: int) -> Decimal:
    return Decimal(int(value)).scaleb(-digits)


def table_locator(table: str) -> Locate:
    def locate(code: str, year: int, source: str, indicator: str | None) -> Span:
        return Span(f"{table}: unit {code} {year} {source}" + (f", {indicator}" if indicator else ""), 0, 0, 0, 0)

    return locate


# ---------------------------------------------------------------- assessments as long-form rows
def long_rows(assessments: Iterable[Assessment]) -> Iterator[Row]:
    """Assessments (as read from YAML, CSV or XLSX) as rows of the long-form input table, as they are read."""
    for a in assessments:
        if not a.values and not a.evidence:  # the unit exists, with nothing given: one row without an indicator
            yield (a.code, a.name, a.tier, a.parent, a.year, a.source, None, None, None, None)
        for name in sorted(set(a.values) | set(a.evidence)):
            value, value_b = _texts(a.values.get(name))
            evidence = "; ".join(a.evidence.get(name, ())) or None
            yield (a.code, a.name, a.tier, a.parent, a.year, a.source, name, value, value_b, evidence)


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
