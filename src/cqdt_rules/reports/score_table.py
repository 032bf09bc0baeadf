"""The results of a run as plain-text tables, per tier and cohort, ranked, in the reader's format."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.formatting import format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.tables import render_table

_LABELS = {
    "vi": {"rank": "Hạng", "rank_in_district": "Hạng trong huyện", "code": "Mã", "name": "Đơn vị",
           "total": "Tổng điểm", "district": "Huyện", "units": "đơn vị", "year": "năm",
           "self": "tự đánh giá", "audit": "thẩm định"},
    "en": {"rank": "Rank", "rank_in_district": "Rank in district", "code": "Code", "name": "Unit",
           "total": "Total", "district": "District", "units": "units", "year": "",
           "self": "self-assessed", "audit": "audited"},
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
            title = tier.title_en if lang == "en" and tier.title_en else tier.title
            year_text = f"{labels['year']} {year}".strip()
            blocks.append(f"{title} — {year_text}, {labels.get(source, source)}, "
                          f"{format_number(len(members), lang)} {labels['units']}")
            blocks.append(_tier_table(members, lang) + "\n")
    return "\n".join(blocks)


def ranking_label(ranking: m.Ranking, lang: str) -> str:
    """The ruleset's label of a ranking (written in Vietnamese), or its meaning in English."""
    if lang == "vi":
        return ranking.label
    return _LABELS["en"]["rank_in_district"] if ranking.within == "district" else _LABELS["en"]["rank"]


def _tier_table(units: list[UnitResult], lang: str) -> str:
    labels = _LABELS[lang]
    first = units[0]
    rankings = list(first.tier.rankings)
    # an index tier (``headline OUTPUT``) shows that output first and no total, which would mean nothing there
    headline = first.tier.headline
    outputs = sorted(first.tier.outputs, key=lambda o: o.name != headline)
    totals = [] if headline else [labels["total"]]
    digits = (first.tier.total_rounding.digits if first.tier.total_rounding else None)
    primary = rankings[0] if rankings else None
    # communes ranked within their district: the table goes district by district, with the district's code,
    # so that seventeen first places read as the first of each district
    by_district = primary is not None and primary.within == "district"
    ordered = sorted(units, key=lambda u: ((u.ranks[primary.name].group, u.ranks[primary.name].rank) if primary
                                           else ("", 0), u.code))
    header = [labels["rank_in_district"] if by_district else labels["rank"]]
    header += [labels["district"]] if by_district else []
    header += [labels["code"], labels["name"]]
    header += [ranking_label(r, lang) for r in rankings[1:]]
    header += totals + [o.label for o in outputs] + [s.label for s in first.tier.levels]
    rows = []
    for u in ordered:
        row = [str(u.ranks[primary.name].rank) if primary else ""]
        row += [u.parent or "—"] if by_district else []
        row += [u.code, u.name]
        row += [f"{u.ranks[r.name].rank}/{u.ranks[r.name].of} ({u.ranks[r.name].group})" for r in rankings[1:]]
        row += [format_number(u.total, lang, digits)] if totals else []
        row += [_output_text(u.outputs[o.name], lang) for o in outputs]
        row += [u.levels[s.name].label for s in first.tier.levels]
        rows.append(row)
    total_column = len(header) - len(totals) - len(outputs) - len(first.tier.levels)
    return render_table(header, rows, right={0, *range(total_column, total_column + len(totals) + len(outputs))})


def _output_text(value: Decimal | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)
