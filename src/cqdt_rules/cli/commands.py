"""The subcommands of `cqdt`: each is a name, its arguments and a function returning an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, TextIO

from cqdt_rules.cli.common import (
    EXIT_OK,
    add_units_argument,
    score_files,
    score_previous_files,
    stream_files,
)
from cqdt_rules.engine import loading
from cqdt_rules.errors import UsageError, render
from cqdt_rules.files import write_whole, written
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate

if TYPE_CHECKING:
    from cqdt_rules.cli.progress import Progress
    from cqdt_rules.engine.stream import ScoredRows
    from cqdt_rules.reports.score_table import TierTables


class CommandSpec(NamedTuple):
    """A command (a named tuple: cheaper to make than an attrs class, on the way of every command)."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    stops_itself: bool = False
    """The command stops on SIGTERM, SIGINT and SIGHUP its own way (``serve``: its server shuts down gracefully), not
    as ``main`` stops every other (``cli.common.stopped_by_signals``)."""


# ---------------------------------------------------------------- check
def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")


def run_check(args: argparse.Namespace) -> int:
    checked = loading.load(args.ruleset, cached=False)  # checking a file means reading it, never a kept result
    for warning in checked.warnings:
        print(render(warning, checked.sources.get(warning.span.path, checked.source), args.lang))
    r = checked.ruleset
    nodes = sum(len(t.walk()) for t in r.tiers)
    # a shipped ruleset (named by id or year) is shown by its id, not by where the package is installed
    shown = r.path if Path(args.ruleset).exists() else r.id
    valid = translate("{shown}: ruleset '{id}' ({status}) is valid: {tiers} tier(s) ({maxima}), {nodes} nodes, "
                      "{warnings} warning(s)", args.lang)
    maximum = translate("max", args.lang)
    print(valid.format(shown=shown, id=r.id, status=translate(r.header.status or "no status", args.lang),
                       tiers=format_number(len(r.tiers), args.lang), nodes=format_number(nodes, args.lang),
                       warnings=format_number(len(checked.warnings), args.lang),
                       maxima=", ".join(f"{t.id} {maximum} {format_number(t.max, args.lang)}" for t in r.tiers)))
    return EXIT_OK


# ---------------------------------------------------------------- score
def _ruleset_and_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="unit data files (.yaml, .csv, .xlsx) or folders of them")
    add_units_argument(p)


def _score_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="a table to read, or JSON or CSV for another program")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to this file instead of standard output")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the table")
    from cqdt_rules.cli.sql_engine import add_engine_arguments

    add_engine_arguments(p)


def run_score(args: argparse.Namespace) -> int:
    """Every path writes its results as they come, never holding every unit's result: in Python data of any
    size are read and scored unit by unit (``cli.common.stream_files``); DuckDB's results are fetched in
    batches (``cli.sql_engine``). A progress bar shows on a terminal."""
    from cqdt_rules.cli.progress import Progress

    if (args.engine != "python" or args.table) and args.units:
        raise UsageError("--units checks parents with the python engine; leave out --engine duckdb or --units")
    progress = Progress()
    engine = args.engine != "python" or args.table
    try:
        if engine:
            from cqdt_rules.cli.sql_engine import stream_with_engine

            scored: ScoredOutput = stream_with_engine(args.ruleset, args.data, args.table, args.lang, progress)
        else:
            scored = _stream_python(args, progress)
        try:
            progress.stage("writing", len(scored))
            if args.out:
                with written(args.out, newline="") as out:
                    scored.write(args.format, out, progress.advance)
            else:
                scored.write(args.format, sys.stdout, progress.advance)
        finally:
            scored.close()
    finally:
        progress.close()
    if args.out:
        print(translate(f"wrote {args.out} ({len(scored)} results)", args.lang), file=sys.stderr)
    return EXIT_OK


class ScoredOutput(Protocol):
    """Results ready to be written in a format (``csv``, ``json``, ``table``) as they come."""

    def __len__(self) -> int: ...

    def write(self, form: str, out: TextIO, done: Callable[[int], None]) -> None: ...

    def close(self) -> None: ...


def _stream_python(args: argparse.Namespace, progress: Progress) -> ScoredOutput:
    tables = None
    if args.format == "table":
        from cqdt_rules.reports.score_table import TierTables

        tables = TierTables(args.lang)
    rows = stream_files(args.ruleset, args.data, args.units, progress, args.format,
                        tables.own_cells if tables is not None else None)
    return _StreamedRows(rows, tables)


class _StreamedRows:
    def __init__(self, rows: ScoredRows, tables: TierTables | None):
        self.rows, self.tables = rows, tables

    def __len__(self) -> int:
        return len(self.rows)

    def write(self, form: str, out: TextIO, done: Callable[[int], None]) -> None:
        if form == "json":
            self.rows.write_json(out, done)
            out.write("\n")
        elif form == "csv":
            self.rows.write_csv(out, done)
        else:
            from cqdt_rules.reports.score_table import write_results_table

            assert self.tables is not None
            write_results_table(out, self.tables.cohorts(self.rows.table_cohorts()), self.tables.lang, done)

    def close(self) -> None:
        self.rows.close()


# ---------------------------------------------------------------- explain
def _explain_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--unit", required=True, help="the unit's code (e.g. SO13, 622, 23575)")
    p.add_argument("--year", type=int, help="the year of the records to use, when the data hold several")
    p.add_argument("--source", choices=("self", "district", "audit"),
                   help="which of the unit's records to use, when the data hold several")


