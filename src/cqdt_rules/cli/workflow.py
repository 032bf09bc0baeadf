"""Commands for the assessment workflow: template, audit, versions, crosscheck, gaps."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_INVALID, EXIT_OK, load_data
from cqdt_rules.engine import loading
from cqdt_rules.engine.results import identity_of
from cqdt_rules.errors import UsageError
from cqdt_rules.files import write_whole
from cqdt_rules.model.units import SOURCES

_WROTE = {"vi": "đã ghi {what}", "en": "wrote {what}"}


def _emit(text: str, out: Path | None, lang: str) -> None:
    if out is not None:
        write_whole(out, text)
        print(_WROTE[lang].format(what=out), file=sys.stderr)
    else:
        sys.stdout.write(text)


def _common(p: argparse.ArgumentParser, formats: tuple[str, ...] = ("table", "csv")) -> None:
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format (default: vi)")
    p.add_argument("--format", choices=formats, default="table",
                   help="a table to read, or another form for a spreadsheet or a program")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to this file instead of standard output")


def _ruleset_and_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="unit data files (.yaml, .csv, .xlsx) or folders of them")


# ---------------------------------------------------------------- template
def _template_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("--tier", required=True, help="the tier the form is for (e.g. so, huyen, xa)")
    p.add_argument("--source", choices=("self", "district", "audit"), default="self",
                   help="a self-assessment form (default), the district's verification form for its communes, or the "
                        "audit team's form (with audit-only indicators)")
    p.add_argument("--year", type=int, help="pre-fill the assessment year")
    p.add_argument("--units", type=Path, metavar="CSV",
                   help="a unit list (columns code, name, tier, parent): one pre-filled form per unit of the tier")
    p.add_argument("--out", type=Path, metavar="PATH", help="the .xlsx file to write (with --units: the folder); "
                                            "default RULESET-TIER.xlsx (with --units: RULESET-TIER-forms/)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the form's labels (default: vi)")


def run_template(args: argparse.Namespace) -> int:
    from cqdt_rules.data.workbook import (
        check_form_year,
        read_unit_list,
        template_workbook,
        write_template,
        write_templates,
    )

    checked = loading.load(args.ruleset)
    ruleset = checked.ruleset
    check_form_year(ruleset, args.year)
    options = dict(source=args.source, year=args.year, lang=args.lang)
    if args.units is not None:
        if args.tier not in {t.id for t in ruleset.tiers}:
            template_workbook(ruleset, args.tier)  # raises the usage error naming the tiers
        units = read_unit_list(args.units, args.tier)
        folder = args.out or Path(f"{ruleset.id}-{args.tier}-forms")
        if folder.suffix.lower() == ".xlsx":
            raise UsageError("with --units, --out names a folder (one form per unit is written into it)")
        written = write_templates(ruleset, args.tier, folder, units, **options)
        what = f"{folder}/ ({len(written)} {'phiếu' if args.lang == 'vi' else 'forms'})"
    else:
        target = args.out or Path(f"{ruleset.id}-{args.tier}.xlsx")
        if target.suffix.lower() != ".xlsx":
            raise UsageError(f"the form must be an .xlsx file, not '{target}'")
        write_template(ruleset, args.tier, target, **options)
        what = str(target)
    print(_WROTE[args.lang].format(what=what), file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------- audit
def _audit_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--unit", help="one unit's code: every criterion, claimed against verified, with its evidence")
    p.add_argument("--year", type=int, help="the year of the records to use, when the data hold several")
    p.add_argument("--all", action="store_true", help="with --unit: every criterion, not only those that differ")
    p.add_argument("--require-audit", action="store_true",
                   help="exit with 1 when a unit has no audited record")
    _common(p)


def run_audit(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.audit import audit, audit_csv, audit_table, unit_audit_text

    checked = loading.load(args.ruleset)
    assessments = load_data(args.data, args.lang)
    if not any(a.source == "self" for a in assessments):
        raise UsageError("the data hold no self-assessment (source: self): the audit compares each unit's "
                         "self-assessment with its audited record; name the self-assessment file too "
                         "(e.g. egov-2022-self.yaml egov-2022-audit.yaml)")
    report = audit(checked, assessments)
    if args.year is not None:
        import attrs

        report = attrs.evolve(report, units=tuple(u for u in report.units if u.year == args.year))
    if not report.units:
        raise UsageError("no unit in the data" + (f" for {args.year}" if args.year else ""))
    if args.format == "csv":
        if args.unit:
            import attrs

            report = attrs.evolve(report, units=(report.unit(args.unit, args.year),))
        text = audit_csv(report)
    elif args.unit:
        text = unit_audit_text(report, report.unit(args.unit, args.year), args.lang, show_all=args.all)
    else:
        text = audit_table(report, args.lang)
    _emit(text, args.out, args.lang)
    if args.require_audit and report.not_audited:
        return EXIT_INVALID
    return EXIT_OK


# ---------------------------------------------------------------- versions
def _versions_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="the versions folder (one sub-folder per version, each with version.yaml and its data)")
    p.add_argument("--ruleset", help="score every version with this ruleset instead of the one each version names")
    p.add_argument("--source", choices=SOURCES, help="which records to compare (default: audit when every "
                                                               "version has them, else self)")
    p.add_argument("--unit", help="show one unit only")
    add = p.add_argument_group("recording a new version")
    add.add_argument("--add", nargs="+", metavar="DATA", help="record DATA (files or folders) as the next version")
    add.add_argument("--label", help="the new version's label, e.g. 'Dự thảo lần 2'")
    add.add_argument("--reason", help="why this version was made (comments taken in, evidence added, decision)")
    add.add_argument("--author", help="who made it")
    add.add_argument("--date", type=_date, help="its date, YYYY-MM-DD (default: today)")
    add.add_argument("--status", choices=("draft", "approved"), default="draft",
                     help="the new version's status (default: '%(default)s'); an approved one names its --decision")
    add.add_argument("--decision", help="for the approved version: the decision that approves it")
    _common(p)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date '{value}': write it as YYYY-MM-DD") from None


def run_versions(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.versions import (
        add_version,
        changes_csv,
        history_text,
        load_history,
    )

    if args.add:
        if not (args.label or "").strip() or not (args.reason or "").strip():
            raise UsageError("--add needs --label and --reason")
        folder = add_version(args.folder, args.add, label=args.label, reason=args.reason, author=args.author,
                             date=args.date, status=args.status, ruleset=args.ruleset, decision=args.decision,
                             source=args.source, lang=args.lang)
        print(_WROTE[args.lang].format(what=folder), file=sys.stderr)
    elif any(v is not None for v in (args.label, args.reason, args.author, args.date, args.decision)):
        raise UsageError("--label, --reason, --author, --date and --decision go with --add")
    history = load_history(args.folder, ruleset=args.ruleset if not args.add else None, source=args.source)
    text = changes_csv(history) if args.format == "csv" else history_text(history, args.lang, args.unit)
    _emit(text, args.out, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------- crosscheck
def _crosscheck_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--mapping", type=Path, help="the mapping file (default: crosscheck.yaml beside the ruleset)")
    p.add_argument("--source", choices=SOURCES, default="self",
                   help="whose records to compare (default: self, the values the units declared)")
    p.add_argument("--commune-source", choices=SOURCES,
                   help="compare the districts' records with the communes' records of this source instead")
    p.add_argument("--all", action="store_true", help="list the indicators that agree too")
    _common(p)


def run_crosscheck(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.crosscheck import (
        crosscheck,
        crosscheck_csv,
        crosscheck_table,
        load_spec,
        mapping_path_for,
    )

    path = loading.resolve_ruleset_path(args.ruleset)
    checked = loading.load(path)
    mapping = args.mapping or mapping_path_for(path)
    if not mapping.is_file():
        raise UsageError(f"no cross-tier mapping for ruleset '{checked.ruleset.id}': expected {mapping} "
                         "(or give --mapping FILE)")
    spec = load_spec(mapping, checked.ruleset)
    assessments = load_data(args.data, args.lang)
    report = crosscheck(checked.ruleset, spec, assessments, source=args.source, commune_source=args.commune_source)
    if not report.findings and not report.districts_without_communes:
        others = sorted({a.source for a in assessments if a.tier == spec.district_tier} - {args.source})
        raise UsageError(f"no '{args.source}' records of tier '{spec.district_tier}' in the data"
                         + (f"; they hold '{others[0]}' records: give --source {others[0]}" if others else
                            f"; name a file with the '{spec.district_tier}' records"))
    text = crosscheck_csv(report, show_all=True) if args.format == "csv" else crosscheck_table(report, args.lang, args.all)
    _emit(text, args.out, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------- gaps
def _gaps_arguments(p: argparse.ArgumentParser) -> None:
    _ruleset_and_data(p)
    p.add_argument("--unit", help="one unit's code: every criterion with points still available, in order")
    p.add_argument("--year", type=int, help="the year of the records to use, when the data hold several")
    p.add_argument("--source", choices=SOURCES,
                   help="which records (default: the audited ones when there are any, else self)")
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="how many criteria to list (per unit: all; in the overview: 3)")
    _common(p)


def run_gaps(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.gaps import (
        find_unit,
        gaps,
        gaps_csv,
        gaps_table,
        unit_gaps_text,
    )

    if args.top is not None and args.top < 1:
        raise UsageError("--top must be at least 1")
    checked = loading.load(args.ruleset)
    found, source = gaps(checked, load_data(args.data, args.lang), source=args.source)
    if args.year is not None:
        found = [g for g in found if identity_of(g.unit).year == args.year]
        if not found:
            raise UsageError(f"no '{source}' assessments for {args.year}")
    if args.unit:
        found = [find_unit(found, args.unit, args.year)]
    if args.format == "csv":
        text = gaps_csv(found)
    elif args.unit:
        text = unit_gaps_text(found[0], checked.ruleset, source, args.lang, args.top)
    else:
        text = gaps_table(found, checked.ruleset, source, args.lang, args.top or 3)
    _emit(text, args.out, args.lang)
    return EXIT_OK


COMMANDS: list[CommandSpec] = [
    CommandSpec("template", "Write the Excel data-entry form for a tier: Vietnamese labels, one input cell per "
                "indicator, validation, evidence column, protected labels (needs openpyxl).",
                _template_arguments, run_template),
    CommandSpec("audit", "Self-assessment against audit: points claimed and verified per criterion, the difference, "
                "the evidence required and missing; units without an audited record are listed as not audited.",
                _audit_arguments, run_audit),
    CommandSpec("versions", "Drafts and the approved result: every version kept, results per version, and the "
                "change log between versions with reasons; --add records a new version.",
                _versions_arguments, run_versions),
    CommandSpec("crosscheck", "Compare district indicators that count their communes with the communes' own "
                "records (mapping declared in crosscheck.yaml beside the ruleset).",
                _crosscheck_arguments, run_crosscheck),
    CommandSpec("gaps", "What it would take: points missing to the next level and the criteria with the most points "
                "still available, in the order to work on them.", _gaps_arguments, run_gaps),
]
