"""Comparing the SQL back end with the Python engine, unit by unit (shared by the DuckDB, PostgreSQL and
Spark tests)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Optional

from cqdt_rules import api
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.engine.results import Results
from cqdt_rules.engine.scoring import score
from cqdt_rules.engine.sql.compile import compile_tier
from cqdt_rules.engine.sql.inputs import SqlUnsupported
from cqdt_rules.engine.sql.run import Engine, assessment_locator, long_rows, score_sql
from cqdt_rules.errors import DataError
from cqdt_rules.model.units import Assessment

GeneratedCase = tuple[Any, list[Assessment], Optional[int], Optional[int]]
"""A generated ruleset (tests/strategies.py), its units, and the seeds to spoil and to stretch them (or None)."""


def published(results: Results) -> dict[tuple[str, int, str], Any]:
    """Everything a unit's result publishes: points per node, total, outputs, levels, ranks."""
    return {
        (u.code, u.assessment.year, u.assessment.source): (
            {n: r.points for n, r in u.nodes.items()}, u.total, dict(u.outputs),
            {k: v.id for k, v in u.levels.items()}, {k: (v.rank, v.of, v.group) for k, v in u.ranks.items()},
        )
        for u in results
    }


def mismatches(expected: Results, actual: Results) -> list[str]:
    want, got = published(expected), published(actual)
    found = [f"{key}: only in one engine" for key in set(want) ^ set(got)]
    for key in sorted(set(want) & set(got)):
        if want[key] != got[key]:
            found.append(_difference(key, want[key], got[key]))
    return found


def _difference(key: Any, want: Any, got: Any) -> str:
    names = ("points", "total", "outputs", "levels", "ranks")
    parts = []
    for name, a, b in zip(names, want, got):
        if a != b:
            if isinstance(a, dict):
                diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
                parts.append(f"{name} {diff}")
            else:
                parts.append(f"{name} {a} != {b}")
    return f"{key}: python vs sql: " + "; ".join(parts)


def outcome(run: Any) -> tuple[str, Any]:
    """('ok', results) or ('refused', the sorted messages with their positions)."""
    try:
        return "ok", run()
    except DataError as exc:
        return "refused", sorted((str(d.span), d.message) for d in exc.diagnostics)


def differential(checked: CheckedRuleset, units: Sequence[Assessment], engine: Engine,
                 any_year: bool = False) -> tuple[str, list[str]]:
    """Score with both engines; ('ok', mismatches) or ('refused', differences between the refusals)."""
    engine.load_rows(long_rows(units))  # type: ignore[attr-defined]
    python = outcome(lambda: score(checked, units, run_at="fixed", any_year=any_year))
    sql = outcome(lambda: score_sql(checked, engine, locate=assessment_locator(units), any_year=any_year, run_at="fixed"))
    if python[0] != sql[0]:
        return "differ", [f"python {python[0]}: {python[1] if python[0] == 'refused' else ''}",
                          f"sql {sql[0]}: {sql[1] if sql[0] == 'refused' else ''}"]
    if python[0] == "refused":
        return "refused", [] if python[1] == sql[1] else [f"python: {python[1]}", f"sql:    {sql[1]}"]
    return "ok", mismatches(python[1], sql[1])


INVALID = ("missing", "not a number", "negative", "a > b", "percent over 100", "unknown category",
           "fraction of a count", "out of range")


def spoil(units: Sequence[Assessment], rng: random.Random, indicators: dict[str, Any]) -> list[Assessment]:
    """The units with one value made invalid in a way the Python engine refuses (or may accept, e.g. a
    negative number where no range forbids it: both engines must then agree on the scores)."""
    import attrs

    spoiled = list(units)
    index = rng.randrange(len(spoiled))
    unit = spoiled[index]
    names = sorted(unit.values)
    if not names:
        return spoiled
    name = rng.choice(names)
    kind = indicators[name].kind
    how = rng.choice(INVALID)
    values = dict(unit.values)
    if how == "missing":
        del values[name]
    elif how == "not a number":
        values[name] = "abc" if kind != "pair" else ["abc", "3"]
    elif how == "negative":
        values[name] = "-3" if kind != "pair" else ["-1", "4"]
    elif how == "a > b":
        values[name] = ["9", "4"] if kind == "pair" else "9"
    elif how == "percent over 100":
        values[name] = "101.5"
    elif how == "unknown category":
        values[name] = "khong_ro"
    elif how == "fraction of a count":
        values[name] = "2.5" if kind != "pair" else ["2.5", "7"]
    else:
        values[name] = "1000001" if kind != "pair" else ["1", "1000001"]
    spoiled[index] = attrs.evolve(unit, values=values)
    return spoiled


AT_THE_LIMITS = {
    "number": ("999999999999999.999999999999", "-999999999999999.999999999999", "0.000000000001", "1.0000000000000",
               "12.345678901234", "1000000000000000", "-1000000000000000", "0.0000000000001"),
    "count": ("999999999999999", "1000000000000000", "000000000000000000000000000000000000000007"),
    "percent": ("99.999999999999", "0.000000000001", "100.0000000000000", "33.3333333333333"),
    "score": ("0.000000000001", "0.5000000000000", "0.0000000000005"),
    "pair": (("999999999999999", "999999999999999"), ("1", "999999999999999"), ("1.5", "3"), ("2", "3.0000000000000"),
             ("1000000000000000", "1000000000000000"), ("0", "0.0000000000001")),
}
"""Values at the limits of docs/language.md ("Arithmetic") and just beyond them: 12 decimals, 10^15 - 1,
10^15, more than 12 decimals (with and without trailing zeros), fractional pair parts."""


def stretch(units: Sequence[Assessment], rng: random.Random, indicators: dict[str, Any]) -> list[Assessment]:
    """The units with a few values replaced by values at (or just beyond) the limits of what is read."""
    import attrs

    stretched = list(units)
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(stretched))
        unit = stretched[index]
        names = [n for n in sorted(unit.values) if indicators[n].kind in AT_THE_LIMITS]
        if not names:
            continue
        name = rng.choice(names)
        value = rng.choice(AT_THE_LIMITS[indicators[name].kind])
        stretched[index] = attrs.evolve(unit, values={**unit.values, name: list(value) if isinstance(value, tuple) else value})
    return stretched


def decimal_places(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))  # type: ignore[operator]


def generated_differential(case: GeneratedCase, engine: Engine) -> str:
    """Both engines on one generated case, which must not differ: the outcome ("ok", "refused"), or
    "unsupported" when the SQL back end refuses the ruleset itself, which it may only do for a value that
    could pass 38 digits (a product of two numbers without a declared range)."""
    generated, units, spoil_seed, stretch_seed = case
    checked = api.load_text(generated.text, "generated.cqdt")
    indicators = {i.name: i for i in checked.ruleset.tier("xa").indicators}
    if stretch_seed is not None:
        units = stretch(units, random.Random(stretch_seed), indicators)
    if spoil_seed is not None:  # invalid data: both engines refuse it, at the same places, with the same messages
        units = spoil(units, random.Random(spoil_seed), indicators)
    try:
        compile_tier(checked.ruleset, checked.ruleset.tier("xa"))
    except SqlUnsupported as refused:
        assert "could exceed 38 digits" in str(refused), refused
        return "unsupported"
    kind, found = differential(checked, units, engine)
    assert kind != "differ" and found == [], (kind, found[:5])
    return kind
