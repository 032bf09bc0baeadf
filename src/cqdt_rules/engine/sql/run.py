"""Scoring with a SQL engine: check the data with the companion queries (refusing what the Python
engine refuses, with its messages), run each tier's query, and read the rows back as ``Results``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from sqlglot import exp

from cqdt_rules.engine.compiler import NodeResult
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import LevelResult, RankResult, Results, UnitResult
from cqdt_rules.engine.sql.compile import ERROR_COLUMN, INPUT_TABLE, TierQuery, compile_tier
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


def score_sql(checked: CheckedRuleset, engine: Engine, *, table: str = INPUT_TABLE, locate: Locate | None = None,
              names: Mapping[str, str] | None = None, any_year: bool = False, run_at: str | None = None) -> Results:
    """Score the long-form table ``table`` with ``engine``; DataError (the Python engine's messages) for bad data."""
    ruleset = checked.ruleset
    where = locate or table_locator(table)
    present = _check_tiers(ruleset, engine, table, where)
    queries = [compile_tier(ruleset, tier, table, any_year=any_year)
               for tier in sorted(ruleset.tiers, key=lambda t: t.id) if tier.id in present]
    found: dict[str, list[Diagnostic]] = {kind: [] for kind in ORDERED_CHECKS}
    for query in queries:
        _, rows = engine.query(render(query.problems, engine.dialect, pretty=False))
        for row in rows:
            kind = "year" if row[4] == "year" else "evidence" if row[4] == "no_evidence" else "value"
            found[kind].append(diagnostic(ruleset, query.tier, row[:7], where))
    for kind in ORDERED_CHECKS:
        if found[kind]:
            raise DataError(found[kind])
    units: list[UnitResult] = []
    errors: list[Diagnostic] = []
    for query in queries:
        columns, rows = engine.query(render(query.tree, engine.dialect, pretty=False))
        scored, failed = _units(query, columns, rows, names or {}, where)
        units.extend(scored)
        errors.extend(failed)
    if errors:
        raise DataError(errors)
    stamp = run_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return Results(ruleset, tuple(units), stamp)


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
    tier = query.tier
    scales = {s.name: s for s in tier.levels}
    units, errors = [], []
    for row in sorted(rows, key=lambda r: (r[index["year"]], r[index["source"]], r[index["unit_code"]])):
        code, year, source, parent = (row[index[k]] for k in ("unit_code", "year", "source", "parent"))
        if row[index[ERROR_COLUMN]] is not None:
            errors.append(evaluation_diagnostic(code, row[index[ERROR_COLUMN]], where(code, year, source, None)))
            continue
        assessment = Assessment(code, names.get(code, code), tier.id, int(year), source, parent=parent or None)
        nodes = {node.id: NodeResult(node.id, _read(row[index[query.points[node.id].column]], query.points[node.id].digits),
                                     node.max, ("computed in SQL",)) for node in tier.walk()}
        outputs = {name: (None if row[index[p.column]] is None else _read(row[index[p.column]], p.digits))
                   for name, p in query.outputs.items()}
        total = _read(row[index["total"]], query.total.digits)
        unit = UnitResult(assessment, tier, nodes, total, outputs, {}, {})
        unit.computed.update({ref: None if row[index[p.column]] is None else _read(row[index[p.column]], p.digits)
                              for ref, p in query.keys.items()})
        for name, column in query.levels.items():
            unit.levels[name] = _level(scales[name], row[index[column]])
        for ranking in tier.rankings:
            rank_col, of_col, group_col = query.ranks[ranking.name]
            unit.ranks[ranking.name] = RankResult(ranking.name, int(row[index[rank_col]]), int(row[index[of_col]]),
                                                  str(row[index[group_col]]), None)
        units.append(unit)
    _rank_values(tier, units)
    return units, errors


def _rank_values(tier: m.Tier, units: list[UnitResult]) -> None:
    from cqdt_rules.engine.evaluator import published_value

    for unit in units:
        for ranking in tier.rankings:
            value, _ = published_value(unit, ranking.by)
            old = unit.ranks[ranking.name]
            unit.ranks[ranking.name] = RankResult(old.ranking, old.rank, old.of, old.group, value)


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
def long_rows(assessments: Iterable[Assessment]) -> list[Row]:
    """Assessments (as read from YAML, CSV or XLSX) as rows of the long-form input table."""
    rows: list[Row] = []
    for a in assessments:
        if not a.values and not a.evidence:  # the unit exists, with nothing given: one row without an indicator
            rows.append((a.code, a.name, a.tier, a.parent, a.year, a.source, None, None, None, None))
        for name in sorted(set(a.values) | set(a.evidence)):
            value, value_b = _texts(a.values.get(name))
            evidence = "; ".join(a.evidence.get(name, ())) or None
            rows.append((a.code, a.name, a.tier, a.parent, a.year, a.source, name, value, value_b, evidence))
    return rows


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


def assessment_locator(assessments: Sequence[Assessment]) -> Locate:
    """Problems point where the Python engine points: the value's position in the data file."""
    by_key = {(a.code, a.year, a.source): a for a in assessments}

    def locate(code: str, year: int, source: str, indicator: str | None) -> Span:
        a = by_key.get((code, int(year), source))
        fallback = Span(f"<unit {code}>", 0, 0, 0, 0)
        if a is None:
            return fallback
        origin = a.origin or fallback
        return a.value_spans.get(indicator, origin) if indicator else origin

    return locate
