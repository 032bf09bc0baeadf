"""`cqdt shortfalls`: the criteria units lose most points on, per tier or per district, and the units
failing a named criterion or yes/no indicator (section III of the report)."""

from __future__ import annotations

import argparse
import sys

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK, score_files
from cqdt_rules.errors import UsageError
from cqdt_rules.tables import csv_text


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="unit data files (.yaml, .csv, .xlsx) or folders of them")
    p.add_argument("--tier", help="only this tier (so, huyen, xa); default every tier")
    p.add_argument("--by-district", action="store_true", help="one list per district (communes)")
    p.add_argument("--criterion", metavar="ID", help="the units failing this criterion (below full points) or yes/no "
                                                      "indicator (answered no); needs --tier")
    p.add_argument("--sort", choices=("lost", "units"), default="lost",
                   help="rank criteria by points lost in total (default) or by units below full points")
    p.add_argument("--count", type=int, default=10, metavar="N", help="criteria listed per tier or district (default 10)")
    p.add_argument("--source", choices=("self", "district", "audit"), default="audit",
                   help="which records to use (default: '%(default)s')")
    p.add_argument("--year", type=int, help="the assessment year when the data holds several")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the output")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="a table to read, or CSV for a spreadsheet or another program")


def run(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.compare import single_year
    from cqdt_rules.analysis.shortfalls import (
        failing,
        failing_rows,
        failing_sentence,
        failing_table,
        most_lost_sentence,
        shortfall_rows,
        shortfall_table,
        shortfalls,
    )
    from cqdt_rules.analysis.summary import district_names

    results = score_files(args.ruleset, args.data)
    results = results.of_year(single_year(results, args.source, "the data", args.year))
    names = district_names(results)
    tiers = [args.tier] if args.tier else [t.id for t in results.ruleset.tiers if results.tier_units(t.id)]
    if args.tier and args.tier not in {t.id for t in results.ruleset.tiers}:
        raise UsageError(f"no tier '{args.tier}' in ruleset {results.ruleset.id}")
    if args.criterion:
        if not args.tier:
            raise UsageError("--criterion needs --tier")
        failed = failing(results, args.tier, args.source, args.criterion, args.lang)
        if args.format == "csv":
            sys.stdout.write(csv_text(["tier", "criterion", "code", "name", "district", "points", "max", "values"],
                                      ([args.tier, failed.id, *row]
                                       for row in failing_rows(failed, args.lang, names, machines=True))))
        else:
            sys.stdout.write(failing_sentence(failed, args.lang, names) + "\n\n"
                             + failing_table(failed, args.lang, names) + "\n")
        return EXIT_OK
    blocks: list[str] = []
    rows: list[list[str]] = []
    for tier in tiers:
        digits = results.ruleset.tier(tier).total_rounding
        places = digits.digits if digits else None
        for found in shortfalls(results, tier, args.source, args.lang, by_district=args.by_district,
                                order=args.sort, districts=names):
            blocks.append(most_lost_sentence(found, args.lang, 3, places) + "\n"
                          + shortfall_table(found, args.lang, args.count, places))
            header, machine = shortfall_rows(found, "en", args.count, machines=True)
            rows.extend([tier, found.district or ""] + row for row in machine)
    if args.format == "csv":
        sys.stdout.write(csv_text(["tier", "district", "position", "criterion", "title", "max", "points_lost",
                                   "below_full", "share_lost"], rows))
    else:
        sys.stdout.write("\n\n".join(blocks) + "\n")
    return EXIT_OK


COMMANDS = [
    CommandSpec("shortfalls", "Shortcomings: per tier or district, the criteria units lose most points on and how "
                "many units are below full points; with --criterion, the units failing it.", _arguments, run),
]
