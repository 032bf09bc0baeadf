"""The results of a run as plain-text tables, per tier and cohort, ranked, in the reader's format."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.formatting import format_number
from cqdt_rules.tables import render_table

_LABELS = {
    "vi": {"rank": "Hạng", "code": "Mã", "name": "Đơn vị", "total": "Tổng điểm", "level": "Mức", "tier": "Khối",
           "district": "Huyện"},
    "en": {"rank": "Rank", "code": "Code", "name": "Unit", "total": "Total", "level": "Level", "tier": "Tier",
           "district": "District"},
}


def results_table(results: Results, lang: str = "vi") -> str:
    labels = _LABELS[lang]
    blocks = []
    for tier in results.ruleset.tiers:
        units = results.tier_units(tier.id)
        if not units:
            continue
        cohorts = sorted({(u.assessment.year, u.assessment.source) for u in units})
        for year, source in cohorts:
            members = [u for u in units if (u.assessment.year, u.assessment.source) == (year, source)]
            blocks.append(f"{labels['tier']} {tier.id}: {tier.title} — {year} ({source}), {len(members)}")
            blocks.append(_tier_table(tier.id, members, lang) + "\n")
    return "\n".join(blocks)


def _tier_table(tier_id: str, units: list[UnitResult], lang: str) -> str:
    labels = _LABELS[lang]
    first = units[0]
    rankings = list(first.tier.rankings)
    # an index tier (``headline OUTPUT``) shows that output first and no total, which would mean nothing there
    headline = first.tier.headline
    outputs = sorted(first.tier.outputs, key=lambda o: o.name != headline)
    totals = [] if headline else [labels["total"]]
    digits = (first.tier.total_rounding.digits if first.tier.total_rounding else None)
    primary = rankings[0].name if rankings else None
    ordered = sorted(units, key=lambda u: (u.ranks[primary].rank if primary else 0, u.code))
    header = [labels["rank"], labels["code"], labels["name"]]
    header += [r.label for r in rankings[1:]]
    header += totals + [o.label for o in outputs] + [s.label for s in first.tier.levels]
    rows = []
    for u in ordered:
        row = [str(u.ranks[primary].rank) if primary else "", u.code, u.name]
        row += [f"{u.ranks[r.name].rank}/{u.ranks[r.name].of} ({u.ranks[r.name].group})" for r in rankings[1:]]
        row += [format_number(u.total, lang, digits)] if totals else []
        row += [_output_text(u.outputs[o.name], lang) for o in outputs]
        row += [u.levels[s.name].label for s in first.tier.levels]
        rows.append(row)
    total_column = 3 + len(rankings) - 1
    return render_table(header, rows, right={0, *range(total_column, total_column + len(totals) + len(outputs))})


def _output_text(value: Decimal | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)
