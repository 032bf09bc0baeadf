"""The main job's text: per tier, what section IV of the province's report states, from the results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from cqdt_rules.analysis.compare import LevelCount, TierComparison, UnitChange, compared_rankings
from cqdt_rules.analysis.nodes import tier_title
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.i18n import translate
from cqdt_rules.formatting import format_count, format_number, format_percent
from cqdt_rules.tables import render_table

_HEADER = {"vi": ["Hạng", "Mã", "Đơn vị", "Tổng điểm", "Mức độ"], "en": ["Rank", "Code", "Unit", "Total", "Level"]}
_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "assessed": "{n} đơn vị được đánh giá",
        "level": "{count} đơn vị đạt {label}",
        "level_none": "không có đơn vị đạt {label}",
        "below": "{count} đơn vị dưới {lowest}",
        "below_none": "không có đơn vị dưới {lowest}",
        "share": "chiếm tỷ lệ {share}",
        "up": "tăng {n} đơn vị so với năm {year}",
        "down": "giảm {n} đơn vị so với năm {year}",
        "same": "không đổi so với năm {year}",
        "top": "Điểm cao nhất: {units}. Điểm thấp nhất: {bottom}.",
        "points": "{score} điểm",
        "risers": "Tăng bậc xếp hạng nhiều nhất so với năm {year}: {units}.",
        "fallers": "Giảm bậc xếp hạng nhiều nhất so với năm {year}: {units}.",
        "rank_move": "hạng {old} → {new}",
        "ranking": "Xếp hạng",
        "previous_rank": "Hạng {year}",
        "only_now": "Chỉ có kết quả năm nay: {units}.",
        "only_then": "Không có kết quả năm nay (chỉ có năm {year}): {units}.",
        "source": "Nguồn số liệu: ",
        "sources": "Nguồn số liệu theo khối: ",
        "state": "II. Thực trạng qua công tác đánh giá",
        "no_value": "không có số liệu",
        "unassessed": "{tier}: không có đơn vị nào được đánh giá năm {year}",
        "unassessed_before": " (năm {previous}: {n})",
        "lacks": "chưa gồm khối {tiers}: không có đơn vị nào được đánh giá",
    },
    "en": {
        "assessed": "{n} {units} assessed",
        "level": "{count} {units} at {label}",
        "level_none": "no unit at {label}",
        "below": "{count} {units} below {lowest}",
        "below_none": "no unit below {lowest}",
        "share": "{share}",
        "up": "{n} more than in {year}",
        "down": "{n} fewer than in {year}",
        "same": "as many as in {year}",
        "top": "Highest score: {units}. Lowest score: {bottom}.",
        "points": "{score} points",
        "risers": "Rose most in rank since {year}: {units}.",
        "fallers": "Fell most in rank since {year}: {units}.",
        "rank_move": "rank {old} → {new}",
        "ranking": "Ranking",
        "previous_rank": "Rank {year}",
        "only_now": "Results this year only: {units}.",
        "only_then": "No result this year (only in {year}): {units}.",
        "source": "Source: ",
        "sources": "Source per tier: ",
        "state": "II. The state of affairs seen in the assessment",
        "no_value": "no data",
        "unassessed": "{tier}: no unit assessed in {year}",
        "unassessed_before": " ({previous}: {n})",
        "lacks": "{tiers} not included: no unit assessed",
    },
}


_SOURCES = {
    "vi": {"audit": "kết quả thẩm định của Đoàn kiểm tra", "self": "kết quả tự đánh giá của đơn vị",
           "district": "kết quả thẩm tra của cấp huyện",
           "latest": "giai đoạn mới nhất mà mọi đơn vị của khối đều có (xem mục I)"},
    "en": {"audit": "values verified by the audit team", "self": "self-assessed values",
           "district": "values verified by the district",
           "latest": "per tier, the latest stage every unit of it has (see section I)"},
}
"""The stages of the assessment (``--source``) as the report names them; ``latest`` is a report's choice, which its
section I details per tier."""


def source_text(source: str, lang: str) -> str:
    """A stage of the assessment in words, its ``--source`` id after it: "kết quả thẩm định của Đoàn kiểm tra
    (audit)"."""
    return f"{stage_text(source, lang)} ({source})"