def run_explain(args: argparse.Namespace) -> int:
    results = score_files(args.ruleset, args.data, args.units, args.lang)
    unit = results.unit(args.unit, year=args.year, source=args.source)
    print(unit.explain(args.lang))
    return EXIT_OK


# ---------------------------------------------------------------- summary (the main job)
def _summary_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--previous", nargs="+", metavar="DATA", help="last year's data, scored with the same ruleset")
    p.add_argument("--previous-ruleset", help="the ruleset for --previous when it differs")
    p.add_argument("--source", choices=("self", "district", "audit", "latest"), default="latest",
                   help="which stage to report: self, district (the district's verification of its communes), audit, or latest "
                        "(default: per tier the latest stage every unit of it has)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the output")
    p.add_argument("--out", type=Path, metavar="DIR", help="also write the full results (JSON and CSV) and this summary to DIR")
    p.add_argument("--no-rankings", action="store_true", help="counts and movers only, no ranking tables")
    p.add_argument("--year", type=int, help="the assessment year to report when the data holds several; --previous "
                                            "data holding several years gives the year before")


def run_summary(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.compare import compare, select
    from cqdt_rules.analysis.summary import render_summary

    current = score_files(args.ruleset, args.data, args.units)
    previous = (score_previous_files(args.ruleset, args.previous_ruleset, args.previous, args.units)
                if args.previous else None)
    chosen = select(current, previous, args.source, args.year)
    current, previous, current_year, previous_year = chosen.current, chosen.previous, chosen.year, chosen.previous_year
    comparisons = compare(current, previous)
    if not comparisons:
        raise UsageError(f"no '{args.source}' assessments in the data; try --source self")
    text = render_summary(current, comparisons, args.lang, previous_year, with_rankings=not args.no_rankings,
                          sources=chosen.sources, previous=previous)
    sys.stdout.write(text)
    if args.out:
        stem = f"{current.ruleset.id}-{current_year}"
        write_whole(args.out / f"{stem}-results.json", current.to_json() + "\n")
        write_whole(args.out / f"{stem}-results.csv", current.to_csv())
        write_whole(args.out / f"{stem}-summary-{args.lang}.txt", text)
        if previous is not None:
            write_whole(args.out / f"{previous.ruleset.id}-{previous_year}-results.json", previous.to_json() + "\n")
        print(translate(f"wrote results and summary to {args.out}/", args.lang), file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- transition (e-government → DTI)
def _transition_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old_ruleset", help="the earlier ruleset (e.g. egov_2020)")
    p.add_argument("old_data", help="data scored with it (e.g. examples/gialai/egov-2022-audit.yaml)")
    p.add_argument("new_ruleset", help="the later ruleset (e.g. dti_2023)")
    p.add_argument("new_data", help="data scored with it (e.g. examples/gialai/dti-2023-audit.yaml)")
    p.add_argument("--source", choices=("self", "district", "audit"), default="audit",
                   help="which records to use (default: '%(default)s')")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the output")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="a table to read, or CSV for a spreadsheet or another program")


def run_transition(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.transition import transition_csv, transition_table

    old = score_files(args.old_ruleset, [args.old_data])
    new = score_files(args.new_ruleset, [args.new_data])
    render = transition_csv if args.format == "csv" else transition_table
    sys.stdout.write(render(old, new, args.source, args.lang))
    return EXIT_OK


COMMANDS: list[CommandSpec] = [
    CommandSpec("check", "Check a ruleset: every error and warning with its position.", _check_arguments, run_check),
    CommandSpec("score", "Score unit data with a ruleset: points, totals, levels and ranks.", _score_arguments, run_score),
    CommandSpec("explain", "Explain one unit's points, criterion by criterion.", _explain_arguments, run_explain),
    CommandSpec("summary", "The main job: per tier, units assessed, counts and shares per level, change against "
                "last year, rankings (communes per district), top and bottom units.", _summary_arguments, run_summary),
    CommandSpec("transition", "The transition year side by side: each unit's earlier level and rank beside its "
                "later index value, band and rank, joined on unit code.", _transition_arguments, run_transition),
]


def _extension_commands() -> list[CommandSpec]:
    """Commands defined in their own modules (authoring tools, reports, assessment workflow)."""
    import importlib

    found: list[CommandSpec] = []
    for module in ("cqdt_rules.cli.authoring", "cqdt_rules.cli.reporting", "cqdt_rules.cli.workflow",
                   "cqdt_rules.cli.shortfalls", "cqdt_rules.cli.render", "cqdt_rules.cli.sql",
                   "cqdt_rules.cli.serve", "cqdt_rules.cli.sensitivity"):
        found.extend(importlib.import_module(module).COMMANDS)
    return found


def all_commands() -> list[CommandSpec]:
    """The core commands and those of the extension modules, loaded when the parser is built."""
    return COMMANDS + _extension_commands()


def commands_for(name: str | None) -> list[CommandSpec]:
    """What a parser for the command ``name`` declares: a core command alone, without importing the extension
    modules (some 4 ms of every ``cqdt score`` or ``cqdt check``); any other name, or none, every command."""
    return [spec for spec in COMMANDS if spec.name == name] or all_commands()
