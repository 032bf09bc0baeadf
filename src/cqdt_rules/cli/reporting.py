"""Commands that write reports: report (HTML, Markdown, XLSX, DOCX) and compare (year over year)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK, add_units_argument, score_files, score_previous_files
from cqdt_rules.cli.sensitivity import VARY_DEFAULTS, add_vary_arguments, vary_from
from cqdt_rules.errors import UsageError
from cqdt_rules.i18n import translate
from cqdt_rules.tables import control_character, csv_text

if TYPE_CHECKING:
    from cqdt_rules.analysis.compare import TierComparison, UnitChange
    from cqdt_rules.engine.results import Results, UnitResult

_YEAR_HELP = ("the assessment year to report when the data holds several; --previous data holding several "
              "years gives the year before")
_FORMATS_HELP = "comma-separated: html, md, xlsx (needs the 'xlsx' extra), docx (needs the 'docx' extra); default html,md"


def _common(p: argparse.ArgumentParser, previous_required: bool) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("data", nargs="+", help="this year's unit data (.yaml, .csv, .xlsx) or folders of them")
    p.add_argument("--previous", nargs="+", metavar="DATA", required=previous_required,
                   help="last year's data (scored with the same ruleset unless --previous-ruleset)")
    p.add_argument("--previous-ruleset", metavar="RULESET",
                   help="the ruleset for --previous when it differs (e.g. egov_2020 beside dti_2023)")
    p.add_argument("--source", choices=("self", "district", "audit", "latest"), default="latest",
                   help="which stage to report: self, district (the district's verification of its communes), audit, or latest "
                        "(default: per tier the latest stage every unit of it has)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format (default vi)")
    p.add_argument("--year", type=int, help=_YEAR_HELP)
    add_units_argument(p)


def _score(args: argparse.Namespace) -> tuple[Results, Results | None]:
    if args.previous_ruleset and not args.previous:
        raise UsageError("--previous-ruleset needs --previous DATA")
    current = score_files(args.ruleset, args.data, args.units)
    previous = (score_previous_files(args.ruleset, args.previous_ruleset, args.previous, args.units)
                if args.previous else None)
    return current, previous


# ---------------------------------------------------------------- report
def _report_arguments(p: argparse.ArgumentParser) -> None:
    _common(p, previous_required=False)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the report files to")
    p.add_argument("--formats", default="html,md", help=_FORMATS_HELP)
    p.add_argument("--title", type=_label, help="the report's title (default: 'Kết quả đánh giá, xếp hạng năm YEAR')")
    p.add_argument("--history", nargs="+", metavar="DATA",
                   help="earlier (and later) years' data, files or folders holding several years: each unit's level "
                        "and rank over the years, units per level per year, the units that rose or fell over several "
                        "years; each year is scored with the ruleset that declares it")
    p.add_argument("--note", type=_label, help="a label shown on every output, e.g. 'Dữ liệu giả lập'; by default the data "
                                  "files' own label is used when they say they are synthetic")
    p.add_argument("--sensitivity", type=int, metavar="RUNS",
                   help="add a section on how robust levels and ranks are: RUNS perturbations of what the options "
                        "below say (by default the criteria maxima, ±20%%; see 'cqdt sensitivity')")
    p.add_argument("--seed", type=int, help="random seed of --sensitivity (the same seed gives the same figures)")
    add_vary_arguments(p)


def _robustness(args: argparse.Namespace, current: Results) -> tuple[Any, ...]:
    """The optional robustness section (``--sensitivity RUNS``) of the year and stages the report shows."""
    if not args.sensitivity:
        return ()
    from cqdt_rules.analysis import data_uncertainty
    from cqdt_rules.analysis.compare import select
    from cqdt_rules.engine.loading import load
    from cqdt_rules.reports.sensitivity_section import sensitivity_section

    if args.sensitivity < 1 or args.sensitivity > 1_000_000:
        raise UsageError("--sensitivity must be between 1 and 1,000,000 runs")
    shown = select(current, None, args.source, args.year).current
    result = data_uncertainty.run(load(args.ruleset), [u.assessment for u in shown], runs=args.sensitivity,
                                  seed=args.seed, vary=vary_from(args))  # type: ignore[arg-type]
    return (sensitivity_section(result, args.lang),)


def _check_vary_options(args: argparse.Namespace) -> None:
    """What moves in a perturbation is said only with ``--sensitivity``; checked before any data are read."""
    given = [name for name, default in VARY_DEFAULTS.items() if getattr(args, name) != default]
    if given and not args.sensitivity:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        raise UsageError(f"{options}: only with --sensitivity RUNS")
    if args.sensitivity:
        vary_from(args)


def _label(text: str) -> str:
    found = control_character(text)
    if found:
        raise argparse.ArgumentTypeError(f"holds a control character ({found}); write plain text")
    return text


def run_report(args: argparse.Namespace) -> int:
    from cqdt_rules.reports import EXPLAINING, check_formats, write_report
    from cqdt_rules.reports.document import build_report, data_label, results_label

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out names the file '{args.out}'; give a folder to write the report files to")
    formats = list(dict.fromkeys(f.strip().lower() for f in args.formats.split(",") if f.strip()))  # each once
    check_formats(formats)  # an unknown format or a missing extra stops the command before any work
    _check_vary_options(args)
    current, previous = _score(args)
    note = args.note if args.note is not None else (data_label(list(args.data) + list(args.previous or []))
                                                    or results_label(current, previous))
    report = build_report(current, previous, source=args.source, lang=args.lang, note=note, title=args.title,
                          year=args.year, history=_history(args), extra=_robustness(args, current),
                          explain=any(f in EXPLAINING for f in formats))
    written = write_report(report, args.out, formats)
    for path in written:
        if path.suffix != ".svg":
            print(path)
    charts = sum(1 for p in written if p.suffix == ".svg")
    done = translate("wrote {files} report file(s) and {charts} chart(s) for {year} to {out}/", args.lang)
    if report.previous_year:
        done = translate("wrote {files} report file(s) and {charts} chart(s) for {year} against {previous} to {out}/",
                         args.lang)
    print(done.format(files=len(written) - charts, charts=charts, year=report.year, previous=report.previous_year,
                      out=args.out), file=sys.stderr)
    return EXIT_OK


def _history(args: argparse.Namespace) -> Any:
    """The years of --history (with this year's and last year's data), each scored by its own ruleset."""
    if not args.history:
        return None
    from pathlib import Path

    from cqdt_rules.analysis.history import history, score_years
    from cqdt_rules.data.readers import load_many

    given = list(dict.fromkeys([*args.data, *(args.previous or []), *args.history]))
    missing = [p for p in given if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    rulesets = [r for r in (args.ruleset, args.previous_ruleset) if r and Path(r).exists()]
    return history(score_years(load_many([Path(p) for p in given]), rulesets), args.lang)


# ---------------------------------------------------------------- compare
def _compare_arguments(p: argparse.ArgumentParser) -> None:
    _common(p, previous_required=True)
    p.add_argument("--tier", help="only this tier (so, huyen, xa)")
    p.add_argument("--unit", help="only this unit: every criterion that changed, with its title")
    p.add_argument("--criteria", type=int, default=3, metavar="N",
                   help="criteria named per unit, those in the direction it moved (default 3)")
    p.add_argument("--sort", choices=("movement", "rank", "code"), default="movement",
                   help="order of units: largest rise first (default), this year's rank, or code")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="a table to read, or CSV for a spreadsheet or another program")


def run_compare(args: argparse.Namespace) -> int:
    from cqdt_rules.analysis.compare import compare, select
    from cqdt_rules.analysis.summary import source_text
    from cqdt_rules.formatting import format_number
    from cqdt_rules.reports.document import moved_by
    from cqdt_rules.tables import render_table

    current, previous = _score(args)
    chosen = select(current, previous, args.source, args.year)
    current, previous, year, previous_year = chosen.current, chosen.previous, chosen.year, chosen.previous_year
    assert previous is not None and previous_year is not None  # --previous is required
    comparisons = compare(current, previous)
    same_ruleset = previous.ruleset.id == current.ruleset.id
    if args.tier:
        known = [c.tier for c in comparisons]
        comparisons = [c for c in comparisons if c.tier == args.tier]
        if not comparisons:
            raise UsageError(f"no tier '{args.tier}' in the results (tiers: {', '.join(known)})")
    lang = args.lang
    text = _LABELS[lang]

    def num(value: Decimal | int | None, digits: int | None = None, signed: bool = False) -> str:
        if value is None:
            return ""
        if args.format == "csv":
            return str(value)
        shown = format_number(value, lang, digits)
        return ("+" + shown) if signed and value > 0 else shown

    if args.unit:
        if args.format == "csv":
            return _compare_unit_csv(args.unit, comparisons, year, previous_year,
                                     None if same_ruleset else previous.ruleset.id, lang)
        return _compare_unit(args.unit, comparisons, year, previous_year, None if same_ruleset else previous.ruleset.id,
                             num, text, lang)

    rows_csv: list[list[str]] = []
    blocks: list[str] = []
    for comparison in comparisons:
        tier = current.ruleset.tier(comparison.tier)
        digits = tier.total_rounding.digits if tier.total_rounding else None
        compared = comparison.compared_ranking or (tier.rankings[0] if tier.rankings else None)
        ranking = compared.label if compared else ""
        stage = source_text(chosen.sources.get(comparison.tier, args.source), lang)
        lines = [f"{comparison.title} — {year} {text['against']} {previous_year}, {stage}; "
                 f"{text['ranking']}: {ranking}"]
        if comparison.counts and any(c.previous is not None for c in comparison.counts):
            count_rows = [[c.label, num(c.previous), num(c.count), num(c.change, signed=True) or "0"] for c in comparison.counts]
            lines.append(render_table([text["level"], str(previous_year), str(year), text["change"]], count_rows,
                                      right={1, 2, 3}))
            lines.append("")
        span = f" {previous_year} → {year}"
        header = [text["code"], text["unit"], text["level"] + span, text["rank"] + span, text["rank_change"],
                  text["total_change"], text["criteria"]]
        rows = []
        for change in _ordered(comparison.units, args.sort):
            now, then = change.current, change.previous
            level = (f"{then.level.label if then and then.level else '—'} → {now.level.label if now and now.level else '—'}")
            then_rank, now_rank = change.ranks or (_rank(then, compared), _rank(now, compared))
            rank = f"{then_rank or '—'} → {now_rank or '—'}"
            moved = moved_by(change, args.criteria) if same_ruleset else []
            criteria = "; ".join(f"{node_id} {num(delta, digits, signed=True)}" for node_id, delta in moved)
            if change.status != "both":
                criteria = text["status"][change.status].format(year=previous_year)
            rank_change = change.rank_change
            rows.append([change.code, change.name, level, rank,
                         num(rank_change, signed=True) if rank_change is not None else "",
                         num(change.total_change, digits, signed=True) if same_ruleset else "", criteria])
            rows_csv.append([comparison.tier, change.code, change.name, change.status,
                             then.level.label if then and then.level else "", now.level.label if now and now.level else "",
                             str(then_rank or ""), str(now_rank or ""),
                             "" if rank_change is None else str(rank_change),
                             "" if change.level_change is None or not same_ruleset else str(change.level_change),
                             "" if then is None else str(then.total), "" if now is None else str(now.total),
                             "" if change.total_change is None or not same_ruleset else str(change.total_change),
                             "; ".join(f"{node_id} {delta}" for node_id, delta in moved)])
        lines.append(render_table(header, rows, right={4, 5}))
        blocks.append("\n".join(lines))
    if args.format == "csv":
        sys.stdout.write(csv_text(["tier", "code", "name", "status", f"level_{previous_year}", f"level_{year}",
                                   f"rank_{previous_year}", f"rank_{year}", "rank_change", "level_change",
                                   f"total_{previous_year}", f"total_{year}", "total_change", "criteria_moved"], rows_csv))
    else:
        if not same_ruleset:
            print(text["other_ruleset"].format(year=previous_year, ruleset=previous.ruleset.id))
        sys.stdout.write("\n\n".join(blocks) + "\n")
    return EXIT_OK


def _rank(unit: UnitResult | None, ranking: Any) -> int | None:
    """A unit's rank on the compared ranking (by name), else on its first one; None without ranks."""
    if unit is None or not unit.ranks:
        return None
    return unit.rank(ranking.name) if ranking is not None and ranking.name in unit.ranks else unit.rank()


