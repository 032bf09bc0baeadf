"""Rendering one query tree for DuckDB, PostgreSQL or Spark SQL, and what differs between them."""

from __future__ import annotations

import functools

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.generator import Generator

DIALECTS = ("duckdb", "postgres", "spark")

SPARK_SETTINGS = {"spark.sql.ansi.enabled": "true"}
"""Set explicitly on every Spark session that runs the query: with ANSI mode an overflow, an invalid cast
or a division by zero raises instead of giving NULL or a wrapped number."""


def _exact_int_div(generator: Generator, division: exp.IntDiv) -> str:
    """Spark's ``a DIV b`` returns a BIGINT and wraps a quotient beyond 2^63 without an error, even in ANSI
    mode. A division whose quotient may pass a BIGINT (``arith.int_div`` marks it ``wide``) is written
    ``(a - a % b) / b``, which divides exactly (the remainder is gone) in DECIMAL(38, 6): 32 digits before
    the point, which ``arith.QUOTIENT_LIMIT`` keeps every quotient within. The others keep ``DIV``: the
    exact form repeats ``a``, and nested in a rounding the text (and Spark's analysis) would grow."""
    a, b = generator.sql(division, "this"), generator.sql(division, "expression")
    if not division.meta.get("wide"):
        return f"{a} DIV {b}"
    return f"CAST(({a} - ({a} % {b})) / {b} AS DECIMAL(38, 0))"


@functools.cache
def cqdt_spark() -> type[Dialect]:
    """Spark SQL with integer division made exact (``_exact_int_div``); Spark's dialect is imported only when
    used (about a megabyte a DuckDB run need not hold)."""
    from sqlglot.dialects.spark import Spark

    class CqdtSpark(Spark):
        class Generator(Spark.Generator):  # type: ignore[misc,valid-type]
            TRANSFORMS = {**Spark.Generator.TRANSFORMS, exp.IntDiv: _exact_int_div}

    return CqdtSpark


def render(tree: exp.Expr, dialect: str, pretty: bool = True) -> str:
    """The SQL text of ``tree`` in ``dialect``; identifiers are always quoted (an indicator named ``select`` works)."""
    if dialect not in DIALECTS:
        raise ValueError(dialect)
    if dialect == "duckdb":
        return _duckdb(tree, pretty)
    if dialect == "postgres":
        # PostgreSQL inlines a CTE read once into its reader: the stages would merge into one expression
        # per column that grows with every stage, and planning takes seconds; materialized, each stage is planned once
        stages = [cte for cte in tree.find_all(exp.CTE) if cte.alias not in ("src", "wide")]
        for cte in stages:
            cte.set("materialized", True)
        try:
            return tree.sql(dialect=dialect, identify=True, pretty=pretty)
        finally:
            for cte in stages:
                cte.set("materialized", None)
    return tree.sql(dialect=cqdt_spark(), identify=True, pretty=pretty)


def _duckdb(tree: exp.Expr, pretty: bool) -> str:
    """DuckDB's '//' on DECIMAL returns DOUBLE; on HUGEINT (128-bit) it is an exact integer division. The
    integer type is swapped in place for the rendering and put back (copying a large tree costs seconds)."""
    swapped = [node for node in tree.find_all(exp.DataType) if node.this == exp.DataType.Type.DECIMAL and _scale(node) == 0]
    for node in swapped:
        node.set("this", exp.DataType.Type.INT128)
        node.set("expressions", [])
    try:
        return tree.sql(dialect="duckdb", identify=True, pretty=pretty)
    finally:
        for node in swapped:
            node.set("this", exp.DataType.Type.DECIMAL)
            node.set("expressions", [exp.DataTypeParam(this=exp.Literal.number(38)), exp.DataTypeParam(this=exp.Literal.number(0))])


def _scale(node: exp.DataType) -> int | None:
    params = node.expressions
    if len(params) == 2:
        return int(params[1].name)
    return None


def view_sql(tree: exp.Expr, dialect: str, name: str, title: str) -> str:
    """A view definition a DBA can install: ``CREATE OR REPLACE VIEW name AS query``; the title as a comment."""
    view = exp.Create(this=exp.to_table(name), kind="VIEW", replace=True, expression=tree)
    safe = " ".join(title.replace("*/", "* /").split())
    return f"-- {safe}\n{render(view, dialect)};"
