"""Scoring with a SQL engine from the command line: `cqdt score … --engine duckdb [--table NAME]`."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.engine import loading
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import UsageError

TABLE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?", re.ASCII)


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    """The options `cqdt score` takes to score in a database instead of in Python."""
    p.add_argument("--engine", choices=("python", "duckdb"), default="python",
                   help="score in Python (default) or with the ruleset compiled to SQL in embedded DuckDB")
    p.add_argument("--table", help="with --engine duckdb: a long-form table of the DuckDB database named by DATA")
    p.add_argument("--any-year", action="store_true", help=argparse.SUPPRESS)


def score_with_engine(ruleset: str, data: Sequence[str], table: str | None) -> Results:
    """Score DATA with DuckDB: YAML/CSV/XLSX unit files (as the Python engine reads them), long-form Parquet or
    CSV files, or with ``table`` a table of the DuckDB database file DATA."""
    from cqdt_rules.data.readers import load_many
    from cqdt_rules.engine.sql.engines import DuckDBEngine, is_long_form_csv
    from cqdt_rules.engine.sql.run import assessment_locator, long_rows, score_sql

    checked = loading.load(ruleset)
    paths = [Path(p) for p in data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    if table is not None:
        if len(paths) != 1 or not paths[0].is_file():
            raise UsageError("--table reads one DuckDB database file: give its path as DATA")
        if not TABLE_NAME.fullmatch(table):
            raise UsageError(f"--table '{table}': name a table as letters, digits and '_' (schema.table allowed)")
        engine = DuckDBEngine(str(paths[0]), read_only=True)  # the user's database is read, never changed
        return score_sql(checked, engine, table=table, names=engine.names(table))
    long_files = [p for p in paths if p.suffix.lower() == ".parquet" or (p.suffix.lower() == ".csv" and is_long_form_csv(p))]
    if long_files:
        if len(paths) != 1:
            raise UsageError("give one long-form file (.parquet or .csv with columns unit_code, ..., indicator, value)")
        engine = DuckDBEngine()
        engine.attach_file(long_files[0])
        return score_sql(checked, engine, names=engine.names())
    assessments = load_many(paths)
    engine = DuckDBEngine()
    engine.load_rows(long_rows(assessments))
    return score_sql(checked, engine, locate=assessment_locator(assessments), names={a.code: a.name for a in assessments})