def _ordered(units: Sequence[UnitChange], how: str) -> list[UnitChange]:
    if how == "code":
        return sorted(units, key=lambda u: u.code)
    if how == "rank":
        return sorted(units, key=lambda u: (u.current is None, u.current.rank() if u.current and u.current.ranks else 0,
                                            u.code))
    return sorted(units, key=lambda u: (u.rank_change is None, -(u.rank_change or 0), -(u.total_change or 0), u.code))


def _unit_change(code: str, comparisons: list[TierComparison]) -> tuple[TierComparison, UnitChange]:
    """The tier and the change of the unit ``code``, of either year."""
    for comparison in comparisons:
        for change in comparison.units:
            if change.code == code:
                return comparison, change
    raise UsageError(f"no unit '{code}' in either year's results")


def _compare_unit_csv(code: str, comparisons: list[TierComparison], year: int, previous_year: int,
                      other_ruleset: str | None, lang: str) -> int:
    """--unit as CSV: one row per criterion whose points changed, plain decimals; refused where the criteria of the
    two years cannot be compared."""
    comparison, change = _unit_change(code, comparisons)
    if other_ruleset is not None:
        raise UsageError(f"{previous_year} was scored with another ruleset ({other_ruleset}): no criterion of "
                         f"unit '{code}' can be compared; drop --format csv to see its ranks")
    now, then = change.current, change.previous
    if now is None or then is None:
        raise UsageError(f"unit '{code}' has results for {year if then is None else previous_year} only: no "
                         f"criterion can be compared; drop --format csv to see them")
    from cqdt_rules.analysis.nodes import node_title

    rows = [[comparison.tier, change.code, change.name, node_id, node_title(now.tier.node(node_id), lang),
             str(then.nodes[node_id].points), str(now.nodes[node_id].points), str(delta)]
            for node_id, delta in change.node_changes()]
    sys.stdout.write(csv_text(["tier", "code", "name", "criterion", "title", f"points_{previous_year}",
                               f"points_{year}", "points_change"], rows))
    return EXIT_OK


