"""`cqdt sql`: print a ruleset's scoring query (a view per tier) or its data checks for DuckDB, PostgreSQL or Spark."""

from __future__ import annotations

import argparse
import sys

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK
from cqdt_rules.engine import loading
from cqdt_rules.errors import UsageError
from cqdt_rules.i18n import translate


def _sql_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("--tier", help="one tier (default: every tier)")
    p.add_argument("--dialect", choices=("duckdb", "postgres", "spark"), required=True,
                   help="the SQL to write: DuckDB, PostgreSQL or Spark SQL")
    p.add_argument("--table", default=None, help="the long-form input table (default: cqdt_input)")
    p.add_argument("--explain", action="store_true",
                   help="a comment per criterion: its title, maximum and provenance (in the language of --lang)")
    p.add_argument("--checks", action="store_true", help="print the data-check query instead of the scores")


def run_sql(args: argparse.Namespace) -> int:
    from cqdt_rules.engine.sql.compile import INPUT_TABLE, compile_tier
    from cqdt_rules.engine.sql.dialects import render, view_sql

    checked = loading.load(args.ruleset)
    ruleset = checked.ruleset
    tiers = [t.id for t in ruleset.tiers]
    if args.tier is not None and args.tier not in tiers:
        raise UsageError(f"ruleset '{ruleset.id}' has no tier '{args.tier}' (tiers: {', '.join(tiers)})")
    for tier in ruleset.tiers:
        if args.tier is not None and tier.id != args.tier:
            continue
        query = compile_tier(ruleset, tier, args.table or INPUT_TABLE, explain=args.explain, lang=args.lang)
        if args.checks:
            title = translate("Data checks of tier {tier}", args.lang).format(tier=tier.id)
            sys.stdout.write(f"-- {title}\n{render(query.problems, args.dialect)};\n")
        else:
            title = translate("Scores of tier {tier} under ruleset {ruleset}", args.lang).format(tier=tier.id,
                                                                                               ruleset=ruleset.id)
            sys.stdout.write(view_sql(query.tree, args.dialect, f"{ruleset.id}_{tier.id}", title) + "\n")
    return EXIT_OK


COMMANDS = [
    CommandSpec("sql", "Print a ruleset's scoring query (a view per tier) for DuckDB, PostgreSQL or Spark SQL.",
                _sql_arguments, run_sql),
]
