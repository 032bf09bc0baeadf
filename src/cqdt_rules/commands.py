"""The subcommands of `cqdt`: each is a name, its arguments and a function returning an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import attrs

from cqdt_rules import api
from cqdt_rules.cli import EXIT_OK, score_files, write_text
from cqdt_rules.errors import render
from cqdt_rules.tables import results_table


@attrs.frozen
class CommandSpec:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# ---------------------------------------------------------------- check
def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")


def run_check(args: argparse.Namespace) -> int:
    checked = api.load(args.ruleset)
    for warning in checked.warnings:
        print(render(warning, checked.source))
    r = checked.ruleset
    nodes = sum(len(t.walk()) for t in r.tiers)
    print(f"{r.path}: ruleset '{r.id}' ({r.header.status or 'no status'}) is valid: "
          f"{len(r.tiers)} tier(s) ({', '.join(f'{t.id} max {t.max}' for t in r.tiers)}), {nodes} nodes, "
          f"{len(checked.warnings)} warning(s)")
    return EXIT_OK


# ---------------------------------------------------------------- score
def _ruleset_and_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="unit data files (.yaml, .csv, .xlsx) or folders of them")


def _score_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--out", type=Path, help="write to this file instead of standard output")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the table")


def run_score(args: argparse.Namespace) -> int:
    results = score_files(args.ruleset, args.data)
    if args.format == "json":
        text = results.to_json() + "\n"
    elif args.format == "csv":
        text = results.to_csv()
    else:
        text = results_table(results, args.lang)
    if args.out:
        write_text(args.out, text)
        print(f"wrote {args.out} ({len(results)} results)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ---------------------------------------------------------------- explain
def _explain_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--unit", required=True, help="the unit's code (e.g. SO13, 622, 23575)")
    p.add_argument("--year", type=int)
    p.add_argument("--source", choices=("self", "audit"))


def run_explain(args: argparse.Namespace) -> int:
    results = score_files(args.ruleset, args.data)
    unit = results.unit(args.unit, year=args.year, source=args.source)
    print(unit.explain())
    return EXIT_OK


COMMANDS: list[CommandSpec] = [
    CommandSpec("check", "Check a ruleset: every error and warning with its position.", _check_arguments, run_check),
    CommandSpec("score", "Score unit data with a ruleset: points, totals, levels and ranks.", _score_arguments, run_score),
    CommandSpec("explain", "Explain one unit's points, criterion by criterion.", _explain_arguments, run_explain),
]
