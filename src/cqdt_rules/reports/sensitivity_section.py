"""The report's optional section on how robust levels and ranks are (``cqdt report --sensitivity RUNS``):
per tier the units whose level is least stable, a rank-interval plot (communes: one per district), and the
sensitivity indices as a chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from cqdt_rules.analysis.sensitivity import (
    HEADER,
    Index,
    Sensitivity,
    TierSensitivity,
    UnitStability,
    ValueSpread,
    float_text,
    group_name,
    share_text,
    shift_text,
    tier_heading,
)
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate
from cqdt_rules.reports.charts import CURRENT, FALL, GRID, INK, PREVIOUS, _shorten, _svg, _text
from cqdt_rules.reports.sections import Block, Figure, Section, TextTable

METHOD = ("In each perturbation {changes}; then every unit is re-scored exactly ({runs} runs{seed}). Method after the "
          "JRC/OECD Handbook on Constructing Composite Indicators and COINr.")
MAXIMA = "every criterion's maximum (and every point value inside it) is multiplied by a random factor{spread}"
CUTOFFS = "every level cut-off moves within ±{cutoffs} points"
VALUES = "indicator values move within their measurement error: {errors}"
PLOT = "5–95% rank interval ({scope})"
INDICES = "Sensitivity indices: first-order (S) and total-effect (ST)"
FRAGILE = 0.9


def sensitivity_section(result: Sensitivity, lang: str, top: int = 10) -> Section:
    blocks = [Block(None, (_method(result, lang),))]
    for tier in result.tiers:
        blocks.append(_tier_block(tier, lang, top))
    return Section("do-vung", translate("How robust levels and ranks are", lang), tuple(blocks))


def _method(result: Sensitivity, lang: str) -> str:
    """What moved in each run, in the words of the section: the maxima, the cut-offs, the values (as varied)."""
    vary = result.vary
    changes = []
    if vary.spread or vary.groups:
        spread = translate(" within ±{spread}", lang).format(spread=share_text(float(vary.spread), lang)) \
            if vary.spread else ""
        changes.append(translate(MAXIMA, lang).format(spread=spread))
    if vary.cutoff_points:
        changes.append(translate(CUTOFFS, lang).format(cutoffs=format_number(vary.cutoff_points, lang)))
    if vary.values:
        errors = ", ".join(_error_text(error, lang) for error in vary.values)
        changes.append(translate(VALUES, lang).format(errors=errors))
    seed = translate(", seed {seed}", lang).format(seed=result.seed) if result.seed is not None else ""
    return translate(METHOD, lang).format(changes="; ".join(changes), runs=format_number(result.runs, lang), seed=seed)


def _error_text(error: ValueSpread, lang: str) -> str:
    amount = share_text(float(error.amount), lang) if error.relative else format_number(error.amount, lang)
    if error.target is None:
        return translate("±{amount} for every numeric indicator", lang).format(amount=amount)
    return translate("±{amount} for {target}", lang).format(amount=amount, target=error.target)


def _tier_block(tier: TierSensitivity, lang: str, top: int) -> Block:
    header = tuple(translate(h, lang) for h in HEADER)
    rows = tuple((u.code, u.name, u.parent or "", u.level, share_text(u.keeps_level, lang),
                  "; ".join(f"{label} {share_text(share, lang)}" for label, share in u.levels),
                  str(u.rank), float_text(u.median_rank, lang, 1 if u.median_rank % 1 else 0),
                  f"{u.rank_low}–{u.rank_high}") for u in tier.most_at_risk(top))
    paragraph = shift_text(tier, lang)
    figures = []
    by_district = any(u.parent for u in tier.units) and len({u.parent for u in tier.units}) > 1
    if by_district:
        groups: dict[str, list[UnitStability]] = defaultdict(list)
        for unit in tier.units:
            groups[unit.parent or ""].append(unit)
        for code in sorted(groups):
            scope = translate("district {code}", lang).format(code=code)
            figures.append(_figure(f"sensitivity-{tier.tier}-{code}", translate(PLOT, lang).format(scope=scope),
                                   groups[code], lang))
    else:
        figures.append(_figure(f"sensitivity-{tier.tier}", translate(PLOT, lang).format(scope=tier.title),
                               list(tier.units), lang))
    if tier.indices:
        indices = translate(INDICES, lang)
        figures.append(Figure(f"indices-{tier.tier}", indices, indices_chart(indices, tier.indices, lang)))
    title = tier_heading(tier, lang)
    legend = translate("dot: median; tick: published rank; red: keeps its level in under 90% of runs", lang)
    return Block(title, (paragraph, legend), (TextTable("", header, rows, frozenset({4, 6, 7, 8})),),
                 figures=tuple(figures))


def _figure(name: str, title: str, units: Sequence[UnitStability], lang: str) -> Figure:
    return Figure(name, title, rank_interval_chart(title, units, lang))


def rank_interval_chart(title: str, units: Sequence[UnitStability], lang: str) -> str:
    """One row per unit in published rank order: its 5–95 % rank interval, median (dot) and published rank
    (tick); red when the unit keeps its level in under 90 % of the runs."""
    ordered = sorted(units, key=lambda u: (u.rank, u.code))
    worst = max([u.rank_high for u in ordered] + [u.rank for u in ordered] + [1])
    label_width, plot_width, row = 230, 360, 16
    top = 40
    height = top + row * len(ordered) + 30
    x0 = label_width

    def x(rank: float) -> float:
        return x0 + (rank - 1) / max(1, worst - 1) * plot_width if worst > 1 else x0 + plot_width / 2

    body = [_text(8, 20, _shorten(title, 80), size=14, weight="bold")]
    for r in range(1, worst + 1, max(1, worst // 10)):
        body.append(f'<line x1="{x(r):.1f}" y1="{top - 6}" x2="{x(r):.1f}" y2="{height - 26}" stroke="{GRID}"/>')
        body.append(_text(x(r), height - 12, format_number(r, lang), size=10, anchor="middle"))
    for i, unit in enumerate(ordered):
        y = top + row * i + row / 2
        colour = FALL if unit.keeps_level < FRAGILE else CURRENT
        body.append(_text(x0 - 8, y + 4, _shorten(f"{unit.code} {unit.name}", 34), size=11, anchor="end"))
        body.append(f'<line x1="{x(unit.rank_low):.1f}" y1="{y:.1f}" x2="{x(unit.rank_high):.1f}" y2="{y:.1f}" '
                    f'stroke="{colour}" stroke-width="3" stroke-linecap="round"/>')
        body.append(f'<line x1="{x(unit.rank):.1f}" y1="{y - 6:.1f}" x2="{x(unit.rank):.1f}" y2="{y + 6:.1f}" '
                    f'stroke="{INK}" stroke-width="1.5"/>')
        body.append(f'<circle cx="{x(unit.median_rank):.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    return _svg(label_width + plot_width + 30, height, title, body, "rank-interval")


def indices_chart(title: str, indices: Sequence[Index], lang: str) -> str:
    """Bars of the first-order (S) and total-effect (ST) indices per output and group, with 95 % intervals."""
    rows = [(f"{translate(i.output, lang)}: {group_name(i.group, lang)}", i)
            for i in indices]
    label_width, plot_width, row = 230, 300, 30
    top = 44
    height = top + row * len(rows) + 30

    def x(value: float) -> float:
        return label_width + max(0.0, min(1.0, value)) * plot_width

    body = [_text(8, 20, _shorten(title, 80), size=14, weight="bold"),
            _text(label_width, 36, "S", size=11, fill=CURRENT), _text(label_width + 20, 36, "ST", size=11, fill=PREVIOUS)]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" y2="{height - 26}" stroke="{GRID}"/>')
        body.append(_text(x(tick), height - 12, float_text(tick, lang), size=10, anchor="middle"))
    for n, (label, index) in enumerate(rows):
        y = top + row * n
        body.append(_text(label_width - 8, y + 16, _shorten(label, 34), size=11, anchor="end"))
        for offset, value, interval, colour in ((2, index.first, index.first_interval, CURRENT),
                                                (14, index.total, index.total_interval, PREVIOUS)):
            body.append(f'<rect x="{x(0):.1f}" y="{y + offset:.1f}" width="{x(value) - x(0):.1f}" height="10" '
                        f'fill="{colour}"/>')
            body.append(f'<line x1="{x(interval[0]):.1f}" y1="{y + offset + 5:.1f}" x2="{x(interval[1]):.1f}" '
                        f'y2="{y + offset + 5:.1f}" stroke="{INK}"/>')
    return _svg(label_width + plot_width + 30, height, title, body, "indices")
