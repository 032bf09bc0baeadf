"""A national-scale synthetic cohort in long form, generated inside DuckDB (no Python object per unit).

63 provinces, each with 20 departments (tier ``so``), 11 or 12 districts (``huyen``, 705 in all) and
15 or 16 communes per district (``xa``, about 10,600 in all), for ``years`` consecutive years: about
12,600 units a year, 126,000 unit-years over ten years and, with ``scale=10`` (630 provinces), the
stress set of about 1.26 million unit-years. Values are drawn from each indicator's declaration in the
ruleset (kind, range, categories, the maximum of a ``direct`` criterion) by a hash of unit, year and
indicator, so a run is reproducible and every value is valid: the benchmark times scoring, not errors.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.checking import direct_limits

PROVINCES = 63
DEPARTMENTS = 20


def units_sql(scale: int, first_year: int, years: int) -> str:
    """One row per unit and year: tier, unit_code, unit_name, parent, year."""
    provinces = PROVINCES * scale
    return f"""
    WITH prov AS (SELECT range AS p FROM range({provinces})),
    yr AS (SELECT range AS year FROM range({first_year}, {first_year + years})),
    so AS (SELECT 'so' AS tier, printf('S%04d%02d', p, i) AS unit_code, NULL AS parent FROM prov, range({DEPARTMENTS}) t(i)),
    dist AS (SELECT p, d, printf('H%04d%02d', p, d) AS code FROM prov, range(12) t(d) WHERE d < 11 OR p % {PROVINCES} < 12),
    huyen AS (SELECT 'huyen' AS tier, code AS unit_code, NULL AS parent FROM dist),
    xa AS (SELECT 'xa' AS tier, printf('X%04d%02d%02d', p, d, k) AS unit_code, code AS parent
           FROM dist, range(16) t(k) WHERE k < 15 OR (p * 12 + d) % 705 < 25),
    everyone AS (SELECT * FROM so UNION ALL SELECT * FROM huyen UNION ALL SELECT * FROM xa)
    SELECT tier, unit_code, 'Đơn vị ' || unit_code AS unit_name, parent, CAST(year AS INTEGER) AS year FROM everyone, yr
    """


def _draw(name: str, salt: str = "") -> str:
    """A uniform number in [0, 1) from the unit, year and indicator (deterministic)."""
    return f"((hash(unit_code, year, '{name}{salt}') % 1000003) / 1000003.0)"


def _between(low: Decimal, high: Decimal, name: str, places: int, salt: str = "") -> str:
    step = Decimal(1).scaleb(-places)
    steps = int((high - low) / step)
    return f"CAST(CAST({low} + floor({_draw(name, salt)} * {steps + 1}) * {step} AS DECIMAL(18, {places})) AS VARCHAR)"


def _value(ind: m.Indicator, limits: dict[str, Decimal]) -> tuple[str, str]:
    """SQL for (value, value_b) of one indicator."""
    name, r = ind.name, _draw(ind.name)
    if ind.kind == "yesno":
        return f"CASE WHEN {r} < 0.8 THEN 'yes' ELSE 'no' END", "NULL"
    if ind.kind == "category":
        names = [c.name for c in ind.categories]
        arms = " ".join(f"WHEN {r} < {(i + 1) / len(names)} THEN '{n}'" for i, n in enumerate(names[:-1]))
        return f"CASE {arms} ELSE '{names[-1]}' END", "NULL"
    low, high = ind.range or (Decimal(0), Decimal(1000))
    if ind.kind == "pair":
        high = min(high, Decimal(5000))
        b = f"CAST(floor({max(low, Decimal(1))} + {_draw(name, 'b')} * {int(high - max(low, Decimal(1))) + 1}) AS BIGINT)"
        a = f"CAST(floor({r} * ({b} + 1)) AS BIGINT)"
        return f"CAST(GREATEST({a}, {low}) AS VARCHAR)", f"CAST({b} AS VARCHAR)"
    if ind.kind == "count":
        return _between(max(low, Decimal(0)), min(high, Decimal(12)), name, 0), "NULL"
    if ind.kind == "percent":
        return _between(Decimal(0), Decimal(100), name, 2), "NULL"
    if ind.kind == "score":
        top = limits.get(name, high if ind.range else Decimal(20))
        return _between(max(low, Decimal(0)), min(top, high), name, 2), "NULL"
    return _between(low, min(high, low + 50), name, 2), "NULL"


def long_form_sql(checked: CheckedRuleset, scale: int, first_year: int, years: int) -> str:
    """The long-form input table (see docs/sql.md) of the whole cohort, audited values with evidence."""
    arms = []
    for tier in checked.ruleset.tiers:
        limits = direct_limits(tier)
        for ind in tier.indicators:
            value, value_b = _value(ind, limits)
            evidence = f"CASE WHEN {_draw(ind.name, 'e')} < 0.95 THEN 'QĐ số 1' END" if ind.evidence else "NULL"
            arms.append(f"SELECT unit_code, unit_name, tier, parent, year, 'audit' AS source, '{ind.name}' AS indicator, "
                        f"{value} AS value, {value_b} AS value_b, {evidence} AS evidence FROM units WHERE tier = '{tier.id}'")
    return f"WITH units AS ({units_sql(scale, first_year, years)}) " + " UNION ALL ".join(arms)


def write_parquet(connection: object, checked: CheckedRuleset, path: Path, *, scale: int = 1, first_year: int = 2023,
                  years: int = 10) -> int:
    """Write the cohort to a Parquet file with DuckDB; the number of rows."""
    sql = long_form_sql(checked, scale, first_year, years)
    connection.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 200000)")  # type: ignore[attr-defined]
    return int(connection.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0])  # type: ignore[attr-defined]