def stage_text(source: str, lang: str) -> str:
    """A stage of the assessment in words, without its id (a report's section I, which lists them per tier)."""
    return _SOURCES[lang][source]


def tier_paragraph(comparison: TierComparison, lang: str, previous_year: int | None) -> str:
    """Counts and shares per level with the change against the previous year, as the report writes them:
    "16 đơn vị đạt Mức I (chiếm tỷ lệ 80,00%; tăng 04 đơn vị so với năm 2021); không có đơn vị đạt Mức IV".
    Units below the lowest level are counted against it, with the scale's label for them."""
    parts = [_level_clause(row, comparison, lang, previous_year) for row in comparison.counts]
    levels = _capitalised("; ".join(parts))
    return f"{comparison.title}: {_TEXT[lang]['assessed'].format(n=comparison.assessed, units=_units(comparison.assessed))}. {levels}."


def _level_clause(row: LevelCount, comparison: TierComparison, lang: str, previous_year: int | None) -> str:
    t = _TEXT[lang]
    lowest = next((r.label for r in reversed(comparison.counts) if r.level_id is not None), row.label)
    key = ("below" if row.level_id is None else "level") + ("_none" if row.count == 0 else "")
    clause = t[key].format(count=format_count(row.count, lang), units=_units(row.count), label=row.label, lowest=lowest)
    details = []
    if row.level_id is None:
        details.append(row.label)
    if row.count:
        details.append(t["share"].format(share=format_percent(row.count, comparison.assessed, lang)))
    if row.change is not None and previous_year is not None:
        key = "up" if row.change > 0 else "down" if row.change < 0 else "same"
        details.append(t[key].format(n=format_count(abs(row.change), lang), year=previous_year))
    return f"{clause} ({'; '.join(details)})" if details else clause


def unassessed_sentences(current: Results, previous: Results | None, year: int, previous_year: int | None,
                         lang: str) -> dict[str, str]:
    """Tier id → a sentence for each tier the ruleset declares that has no unit this year, with last year's
    count when last year's ruleset declares the tier, so a tier missing from the data is said to be missing
    rather than left out."""
    t = _TEXT[lang]
    before = {tier.id for tier in previous.ruleset.tiers} if previous is not None and previous_year else set()
    found = {}
    for tier in current.ruleset.tiers:
        if current.tier_units(tier.id):
            continue
        sentence = t["unassessed"].format(tier=tier_title(tier, lang), year=year)
        if previous is not None and tier.id in before:
            sentence += t["unassessed_before"].format(previous=previous_year,
                                                      n=format_number(len(previous.tier_units(tier.id)), lang))
        found[tier.id] = _capitalised(sentence) + "."
    return found


def _units(count: int) -> str:
    """The English noun's number; the Vietnamese texts have no {units} slot."""
    return "unit" if count == 1 else "units"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _score(unit: UnitResult, lang: str) -> str:
    """The unit's headline figure: its total, or an index tier's headline output."""
    _, value, digits = unit.headline
    return format_number(value, lang, digits)


def _name_score(unit: UnitResult, lang: str) -> str:
    label = unit.headline[0]
    if label is not None:
        return f"{unit.name} ({label} {_score(unit, lang)})"
    return f"{unit.name} ({_TEXT[lang]['points'].format(score=_score(unit, lang))})"


def _headline_key(unit: UnitResult) -> tuple[int, Decimal, str]:
    """Highest headline figure first; a unit without one (not assessed) last."""
    value = unit.headline[1]
    return (1, Decimal(0), unit.code) if value is None else (0, -value, unit.code)