def _compare_unit(code: str, comparisons: list[TierComparison], year: int, previous_year: int, other_ruleset: str | None,
                  num: Callable[..., str], text: dict[str, Any], lang: str) -> int:
    from cqdt_rules.analysis.nodes import node_title
    from cqdt_rules.tables import render_table

    comparison, change = _unit_change(code, comparisons)
    now, then = change.current, change.previous
    either = now or then
    assert either is not None
    tier = either.tier
    digits = tier.total_rounding.digits if tier.total_rounding else None
    print(f"{change.code} {change.name} ({comparison.title}) — {year} {text['against']} {previous_year}")
    for label, unit in ((str(previous_year), then), (str(year), now)):
        if unit is None:
            print(f"  {label}: —")
            continue
        print(f"  {label}: {text['total']} {num(unit.total, digits)}; {unit.level.label if unit.level else ''}; "
              f"{text['rank'].lower()} {unit.rank() if unit.ranks else '—'}")
    if other_ruleset is not None:
        if change.rank_change is not None:
            print(f"  {text['rank_change']}: {num(change.rank_change, signed=True)}")
        print("  " + text["other_ruleset"].format(year=previous_year, ruleset=other_ruleset))
        return EXIT_OK
    if change.rank_change is not None:
        print(f"  {text['rank_change']}: {num(change.rank_change, signed=True)}; "
              f"{text['total_change']}: {num(change.total_change, digits, signed=True)}")
    rows = []
    for node_id, delta in change.node_changes():  # both years present: node_changes is empty otherwise
        assert now is not None and then is not None
        rows.append([node_id, node_title(tier.node(node_id), lang), num(then.nodes[node_id].points, digits), num(now.nodes[node_id].points, digits),
                     num(delta, digits, signed=True)])
    if rows:
        print(render_table([text["criterion"], text["title"], str(previous_year), str(year), text["total_change"]],
                           rows, right={2, 3, 4}))
    else:
        print("  " + text["no_change"])
    return EXIT_OK


