"""`cqdt sensitivity`: how robust each unit's level and rank is when the criteria maxima or the level cut-offs
move within a plausible range (Monte-Carlo uncertainty analysis and Saltelli–Jansen sensitivity indices)."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK, write_or_print
from cqdt_rules.errors import UsageError


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="unit data files (.yaml, .csv, .xlsx) or folders of them")
    p.add_argument("--runs", type=int, default=1000, help="perturbations (default 1000)")
    p.add_argument("--seed", type=int, help="random seed: the same seed gives the same figures")
    add_vary_arguments(p)
    p.add_argument("--indices", type=int, default=0, metavar="N",
                   help="also the first-order and total-effect sensitivity indices, from N Saltelli base samples")
    p.add_argument("--tier", action="append", help="only this tier (repeatable)")
    p.add_argument("--top", type=int, default=10, help="units listed per tier (default 10)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="a table to read, or JSON or CSV for another program")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to this file instead of standard output")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the output")


def add_vary_arguments(p: argparse.ArgumentParser) -> None:
    """What moves in each perturbation: the options of ``cqdt sensitivity``, and of ``cqdt report --sensitivity``."""
    p.add_argument("--spread", default="20%", metavar="PCT",
                   help="each criterion's maximum moves uniformly within ± this share (default 20%%; 0 keeps maxima)")
    p.add_argument("--group", action="append", default=[], metavar="ID=LOW..HIGH",
                   help="a declared factor range for the criteria of one top-level group, e.g. B=0.9..1.3 (repeatable)")
    p.add_argument("--cutoffs", metavar="POINTS", help="each level cut-off moves within ± this many points "
                   "(percentage points for percentage cut-offs)")
    p.add_argument("--no-renormalise", action="store_true",
                   help="keep the perturbed total as it is (default: rescale it to the published maximum)")
    p.add_argument("--values", metavar="ERROR",
                   help="every numeric indicator's value moves uniformly within ± this measurement error: a share of "
                   "the value (10%%) or an amount in the indicator's unit (2); with --spread 0, the values alone vary")
    p.add_argument("--value", action="append", default=[], metavar="ID=ERROR",
                   help="the measurement error of one indicator, or of every number a criterion or group reads, "
                   "e.g. ho_so_dung_han=5%% or B=2 (repeatable; the most specific applies)")


VARY_DEFAULTS = {"spread": "20%", "group": [], "cutoffs": None, "no_renormalise": False, "values": None, "value": []}


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise UsageError(f"{what}: '{text}' is not a number") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"{what}: '{text}' must be a number ≥ 0")
    return value / 100 if text.strip().endswith("%") else value


def vary_from(args: argparse.Namespace) -> object:
    from cqdt_rules.analysis.sensitivity import Vary, check_vary

    spread = _decimal(args.spread, "--spread")
    groups = []
    for item in args.group:
        name, _, span = item.partition("=")
        low, _, high = span.partition("..")
        if not name or not low or not high:
            raise UsageError(f"--group '{item}': write ID=LOW..HIGH, e.g. B=0.9..1.3")
        groups.append((name.strip(), _decimal(low, "--group"), _decimal(high, "--group")))
    cutoffs = _decimal(args.cutoffs, "--cutoffs") if args.cutoffs else None
    vary = Vary(spread=spread or None, cutoff_points=cutoffs, renormalise=not args.no_renormalise,
                groups=tuple(groups), values=_value_spreads(args))
    check_vary(vary)  # before the data are read
    return vary


def _value_spreads(args: argparse.Namespace) -> tuple[Any, ...]:
    """``--values ERROR`` and each ``--value ID=ERROR``: an error ending in % is a share of the value."""
    from cqdt_rules.analysis.sensitivity import ValueSpread

    found = [ValueSpread(_decimal(args.values, "--values"), args.values.strip().endswith("%"))] if args.values else []
    for item in args.value:
        target, _, error = item.partition("=")
        if not target.strip() or not error.strip():
            raise UsageError(f"--value '{item}': write ID=ERROR, e.g. ho_so_dung_han=5%")
        found.append(ValueSpread(_decimal(error, "--value"), error.strip().endswith("%"), target.strip()))
    return tuple(found)


def run(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis import data_uncertainty, sensitivity
    from cqdt_rules.data.readers import load_many
    from cqdt_rules.engine.loading import load

    if args.runs < 1 or args.runs > 1_000_000:
        raise UsageError("--runs must be between 1 and 1,000,000")
    vary = vary_from(args)
    checked = load(args.ruleset)
    paths = [Path(p) for p in args.data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    result = data_uncertainty.run(checked, load_many(paths), runs=args.runs, vary=vary, seed=args.seed,  # type: ignore[arg-type]
                                  tiers=args.tier, indices=args.indices)
    if args.format == "json":
        text = result.to_json() + "\n"
    elif args.format == "csv":
        text = result.to_csv()
    else:
        text = sensitivity.table_text(result, args.lang, args.top)
    write_or_print(text, args.out)
    return EXIT_OK


COMMANDS = [
    CommandSpec("sensitivity", "How robust each unit's level and rank is: Monte-Carlo perturbation of the criteria "
                "maxima, level cut-offs and indicator values (P(level as published), rank intervals), and "
                "sensitivity indices.",
                _arguments, run),
]