def top_and_bottom(units: Sequence[UnitResult], lang: str, count: int = 3) -> str:
    ordered = sorted(units, key=_headline_key)
    top = ", ".join(_name_score(u, lang) for u in ordered[:count])
    bottom = ", ".join(_name_score(u, lang) for u in reversed(ordered[-count:]))
    return _TEXT[lang]["top"].format(units=top, bottom=bottom)


def movers_sentences(comparison: TierComparison, lang: str, previous_year: int, count: int = 5,
                     districts: Mapping[str, str] | None = None) -> list[str]:
    """Who rose and fell most in rank; for a ranking within the district, each unit's district is named."""
    t = _TEXT[lang]
    risers, fallers = comparison.movers(count)

    def describe(change: UnitChange) -> str:
        assert change.current is not None and change.previous is not None and change.ranks is not None
        move = t["rank_move"].format(old=change.ranks[0], new=change.ranks[1])
        pair = compared_rankings(change.current.tier, change.previous.tier)
        parent = change.current.parent
        if pair is not None and pair[0].within == "district" and parent:
            move = f"{(districts or {}).get(parent, parent)}, {move}"
        return f"{change.name} ({move})"

    lines = []
    if risers:
        lines.append(t["risers"].format(year=previous_year, units=", ".join(describe(u) for u in risers)))
    if fallers:
        lines.append(t["fallers"].format(year=previous_year, units=", ".join(describe(u) for u in fallers)))
    only_now = [u.name for u in comparison.units if u.status == "current only"]
    only_then = [u.name for u in comparison.units if u.status == "previous only"]
    if only_now:
        lines.append(t["only_now"].format(units=", ".join(only_now)))
    if only_then:
        lines.append(t["only_then"].format(year=previous_year, units=", ".join(only_then)))
    return lines


def district_names(*results: Results | None) -> dict[str, str]:
    """District code → name: the units other units name as their parent (the first results' names first)."""
    found = [r for r in results if r is not None]
    parents = {u.parent for r in found for u in r.units if u.parent}
    names: dict[str, str] = {}
    for r in found:
        for unit in r.units:
            if unit.code in parents:
                names.setdefault(unit.code, unit.name)
    return names


def ranking_table(comparison: TierComparison, results: Results, lang: str, previous_year: int | None) -> str:
    """The tier's ranking; communes (a ranking within district) grouped by district, districts named."""
    t = _TEXT[lang]
    units = [u.current for u in comparison.units if u.current is not None]
    tier = units[0].tier
    ranking = next((r for r in tier.rankings if r.within == "district"), tier.rankings[0] if tier.rankings else None)
    if ranking is None:
        return ""
    previous = {u.code: u.previous for u in comparison.units}
    names = district_names(results)
    by_group: dict[str, list[UnitResult]] = {}
    for u in units:  # one pass: filtering the whole cohort once per district was quadratic
        by_group.setdefault(u.ranks[ranking.name].group, []).append(u)
    blocks = []
    for group in sorted(by_group):
        members = sorted(by_group[group], key=lambda u: (u.ranks[ranking.name].rank, u.code))
        header = list(_HEADER[lang])
        header[3] = units[0].headline[0] or header[3]  # an index tier heads the column with its headline output
        if previous_year is not None:
            header.append(t["previous_rank"].format(year=previous_year))
        rows = []
        for u in members:
            row = [str(u.ranks[ranking.name].rank), u.code, u.name, _score(u, lang),
                   u.level.label if u.level else ""]
            if previous_year is not None:
                before = previous.get(u.code)
                row.append(str(before.ranks[ranking.name].rank) if before is not None and ranking.name in before.ranks else "—")
            rows.append(row)
        title = f"{names.get(group, group)} ({group})" if ranking.within == "district" else ""
        blocks.append((title + "\n" if title else "") + render_table(header, rows, right={0, 3}))
    return "\n\n".join(blocks)