_LABELS: dict[str, dict[str, Any]] = {
    "vi": {"against": "so với", "ranking": "xếp hạng", "level": "Mức độ", "change": "Thay đổi", "code": "Mã",
           "unit": "Đơn vị", "rank": "Hạng", "rank_change": "± hạng", "total_change": "± điểm",
           "criteria": "Tiêu chí thay đổi nhiều nhất", "criterion": "Tiêu chí", "title": "Tên tiêu chí",
           "total": "tổng điểm", "no_change": "không tiêu chí nào thay đổi điểm.",
           "status": {"current only": "chỉ có năm nay", "previous only": "chỉ có năm {year}"},
           "other_ruleset": "Năm {year} chấm theo bộ tiêu chí khác ({ruleset}): chỉ so sánh thứ hạng."},
    "en": {"against": "against", "ranking": "ranking", "level": "Level", "change": "Change", "code": "Code",
           "unit": "Unit", "rank": "Rank", "rank_change": "± rank", "total_change": "± points",
           "criteria": "Criteria that moved most", "criterion": "Criterion", "title": "Title",
           "total": "total", "no_change": "no criterion changed points.",
           "status": {"current only": "this year only", "previous only": "only in {year}"},
           "other_ruleset": "{year} was scored with another ruleset ({ruleset}): ranks only."},
}


COMMANDS: list[CommandSpec] = [
    CommandSpec("report", "Write the yearly report: a self-contained HTML page and Markdown (section IV text per tier, "
                "rankings with communes by district, charts, each unit's points explained), optionally XLSX rankings "
                "and a DOCX draft.", _report_arguments, run_report),
    CommandSpec("compare", "Year over year: counts per level against last year, each unit's level and rank change "
                "and the criteria that moved it.", _compare_arguments, run_compare),
]
