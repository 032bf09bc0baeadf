"""`cqdt sql`: print a ruleset's query for a database; and scoring with a SQL engine (`score --engine duckdb`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK
from cqdt_rules.engine import loading
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import UsageError

TEXTS = {
    "vi": {"view": "Khung nhìn tính điểm khối {tier} theo bộ tiêu chí {ruleset}", "problems": "Truy vấn kiểm tra dữ liệu khối {tier}"},
    "en": {"view": "Scores of tier {tier} under ruleset {ruleset}", "problems": "Data checks of tier {tier}"},
}


def _sql_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("--tier", help="one tier (default: every tier)")
    p.add_argument("--dialect", choices=("duckdb", "postgres", "spark"), required=True)
    p.add_argument("--table", default=None, help="the long-form input table (default: cqdt_input)")
    p.add_argument("--explain", action="store_true", help="a comment per criterion: its label and provenance")
    p.add_argument("--checks", action="store_true", help="print the data-check query instead of the scores")
    p.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the header comments")


def run_sql(args: argparse.Namespace) -> int:
    from cqdt_rules.engine.sql.compile import INPUT_TABLE, compile_tier
    from cqdt_rules.engine.sql.dialects import render, view_sql

    checked = loading.load(args.ruleset)
    ruleset = checked.ruleset
    tiers = [t.id for t in ruleset.tiers]
    if args.tier is not None and args.tier not in tiers:
        raise UsageError(f"ruleset '{ruleset.id}' has no tier '{args.tier}' (tiers: {', '.join(tiers)})")
    texts = TEXTS[args.lang]
    for tier in ruleset.tiers:
        if args.tier is not None and tier.id != args.tier:
            continue
        query = compile_tier(ruleset, tier, args.table or INPUT_TABLE, explain=args.explain)
        if args.checks:
            title = texts["problems"].format(tier=tier.id, ruleset=ruleset.id)
            sys.stdout.write(f"-- {title}\n{render(query.problems, args.dialect)};\n")
        else:
            title = texts["view"].format(tier=tier.id, ruleset=ruleset.id)
            sys.stdout.write(view_sql(query.tree, args.dialect, f"{ruleset.id}_{tier.id}", title) + "\n")
    return EXIT_OK


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
        engine = DuckDBEngine(str(paths[0]))
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


COMMANDS = [
    CommandSpec("sql", "Print a ruleset's scoring query (a view per tier) for DuckDB, PostgreSQL or Spark SQL.",
                _sql_arguments, run_sql),
]
