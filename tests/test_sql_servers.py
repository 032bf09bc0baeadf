"""The SQL back end on real servers: a throwaway PostgreSQL cluster and a local Spark session, against the
Python engine. Marked ``sql_server`` (a developer may deselect them with ``-m "not sql_server"``); the CI run
(scripts/test.sh) runs them, and they fail, never skip, when a server cannot start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlglot import exp
from hypothesis import HealthCheck, Phase, event, given, settings
from sql_compare import GeneratedCase, differential, generated_differential, mismatches, published
from sql_servers import postgres_server, spark_session
from strategies import assessments_for, generated_rulesets
from test_sql_duckdb import BOUNDARY, FUNCTIONS, LIMITS, _boundary_units, _function_units, _limit_units, ruleset_units_and_spoiling

from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.loading import load, load_text
from cqdt_rules.engine.scoring import score
from cqdt_rules.engine.sql.arith import int_div, lit
from cqdt_rules.engine.sql.dialects import render
from cqdt_rules.engine.sql.engines import PostgresEngine, SparkEngine
from cqdt_rules.engine.sql.run import long_rows

pytestmark = [pytest.mark.sql_server, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai"
PHASES = tuple(p for p in Phase if p is not Phase.explain)
SHIPPED = [("egov_2020", "egov-2022-audit.yaml"), ("dti_2023", "dti-2023-self.yaml")]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresEngine]:
    with postgres_server() as dsn:
        engine = PostgresEngine(dsn)
        yield engine
        engine.close()


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkEngine]:
    session = spark_session()
    yield SparkEngine(session)
    session.stop()


ENGINES = ["postgres", "spark"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> object:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(("ruleset", "data"), SHIPPED)
def test_shipped_rulesets_on_the_sample_agree_with_python(engine: object, ruleset: str, data: str) -> None:
    kind, found = differential(load(ruleset), load_assessments(SAMPLE / data), engine)  # type: ignore[arg-type]
    assert kind == "ok" and found == [], found[:5]


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_boundary_suite_agrees_under_every_rounding_mode(engine: object, mode: str) -> None:
    checked = load_text(BOUNDARY.replace("MODE", mode), "bien.cqdt")
    kind, found = differential(checked, _boundary_units(), engine)  # type: ignore[arg-type]
    assert kind == "ok" and found == [], found[:5]


def test_numbers_at_the_limits_and_the_functions_agree(engine: object) -> None:
    """12 decimals, 10^15 - 1 and fractional pair parts with a range, scored; the exact functions, under every rounding mode."""
    kind, found = differential(load_text(LIMITS, "gioi_han.cqdt"), _limit_units(), engine)  # type: ignore[arg-type]
    assert kind == "ok" and found == [], found[:5]
    for mode in ("half_up", "half_even", "down", "up"):
        kind, found = differential(load_text(FUNCTIONS.replace("MODE", mode), "ham.cqdt"), _function_units(), engine)  # type: ignore[arg-type]
        assert kind == "ok" and found == [], (mode, found[:5])


def test_integer_division_is_exact_beyond_64_bits(engine: object) -> None:
    """Spark's own DIV wraps a quotient past 2^63 silently; a division whose quotient may pass it is written exactly."""
    big = 10**30 + 12345
    query = exp.select(int_div(lit(big), lit(7), big // 7).as_("q", copy=False),
                       int_div(lit(big), lit(10**13), big // 10**13).as_("r", copy=False))
    _, rows = engine.query(render(query, engine.dialect))  # type: ignore[attr-defined]
    assert [int(v) for v in rows[0]] == [big // 7, big // 10**13]


def test_spark_runs_in_ansi_mode(spark: SparkEngine) -> None:
    assert spark.session.conf.get("spark.sql.ansi.enabled") == "true"
    with pytest.raises(Exception, match="(?i)overflow|ARITHMETIC"):
        spark.query("SELECT CAST(9223372036854775807 AS BIGINT) + 1")


def test_a_dba_installs_the_printed_view_and_reads_the_scores(postgres: PostgresEngine) -> None:
    """`cqdt sql egov_2020 --tier xa --dialect postgres` is a view definition PostgreSQL accepts as it is."""
    view = subprocess.run([sys.executable, "-m", "cqdt_rules", "sql", "egov_2020", "--tier", "xa", "--dialect", "postgres",
                           "--explain"], capture_output=True, text=True, check=True).stdout
    units = load_assessments(SAMPLE / "egov-2022-audit.yaml")
    postgres.load_rows(long_rows(units))
    postgres.query(view)
    try:
        columns, rows = postgres.query('SELECT "unit_code", "total", "rank huyen" FROM "egov_2020_xa"')
    finally:
        postgres.query('DROP VIEW "egov_2020_xa"')
    expected = {u.code: (u.total, u.ranks["huyen"].rank) for u in score(load("egov_2020"), units) if u.tier.id == "xa"}
    assert columns == ["unit_code", "total", "rank huyen"]
    assert {code: (total / 1000, rank) for code, total, rank in rows} == expected


@settings(max_examples=12, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                                 HealthCheck.function_scoped_fixture])
@given(ruleset_units_and_spoiling())
def test_postgres_agrees_with_python_on_generated_rulesets_and_cohorts(postgres: PostgresEngine, case: GeneratedCase) -> None:
    event(generated_differential(case, postgres))


@settings(max_examples=4, deadline=None, phases=PHASES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                                HealthCheck.function_scoped_fixture])
@given(ruleset_units_and_spoiling())
def test_spark_agrees_with_python_on_generated_rulesets_and_cohorts(spark: SparkEngine, case: GeneratedCase) -> None:
    event(generated_differential(case, spark))


__all__ = ["assessments_for", "generated_rulesets", "mismatches", "published"]