def statistic_lines(results: Results, lang: str) -> list[tuple[str | None, str]]:
    """Section II: each statistic the ruleset declares, over the results' units, as (heading, sentence),
    its value in the reader's number format ("đạt 98,19%", "426.998 hồ sơ")."""
    from cqdt_rules.engine.statistics import evaluate_statistics

    years = sorted({identity_of(u).year for u in results.units})
    year = years[-1] if years else ""
    lines = []
    for found in evaluate_statistics(results):
        stat = found.statistic
        digits = stat.rounding.digits if stat.rounding else None
        if found.value is not None and stat.percent and found.value == found.value.to_integral_value():
            digits = 0  # "100%", as a report writes a whole share
        shown = _TEXT[lang]["no_value"] if found.value is None else (
            format_number(found.value, lang, digits) + ("%" if stat.percent else ""))
        if stat.text is not None and lang == "vi":
            sentence = stat.text.format(value=shown, year=year)
        else:
            sentence = f"{stat.label}: {shown}" + (f" {stat.unit}" if stat.unit and found.value is not None else "")
        lacking = [tier_title(t, lang) for t in results.ruleset.tiers
                   if (not stat.tiers or t.id in stat.tiers) and not results.tier_units(t.id)]
        if lacking:  # the figure is over fewer tiers than it is declared over
            sentence += f" ({_TEXT[lang]['lacks'].format(tiers='; '.join(lacking))})"
        lines.append((stat.heading, _capitalised(sentence) + "."))
    return lines


def render_summary(results: Results, comparisons: list[TierComparison], lang: str = "vi",
                   previous_year: int | None = None, with_rankings: bool = True,
                   sources: Mapping[str, str] | None = None, previous: Results | None = None) -> str:
    """The summary of ``results`` (one year), its tiers' ``comparisons`` against ``previous`` (of ``previous_year``);
    a tier the ruleset declares that has no unit this year gets a sentence saying so in its place."""
    header = results.ruleset.header
    years = sorted({identity_of(u).year for u in results.units})
    lines = [f"{header.title} — {', '.join(map(str, years))}",
             f"{translate('ruleset', lang)} {header.id} {header.version or ''} ({translate(header.status or '', lang)}), "
             f"{results.ruleset.content_hash[:19]}"]
    if sources and len(set(sources.values())) == 1:  # one stage for every tier: said once
        lines.append(_TEXT[lang]["source"] + source_text(next(iter(sources.values())), lang))
    elif sources:
        lines.append(_TEXT[lang]["sources"] + "; ".join(f"{tier_title(results.ruleset.tier(tier), lang)}: "
                                                        f"{source_text(source, lang)}" for tier, source in sources.items()))
    lines.append("")
    statistics = statistic_lines(results, lang)
    if statistics:
        lines.append(_TEXT[lang]["state"])
        heading: str | None = None
        for under, sentence in statistics:
            if under and under != heading:
                lines.append(f"{under}:")
                heading = under
            lines.append(f"- {sentence}")
        lines.append("")
    missing = unassessed_sentences(results, previous, years[-1], previous_year, lang) if years else {}
    compared = {comparison.tier: comparison for comparison in comparisons}
    for tier in results.ruleset.tiers:
        if tier.id in missing:
            lines.extend([missing[tier.id], ""])
        elif tier.id in compared:
            lines.extend(_tier_lines(compared[tier.id], results, lang, previous_year, with_rankings))
    return "\n".join(lines)


def _tier_lines(comparison: TierComparison, results: Results, lang: str, previous_year: int | None,
                with_rankings: bool) -> list[str]:
    units = [u.current for u in comparison.units if u.current is not None]
    lines = [tier_paragraph(comparison, lang, previous_year), top_and_bottom(units, lang)]
    if previous_year is not None:
        lines.extend(movers_sentences(comparison, lang, previous_year, districts=district_names(results)))
    if with_rankings:
        lines.extend(["", ranking_table(comparison, results, lang, previous_year)])
    lines.append("")
    return lines
