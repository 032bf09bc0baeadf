"""The report's written sections besides section IV: I (organisation), III (shortcomings), V (recommendations),
drafted from the analyses as paragraphs, text tables and charts that every writer lays out the same way."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from cqdt_rules.analysis.history import History, era_chart_title, mover_sentences, overview, track_rows
from cqdt_rules.analysis.nodes import tier_title
from cqdt_rules.analysis.summary import statistic_lines
from cqdt_rules.analysis.shortfalls import (
    Failing,
    Shortfalls,
    failing_sentence,
    few_failing,
    most_lost_sentence,
    shortfall_rows,
    shortfalls,
)
from cqdt_rules.engine.results import Results, identity_of
from cqdt_rules.formatting import format_count, format_number

CRITERIA_SHOWN = 5  # criteria in each tier's table of section III
UNITS_NAMED = 5  # units named in a recommendation

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "s1": "I. Công tác tổ chức, triển khai",
        "s2": "II. Thực trạng qua công tác đánh giá",
        "s3": "III. Những tồn tại, hạn chế",
        "s5": "V. Kiến nghị và đề xuất",
        "history": "Diễn biến qua các năm {first}–{last}",
        "assessed": "Tổng số đơn vị được đánh giá, xếp hạng năm {year}: {total} đơn vị (gồm: {parts}).",
        "stage": "Số liệu được chấm: {source}.",
        "stages": "Số liệu được chấm theo từng khối: {parts}.",
        "latest_rule": "Mỗi khối được chấm theo giai đoạn mới nhất (tự đánh giá → cấp huyện thẩm tra → Đoàn kiểm tra "
                       "thẩm định) mà mọi đơn vị trong khối đều có; không trộn số liệu các giai đoạn trong một khối.",
        "districts": "Tiêu chí mất nhiều điểm nhất theo từng huyện",
        "district_header": "Huyện|Tiêu chí|Tên tiêu chí|Điểm mất|Chưa đạt tối đa",
        "recommend": "Đối với {tier}: tập trung khắc phục các tiêu chí mất nhiều điểm nhất: {items}.",
        "recommend_item": "“{title}” ({id}; {below}/{assessed} đơn vị chưa đạt điểm tối đa)",
        "recommend_units": "Các đơn vị mất nhiều điểm nhất ở tiêu chí “{title}”: {units}.",
        "recommend_few": "Đề nghị {units} hoàn thành tiêu chí “{title}” như các đơn vị khác của {tier}.",
        "no_statistics": "Bộ tiêu chí chưa khai báo số liệu thống kê cho phần này.",
    },
    "en": {
        "s1": "I. Organisation",
        "s2": "II. The state of affairs seen in the assessment",
        "s3": "III. Shortcomings",
        "s5": "V. Recommendations",
        "history": "Over the years {first}–{last}",
        "assessed": "Units assessed and ranked for {year}: {total} (of which {parts}).",
        "stage": "Values scored: {source}.",
        "stages": "Values scored per tier: {parts}.",
        "latest_rule": "Each tier is scored from the latest stage (self-assessment → district verification → audit) "
                       "every unit of it has; stages are never mixed within a tier.",
        "districts": "The criterion losing most points in each district",
        "district_header": "District|Criterion|Title|Points lost|Below full",
        "recommend": "{tier}: work first on the criteria losing most points: {items}.",
        "recommend_item": "“{title}” ({id}; {below}/{assessed} units below full points)",
        "recommend_units": "The units losing most points on “{title}”: {units}.",
        "recommend_few": "{units} should meet “{title}”, as the other units of {tier} do.",
        "no_statistics": "The ruleset declares no statistics for this section.",
    },
}


@attrs.frozen
class TextTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()


@attrs.frozen
class Chart:
    """Grouped bars: for each category, one bar per series (e.g. levels × years)."""

    name: str  # file name stem, unique in the report
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]


@attrs.frozen
class Figure:
    """A chart drawn beforehand as inline SVG (e.g. rank intervals); HTML and Markdown show it, DOCX leaves it out."""

    name: str  # file name stem, unique in the report
    title: str
    svg: str


@attrs.frozen
class Block:
    heading: str | None
    paragraphs: tuple[str, ...] = ()
    tables: tuple[TextTable, ...] = ()
    charts: tuple[Chart, ...] = ()
    figures: tuple[Figure, ...] = ()


@attrs.frozen
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


def organisation(results: Results, year: int, stages: dict[str, str], latest: bool, lang: str,
                 unassessed: Sequence[str] = ()) -> Section:
    """Section I: the units assessed per tier and, per tier, the stage whose values are scored; ``unassessed``:
    a sentence for each tier the ruleset declares that has no unit this year (``unassessed_sentences``)."""
    t = TEXT[lang]
    counts = [(tier_title(tier, lang), len(results.tier_units(tier.id))) for tier in results.ruleset.tiers]
    counts = [(title, n) for title, n in counts if n]
    parts = "; ".join(f"{format_count(n, lang)} {title}" for title, n in counts)
    used = set(stages.values())
    if len(used) == 1:
        stage = t["stage"].format(source=used.pop())
    else:
        stage = t["stages"].format(parts="; ".join(f"{tier_title(results.ruleset.tier(tier), lang)}: {text}"
                                                   for tier, text in stages.items()))
    lines = [t["assessed"].format(year=year, total=format_number(sum(n for _, n in counts), lang), parts=parts),
             *unassessed, stage]
    if latest:
        lines.append(t["latest_rule"])
    return Section("to-chuc", t["s1"], (Block(None, tuple(lines)),))


def state(results: Results, lang: str) -> Section:
    """Section II: the statistics the ruleset declares, one block per heading, or a sentence saying it
    declares none."""
    blocks: list[Block] = []
    for heading, sentence in statistic_lines(results, lang):
        if blocks and blocks[-1].heading == heading:
            blocks[-1] = attrs.evolve(blocks[-1], paragraphs=blocks[-1].paragraphs + (sentence,))
        else:
            blocks.append(Block(heading, (sentence,)))
    found = tuple(blocks) or (Block(None, (TEXT[lang]["no_statistics"],)),)
    return Section("thuc-trang", TEXT[lang]["s2"], found)


def shortcomings(results: Results, source: str | None, lang: str, districts: dict[str, str]) -> tuple[Section, Section]:
    """Sections III and V: per tier the criteria losing most points, the few units failing a yes/no
    criterion the others meet, the district table for communes; and the recommendations drawn from them."""
    t = TEXT[lang]
    found, advice = [], []
    for tier in results.ruleset.tiers:
        if not any(source is None or identity_of(u).source == source for u in results.tier_units(tier.id)):
            continue
        digits = tier.total_rounding.digits if tier.total_rounding else None
        [whole] = shortfalls(results, tier.id, source, lang)
        few = few_failing(results, tier.id, source, lang)
        paragraphs = [most_lost_sentence(whole, lang, 3, digits)] + [failing_sentence(f, lang, districts) for f in few]
        header, rows = shortfall_rows(whole, lang, CRITERIA_SHOWN, digits)
        tables = [TextTable("", tuple(header), tuple(tuple(r) for r in rows), frozenset({0, 3, 4, 5, 6}))]
        if any(u.parent for u in results.tier_units(tier.id)):
            by_district = shortfalls(results, tier.id, source, lang, by_district=True, districts=districts)
            tables.append(_district_table(by_district, lang, digits))
        found.append(Block(whole.scope, tuple(paragraphs), tuple(tables)))
        advice.append(Block(whole.scope, tuple(_recommendations(results, whole, few, lang))))
    return Section("ton-tai", t["s3"], tuple(found)), Section("kien-nghi", t["s5"], tuple(advice))


def _district_table(found: Sequence[Shortfalls], lang: str, digits: int | None) -> TextTable:
    rows = []
    for district in found:
        if not district.criteria:
            continue
        top = district.criteria[0]
        rows.append((district.scope, top.id, top.title, format_number(top.lost, lang, digits),
                     f"{format_number(len(top.below), lang)}/{format_number(top.assessed, lang)}"))
    return TextTable(TEXT[lang]["districts"], tuple(TEXT[lang]["district_header"].split("|")), tuple(rows),
                     frozenset({3, 4}))


def _recommendations(results: Results, whole: Shortfalls, few: Sequence[Failing], lang: str) -> list[str]:
    t = TEXT[lang]
    if not whole.criteria:
        return []
    items = "; ".join(t["recommend_item"].format(title=c.title, id=c.id, below=format_count(len(c.below), lang),
                                                 assessed=format_count(c.assessed, lang))
                      for c in whole.criteria[:3])
    lines = [t["recommend"].format(tier=whole.scope, items=items)]
    top = whole.criteria[0]
    names = {u.code: u.name for u in results.tier_units(whole.tier)}
    lines.append(t["recommend_units"].format(title=top.title,
                                             units=", ".join(names[c] for c in top.below[:UNITS_NAMED])))
    for failed in few:
        lines.append(t["recommend_few"].format(units=", ".join(u.name for u in failed.units), title=failed.title,
                                               tier=whole.scope))
    return lines


def history_section(found: History, lang: str, districts: dict[str, str]) -> Section:
    """The years side by side: which rules scored which years, per tier the units per level each year (one
    chart per ruleset), the units that rose and fell most over the years, and every unit's level and rank."""
    years = found.years
    blocks = [Block(None, tuple(overview(found, lang)))]
    for tier in found.tiers:
        charts = tuple(Chart(f"history-{tier.tier}-{era.ruleset}", era_chart_title(tier, era, lang), era.levels,
                             tuple((str(year), counts) for year, counts in zip(era.years, era.counts)))
                       for era in tier.eras)
        header, rows = track_rows(tier, years, lang, districts)
        table = TextTable(tier.ranking, tuple(header), tuple(tuple(r) for r in rows), frozenset({len(header) - 1}))
        blocks.append(Block(tier.title, tuple(mover_sentences(tier, years, lang)), (table,), charts))
    return Section("lich-su", TEXT[lang]["history"].format(first=years[0], last=years[-1]), tuple(blocks))
