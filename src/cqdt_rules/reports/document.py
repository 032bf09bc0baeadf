"""The yearly report: one model built from results and the comparison module, rendered to HTML, Markdown,
XLSX and DOCX.

``build_report`` is the only place that reads results for a report: it calls ``compare`` (the one
comparison module) for counts per level, rank movement and the criteria that moved each unit, and
``summary`` for the text of section IV, so ``cqdt summary`` and ``cqdt report`` say the same thing.
The renderers (``report_html``, ``report_markdown``, ``report_xlsx``, ``report_docx``) only lay out
the model; every number a person reads goes through ``formatting``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, overload

import attrs

from cqdt_rules.analysis.compare import (
    TierComparison,
    UnitChange,
    compare,
    LATEST,
    select,
)
from cqdt_rules.analysis.history import History
from cqdt_rules.analysis.movements import attribute, movement_sentences
from cqdt_rules.analysis.summary import (
    district_names,
    movers_sentences,
    source_text,
    stage_text,
    tier_paragraph,
    top_and_bottom,
    unassessed_sentences,
)
from cqdt_rules.analysis.values import format_value
from cqdt_rules.data.yamlfile import compose_yaml
from cqdt_rules.engine.compiler import NodeResult, NodeResults
from cqdt_rules.engine.explain import flag_text, keep
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import DataError, UsageError
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import branch_text
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Pair
from cqdt_rules.reports.appendix import Appendix, build_appendix
from cqdt_rules.reports.sections import Section, history_section, organisation, shortcomings, state

LANGS = ("vi", "en")
MOVERS = 5  # units named among those that rose and fell most
MOVED_CRITERIA = 3  # criteria named for each of them
CHART_UNITS = 12  # rank-movement chart: at most this many risers and as many fallers per tier
CACHE_LIMIT = 1 << 16
"""At most this many texts of each kind (criteria, explanations, values, written rows) are remembered for a tier: a
cohort repeats most of them, but a national one holds hundreds of thousands of distinct ones."""
PAGE_UNITS = 500
"""A tier with more units than this has its explanations on pages of their own, linked from the report's main page
(one per district for communes, else one per this many units), so a large cohort's main page stays readable."""

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "report": "Báo cáo kết quả đánh giá, xếp hạng",
        "title": "Kết quả đánh giá, xếp hạng năm {year}",
        "against": "so với năm {year}",
        "toc": "Mục lục",
        "general": "IV. Đánh giá chung",
        "changes": "Thay đổi so với năm {year}",
        "changes_none": "Thay đổi so với năm trước",
        "rankings": "Bảng xếp hạng",
        "units": "Giải trình điểm từng đơn vị",
        "units_pages": "Giải trình điểm của {count} đơn vị nằm ở {pages} trang riêng:",
        "ruleset_source": "Mã nguồn bộ tiêu chí",
        "synthetic": "DỮ LIỆU GIẢ LẬP (SYNTHETIC)",
        "ruleset": "Bộ tiêu chí",
        "version": "phiên bản",
        "status": "tình trạng",
        "status_official": "chính thức",
        "status_reconstructed": "tái dựng",
        "status_hypothetical": "giả định",
        "reconstructed": "Bộ tiêu chí là bản tái dựng, chưa đối chiếu với phụ lục chính thức.",
        "source": "Nguồn số liệu",
        "previous_ruleset": "Năm {year} chấm theo bộ tiêu chí khác ({ruleset}): chỉ so sánh thứ hạng, không so sánh mức độ và điểm từng tiêu chí.",
        "no_previous": "Không có số liệu năm trước: báo cáo không so sánh.",
        "level": "Mức độ",
        "count": "Số đơn vị",
        "share": "Tỷ lệ",
        "change": "Thay đổi",
        "rank": "Hạng",
        "code": "Mã",
        "unit": "Đơn vị",
        "district": "Huyện",
        "tier": "Khối",
        "total": "Tổng điểm",
        "rank_prev": "Hạng {year}",
        "level_prev": "Mức {year}",
        "rank_move": "± hạng",
        "risers": "Tăng bậc xếp hạng nhiều nhất",
        "fallers": "Giảm bậc xếp hạng nhiều nhất",
        "moved_by": "Tiêu chí thay đổi nhiều nhất",
        "points": "điểm",
        "points_col": "Điểm",
        "chart_levels": "{tier}: số đơn vị theo mức độ, năm {year} so với năm {previous}",
        "chart_levels_one": "{tier}: số đơn vị theo mức độ, năm {year}",
        "chart_ranks": "{tier}: thay đổi thứ hạng ({ranking}) so với năm {previous}",
        "rise": "tăng hạng",
        "fall": "giảm hạng",
        "no_movement": "Không có đơn vị thay đổi thứ hạng.",
        "criterion": "Tiêu chí",
        "max": "Tối đa",
        "read": "Số liệu",
        "why": "Cách tính",
        "delta": "± so với {year}",
        "flags": "Ghi chú",
        "unmet": "Chưa đạt mức cao hơn",
        "note": "Ghi chú",
        "unit_summary": "Tổng điểm {total}/{max}; {level}",
        "ranked": "Hạng {rank}/{of} ({ranking})",
        "previously": "Năm {year}: {total} điểm; {level}; hạng {rank}",
        "only_now": "chỉ có năm nay",
        "only_then": "chỉ có năm {year}",
        "yes": "có",
        "no": "không",
        "not_assessed": "chưa đánh giá",
        "generated": "Lập bằng cqdt_rules lúc {at}; bộ tiêu chí {ruleset} {version}, {hash}.",
        "total_row": "Tổng số",
        "ranking_note": "Xếp hạng theo tổng điểm; cấp xã chỉ xếp hạng với các xã trong cùng huyện.",
        "movement_basis": "Thứ hạng so sánh: {ranking}.",
    },
    "en": {
        "report": "Assessment and ranking report",
        "title": "Assessment and ranking results, {year}",
        "against": "against {year}",
        "toc": "Contents",
        "general": "IV. Overview",
        "changes": "Changes since {year}",
        "changes_none": "Changes since last year",
        "rankings": "Rankings",
        "units": "Each unit's points explained",
        "units_pages": "The points of these {count} units are explained on {pages} pages of their own:",
        "ruleset_source": "The ruleset's source",
        "synthetic": "SYNTHETIC DATA",
        "ruleset": "Ruleset",
        "version": "version",
        "status": "status",
        "status_official": "official",
        "status_reconstructed": "reconstructed",
        "status_hypothetical": "hypothetical",
        "reconstructed": "The ruleset is a reconstruction, not yet checked against the official appendix.",
        "source": "Data",
        "previous_ruleset": "{year} was scored with another ruleset ({ruleset}): ranks are compared, levels and criteria are not.",
        "no_previous": "No previous year's data: nothing is compared.",
        "level": "Level",
        "count": "Units",
        "share": "Share",
        "change": "Change",
        "rank": "Rank",
        "code": "Code",
        "unit": "Unit",
        "district": "District",
        "tier": "Tier",
        "total": "Total",
        "rank_prev": "Rank {year}",
        "level_prev": "Level {year}",
        "rank_move": "± rank",
        "risers": "Rose most in rank",
        "fallers": "Fell most in rank",
        "moved_by": "Criteria that moved most",
        "points": "points",
        "points_col": "Points",
        "chart_levels": "{tier}: units per level, {year} against {previous}",
        "chart_levels_one": "{tier}: units per level, {year}",
        "chart_ranks": "{tier}: rank movement ({ranking}) since {previous}",
        "rise": "rose",
        "fall": "fell",
        "no_movement": "No unit changed rank.",
        "criterion": "Criterion",
        "max": "Max",
        "read": "Values",
        "why": "Why",
        "delta": "± vs {year}",
        "flags": "Flags",
        "unmet": "Not at a higher level",
        "note": "Note",
        "unit_summary": "Total {total}/{max}; {level}",
        "ranked": "Rank {rank}/{of} ({ranking})",
        "previously": "{year}: {total} points; {level}; rank {rank}",
        "only_now": "this year only",
        "only_then": "only in {year}",
        "yes": "yes",
        "no": "no",
        "not_assessed": "not assessed",
        "generated": "Made with cqdt_rules at {at}; ruleset {ruleset} {version}, {hash}.",
        "total_row": "Total",
        "ranking_note": "Ranked by total score; communes are ranked only against the communes of their district.",
        "movement_basis": "Ranks compared: {ranking}.",
    },
}

# The engine's explanation of a criterion ("why") is written in English; the Vietnamese report
# translates its fixed phrases and shows its decimals with a decimal comma.


@attrs.frozen
class LevelRow:
    level_id: str | None  # None: below the lowest level
    label: str
    count: int
    previous: int | None
    change: int | None
    share: Decimal | None  # percent of the units assessed


@attrs.frozen
class Criterion:
    """One node of a unit's explanation."""

    id: str
    title: str
    depth: int
    is_group: bool
    points: Decimal
    max: Decimal
    read: tuple[tuple[str, str], ...]  # indicator label, value as shown
    why: str
    flags: tuple[str, ...]
    change: Decimal | None  # points against the previous year, same ruleset only


class WrittenRows:
    """The rows of one tier's explanation tables a writer has already written, by whether the table shows the
    change against last year and by criterion object (units whose criterion reads the same share one: see
    ``_Explainer.criterion``), and each kind of table head: most rows of a large cohort are written once. At most
    ``CACHE_LIMIT`` rows are kept (then they are forgotten and written again), so a national cohort's distinct rows
    are never held together."""

    def __init__(self) -> None:
        # each row is kept with its criterion, so the object whose id keys it lives as long as the row
        self.rows: dict[bool, dict[int, tuple[Criterion, str]]] = {False: {}, True: {}}
        self.heads: dict[bool, str] = {}

    def written(self, criteria: Sequence[Criterion], show_delta: bool, write: Callable[[Criterion], str]) -> list[str]:
        """Each criterion's row, written by ``write`` the first time the criterion is met."""
        rows = self.rows[show_delta]
        if len(rows) > CACHE_LIMIT:
            rows.clear()
        known = rows.get

        def first(criterion: Criterion) -> str:
            row = write(criterion)
            rows[id(criterion)] = (criterion, row)
            return row

        return [(known(id(criterion)) or (criterion, first(criterion)))[1] for criterion in criteria]


@attrs.frozen
class RankRow:
    code: str
    name: str
    anchor: str
    rank: int
    of: int
    total: Decimal | None  # the headline output in an index tier (None when it has no value)
    outputs: tuple[Decimal | None, ...]
    level: str
    previous_rank: int | None
    previous_level: str | None
    rank_change: int | None  # from compare, on the ranking both years share; None where that is not this table's
    status: str


@attrs.frozen
class RankGroup:
    code: str | None  # the district's code for rankings within a district
    title: str
    rows: tuple[RankRow, ...]


@attrs.frozen
class Mover:
    code: str
    name: str
    anchor: str
    previous_rank: int
    rank: int
    rank_change: int
    total_change: Decimal | None
    criteria: tuple[tuple[str, str, Decimal], ...]  # id, title, points gained or lost


@attrs.frozen
class UnitPage:
    code: str
    name: str
    anchor: str
    district: str | None  # the district's name (communes)
    total: Decimal
    max: Decimal
    outputs: tuple[tuple[str, Decimal | None], ...]
    level: str
    unmet: tuple[str, ...]
    ranks: tuple[tuple[str, int, int], ...]  # ranking label, rank, of
    previous: str | None  # one line on last year's result
    note: str | None
    criteria: tuple[Criterion, ...]
    headline: tuple[str, Decimal | None] | None = None  # an index tier: the headline output's label and value

    def summary(self, report: Report, digits: int | None) -> str:
        """The unit's headline figure (the total, or an index tier's headline output) and its level."""
        if self.headline is not None:
            label, value = self.headline
            return f"{label} {report.num(value, digits)}; {self.level}"
        return report.t("unit_summary", total=report.num(self.total, digits), max=report.num(self.max), level=self.level)


class UnitPages(Sequence[UnitPage]):
    """A tier's explanation pages, each made from its unit's results only when it is read, one at a time as a writer
    writes it: a national cohort's pages are never held together. How many there are, and each one's anchor, code
    and district, are known without making them."""

    def __init__(self, tier_id: str, changes: Sequence[UnitChange], make: Callable[[UnitChange], UnitPage],
                 district: Callable[[UnitChange], str | None]) -> None:
        self.tier_id, self._changes, self._make, self._district = tier_id, changes, make, district

    def __len__(self) -> int:
        return len(self._changes)

    @overload
    def __getitem__(self, index: int) -> UnitPage: ...

    @overload
    def __getitem__(self, index: slice) -> UnitPages: ...

    def __getitem__(self, index: int | slice) -> UnitPage | UnitPages:
        if isinstance(index, slice):
            return self._part(self._changes[index])
        return self._make(self._changes[index])

    def __iter__(self) -> Iterator[UnitPage]:
        return map(self._make, self._changes)

    def code(self, index: int) -> str:
        return self._changes[index].code

    def anchors(self) -> Iterator[str]:
        return (anchor(self.tier_id, change.code) for change in self._changes)

    def by_district(self) -> dict[str | None, UnitPages]:
        """The units of each district (None: units without one), in order of first appearance."""
        found: dict[str | None, list[UnitChange]] = {}
        for change in self._changes:
            found.setdefault(self._district(change), []).append(change)
        return {district: self._part(changes) for district, changes in found.items()}

    def _part(self, changes: Sequence[UnitChange]) -> UnitPages:
        return UnitPages(self.tier_id, changes, self._make, self._district)


@attrs.frozen
class TierReport:
    id: str
    title: str
    anchor: str
    assessed: int
    previous_assessed: int
    paragraph: str
    top_bottom: str
    movement: tuple[str, ...]  # sentences on the units that rose and fell most
    levels: tuple[LevelRow, ...]
    level_title: str
    ranking_label: str
    within_district: bool
    movement_ranking: str | None  # label of the ranking compare measures movement on
    output_labels: tuple[str, ...]
    output_digits: tuple[int | None, ...]
    groups: tuple[RankGroup, ...]
    risers: tuple[Mover, ...]
    fallers: tuple[Mover, ...]
    moves: tuple[tuple[str, int], ...]  # every unit's rank change, for the chart: name, change
    units: UnitPages | tuple[()]  # () when built without explanations
    digits: int | None  # decimals of the published total
    attribution: tuple[str, ...] = ()  # the criterion groups behind the moves, each mover's gains and losses
    total_label: str | None = None
    """An index tier (``headline OUTPUT``): the ranking tables' total column shows that output, under its label."""
    headline_digits: int | None = None  # decimals of that output

    @property
    def table_digits(self) -> int | None:
        """Decimals of the ranking tables' total column: the total's, or an index tier's headline output's."""
        return self.headline_digits if self.total_label is not None else self.digits

    @property
    def compared_levels(self) -> bool:
        return any(row.previous is not None for row in self.levels)


@attrs.frozen
class Report:
    lang: str
    title: str
    subtitle: str
    year: int
    previous_year: int | None
    source: str
    ruleset_id: str
    ruleset_title: str
    ruleset_version: str
    ruleset_status: str
    ruleset_hash: str
    legal_source: str | None
    previous_ruleset_id: str | None
    same_ruleset: bool
    note: str | None  # the data's own label (e.g. synthetic); shown prominently
    synthetic: bool
    run_at: str
    tiers: tuple[TierReport, ...]
    front: tuple[Section, ...] = ()  # sections I to III, before section IV
    back: tuple[Section, ...] = ()  # section V and what follows it, before the rankings
    appendix: Appendix | None = None  # the criteria as the official table; explanations link to its rows
    ruleset_source: str | None = None  # the ruleset file's text, shown (highlighted) under the appendix
    explained: bool = True  # every tier holds its units' explanation pages (False: built for XLSX or DOCX only)

    def t(self, key: str, **values: Any) -> str:
        text = TEXT[self.lang][key]
        return text.format(**values) if values else text

    @property
    def source_label(self) -> str:
        """The stage reported, in words with its id: "kết quả thẩm định của Đoàn kiểm tra (audit)"."""
        return source_text(self.source, self.lang)

    def num(self, value: Decimal | int | None, digits: int | None = None) -> str:
        kind = type(value)
        if kind is Decimal or kind is int:  # a cohort's tables repeat the same numbers: each written once
            return _number_text(str(value), self.lang, digits)
        return format_number(value, self.lang, digits)

    def level_table(self, tier: TierReport) -> tuple[list[str], list[list[str]]]:
        """The header and rows of a tier's table of counts per level, as text (last year beside this
        year, and the change, when both years use the same scale)."""
        compared = tier.compared_levels and self.previous_year is not None
        header = [tier.level_title or self.t("level")] + ([str(self.previous_year)] if compared else [])
        header += [str(self.year), self.t("share")] + ([self.t("change")] if compared else [])
        rows = []
        for row in tier.levels:
            cells = [row.label] + ([self.num(row.previous)] if compared else []) + [self.num(row.count)]
            cells.append(self.num(row.share, 2) + "%" if row.share is not None else "—")
            if compared:
                cells.append(self.signed(row.change) or "0")
            rows.append(cells)
        return header, rows

    def signed(self, value: Decimal | int | None, digits: int | None = None) -> str:
        if value is None:
            return ""
        text = format_number(value, self.lang, digits)
        return "+" + text if value > 0 else text.replace("-", "−")

    @property
    def banner(self) -> str | None:
        """The data's label as shown on top of every output; SYNTHETIC data always say so in capitals."""
        if not self.note:
            return None
        if self.synthetic:  # said in the report's language, whatever words the data's own label starts with
            return f"{self.t('synthetic')}: {_SYNTHETIC_PREFIX.sub('', self.note)}"
        return self.note

    @property
    def reconstructed(self) -> bool:
        return self.ruleset_status == "reconstructed"

    @property
    def status_label(self) -> str:
        """The ruleset's status in the report's language (an unknown status as written)."""
        key = f"status_{self.ruleset_status}"
        return self.t(key) if key in TEXT[self.lang] else self.ruleset_status

    def section_ids(self) -> list[tuple[str, str]]:
        """The report's top-level sections, as (anchor, title), for tables of contents."""
        sections = [(s.anchor, s.title) for s in self.front] + [("danh-gia-chung", self.t("general"))]
        if self.previous_year is not None:
            sections.append(("thay-doi", self.t("changes", year=self.previous_year)))
        sections += [(s.anchor, s.title) for s in self.back]
        sections += [("xep-hang", self.t("rankings")), ("giai-trinh", self.t("units"))]
        return sections


@functools.lru_cache(maxsize=1 << 16)
def _number_text(digits_as_written: str, lang: str, digits: int | None) -> str:
    """``format_number`` of a number given as written (``str`` of a ``Decimal`` or an ``int``, which keeps 1.0
    apart from 1)."""
    return format_number(Decimal(digits_as_written), lang, digits)


# ---------------------------------------------------------------- building the model
def build_report(current: Results, previous: Results | None = None, *, source: str = LATEST, lang: str = "vi",
                 note: str | None = None, title: str | None = None, year: int | None = None,
                 history: History | None = None, extra: Sequence[Section] = (), explain: bool = True) -> Report:
    """One model of the whole report, every comparison taken from ``compare``; ``year`` picks one year
    of multi-year data (see ``select_years``); ``source`` is a stage, or ``LATEST``: per tier the latest
    stage every unit of it has (see ``compare.select``), which section I states; ``extra``: optional sections
    after the others of the back matter (e.g. the robustness of levels and ranks); ``explain=False`` leaves
    out every unit's explanation page (the bulk of a large cohort's model), which only HTML and Markdown show."""
    if lang not in LANGS:
        raise UsageError(f"unknown language '{lang}': use one of {', '.join(LANGS)}")
    chosen = select(current, previous, source, year)
    current, previous, year, previous_year = chosen.current, chosen.previous, chosen.year, chosen.previous_year
    comparisons = compare(current, previous)
    if not comparisons:
        raise UsageError(f"no '{source}' assessments in the data; try --source self")
    same_ruleset = previous is not None and previous.ruleset.id == current.ruleset.id
    districts = district_names(current, previous)
    header = current.ruleset.header
    tiers = tuple(_tier_report(c, current.ruleset.tier(c.tier), lang, previous_year, same_ruleset, districts, explain)
                  for c in comparisons)
    synthetic = note is not None and is_synthetic_label(note)
    ruleset_title = header.title_en if lang == "en" and header.title_en else header.title
    problems, advice = shortcomings(current, None, lang, districts)
    stages = {t.id: stage_text(chosen.sources[t.id], lang) for t in current.ruleset.tiers if t.id in chosen.sources}
    unassessed = unassessed_sentences(current, previous, year, previous_year, lang).values()
    front = (organisation(current, year, stages, source == LATEST, lang, tuple(unassessed)), state(current, lang),
             problems)
    return Report(
        lang=lang,
        title=title or TEXT[lang]["title"].format(year=year),
        subtitle=ruleset_title,
        year=year, previous_year=previous_year, source=chosen.source or LATEST,
        ruleset_id=header.id, ruleset_title=ruleset_title, ruleset_version=header.version or "",
        ruleset_status=header.status or "", ruleset_hash=current.ruleset.content_hash,
        legal_source=header.legal_source,
        previous_ruleset_id=previous.ruleset.id if previous is not None else None,
        same_ruleset=same_ruleset, note=note, synthetic=synthetic, run_at=current.run_at, tiers=tiers,
        front=front,
        back=(advice,) + ((history_section(history, lang, districts),) if history is not None else ()) + tuple(extra),
        appendix=build_appendix(current.ruleset, lang),
        ruleset_source=_source_text(current.ruleset),
        explained=explain,
    )


def _source_text(ruleset: m.Ruleset) -> str | None:
    """The text of the ruleset's file, when it was read from one that is still there."""
    path = Path(ruleset.path)
    try:
        return path.read_text(encoding="utf-8") if path.suffix == ".cqdt" and path.is_file() else None
    except OSError:
        return None


def anchor(tier: str, code: str) -> str:
    return "u-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{tier}-{code}")


def _tier_title(tier: m.Tier, lang: str) -> str:
    return tier.title_en if lang == "en" and tier.title_en else tier.title


def _node_title(node: m.Node, lang: str) -> str:
    return node.title_en if lang == "en" and node.title_en else node.title


def _tier_report(comparison: TierComparison, tier: m.Tier, lang: str, previous_year: int | None,
                 same_ruleset: bool, districts: dict[str, str], explain: bool = True) -> TierReport:
    title = _tier_title(tier, lang)
    named = attrs.evolve(comparison, title=title)
    current_units = [c.current for c in comparison.units if c.current is not None]
    ranking = next((r for r in tier.rankings if r.within == "district"), tier.rankings[0] if tier.rankings else None)
    first = comparison.compared_ranking
    headline = tier.output(tier.headline) if tier.headline else None
    tabled = tuple(o for o in tier.outputs if o is not headline)
    digits = _digits_of(tier.total_rounding)
    risers, fallers = comparison.movers(MOVERS)
    movement = tuple(movers_sentences(named, lang, previous_year, MOVERS, districts)) if previous_year is not None else ()
    levels = tuple(LevelRow(row.level_id, row.label, row.count, row.previous, row.change,
                            None if comparison.assessed == 0 else Decimal(row.count) * 100 / comparison.assessed)
                   for row in comparison.counts)
    moves = tuple(sorted(((c.name, c.rank_change) for c in comparison.units if c.rank_change),
                         key=lambda item: (-item[1], item[0])))
    return TierReport(
        id=tier.id, title=title, anchor=f"khoi-{tier.id}", assessed=comparison.assessed,
        previous_assessed=comparison.previous_assessed,
        paragraph=tier_paragraph(named, lang, previous_year),
        top_bottom=top_and_bottom(current_units, lang) if current_units else "",
        movement=movement, levels=levels, level_title=tier.levels[0].label if tier.levels else "",
        ranking_label=ranking.label if ranking else "", within_district=bool(ranking and ranking.within == "district"),
        movement_ranking=first.label if first and previous_year is not None else None,
        output_labels=tuple(o.label for o in tabled),
        output_digits=tuple(_digits_of(o.rounding) for o in tabled),
        groups=_groups(comparison, tier, ranking, first, districts, lang, previous_year, same_ruleset),
        risers=tuple(_mover(c, lang, same_ruleset) for c in risers),
        fallers=tuple(_mover(c, lang, same_ruleset) for c in fallers),
        moves=moves,
        units=_unit_pages(comparison, tier, lang, previous_year, same_ruleset, districts) if explain else (),
        digits=digits,
        attribution=_attribution(comparison, lang, previous_year, districts, digits),
        total_label=headline.label if headline else None,
        headline_digits=_digits_of(headline.rounding) if headline else None,
    )


def _unit_pages(comparison: TierComparison, tier: m.Tier, lang: str, previous_year: int | None, same_ruleset: bool,
                districts: dict[str, str]) -> UnitPages:
    explainer = _Explainer(tier, lang)

    def page(change: UnitChange) -> UnitPage:
        return _unit_page(change, lang, previous_year, same_ruleset, districts, explainer)

    def district(change: UnitChange) -> str | None:
        assert change.current is not None
        return _district_name(change.current, districts)

    return UnitPages(tier.id, tuple(c for c in comparison.units if c.current is not None), page, district)


def _district_name(unit: UnitResult, districts: dict[str, str]) -> str | None:
    return districts.get(unit.parent, unit.parent) if unit.parent else None


def _digits_of(rounding: m.Rounding | None) -> int | None:
    return rounding.digits if rounding else None


def _headline_and_rest(unit: UnitResult, tier: m.Tier) -> tuple[Decimal | None, tuple[Decimal | None, ...]]:
    """What a ranking table shows for a unit: the total (or, in an index tier, the headline output) and the
    other outputs."""
    rest = tuple(unit.outputs.get(o.name) for o in tier.outputs if o.name != tier.headline)
    return (unit.outputs.get(tier.headline) if tier.headline else unit.total), rest


def _attribution(comparison: TierComparison, lang: str, previous_year: int | None, districts: dict[str, str],
                 digits: int | None) -> tuple[str, ...]:
    if previous_year is None:
        return ()
    within = comparison.compared_ranking is not None and comparison.compared_ranking.within == "district"
    found = attribute(comparison, lang, MOVERS, districts=districts if within else None)
    return tuple(movement_sentences(found, lang, digits)) if found is not None else ()


def _groups(comparison: TierComparison, tier: m.Tier, ranking: m.Ranking | None, first: m.Ranking | None,
            districts: dict[str, str], lang: str, previous_year: int | None, same_ruleset: bool) -> tuple[RankGroup, ...]:
    if ranking is None:
        return ()
    rows_by_group: dict[str, list[RankRow]] = {}
    for change in comparison.units:
        unit = change.current
        if unit is None or ranking.name not in unit.ranks:
            continue
        rank = unit.ranks[ranking.name]
        before = change.previous
        rows_by_group.setdefault(rank.group, []).append(RankRow(
            code=unit.code, name=unit.name, anchor=anchor(tier.id, unit.code), rank=rank.rank, of=rank.of,
            total=_headline_and_rest(unit, tier)[0], outputs=_headline_and_rest(unit, tier)[1],
            level=unit.level.label if unit.level else "",
            previous_rank=(before.ranks[ranking.name].rank if before is not None and ranking.name in before.ranks
                           else None),
            previous_level=(before.level.label if before is not None and before.level and same_ruleset else None),
            # compare measures movement on the tier's first ranking: shown only where this table uses it
            rank_change=change.rank_change if first is not None and ranking.name == first.name else None,
            status=_status(change, lang, previous_year),
        ))
    groups = []
    for code in sorted(rows_by_group):
        rows = tuple(sorted(rows_by_group[code], key=lambda r: (r.rank, r.code)))
        if ranking.within == "district":
            name = districts.get(code)
            title = f"{name} ({code})" if name else f"{TEXT[lang]['district']} {code}"
            groups.append(RankGroup(code, title, rows))
        else:
            groups.append(RankGroup(None, "", rows))
    return tuple(groups)


def _status(change: UnitChange, lang: str, previous_year: int | None) -> str:
    if previous_year is None or change.status == "both":
        return ""
    if change.status == "current only":
        return TEXT[lang]["only_now"]
    return TEXT[lang]["only_then"].format(year=previous_year)


def moved_by(change: UnitChange, count: int = MOVED_CRITERIA) -> list[tuple[str, Decimal]]:
    """The criteria that moved a unit, from ``compare``'s node changes: those in the direction the unit
    moved (gains for a unit that rose, losses for one that fell), largest first; all of them when it
    did not move."""
    changes = change.node_changes()
    direction = change.rank_change or 0
    if not direction and change.total_change:
        direction = 1 if change.total_change > 0 else -1
    if direction:
        changes = [item for item in changes if (item[1] > 0) == (direction > 0)]
    return changes[:count]


def _mover(change: UnitChange, lang: str, same_ruleset: bool) -> Mover:
    assert change.current is not None and change.previous is not None and change.rank_change is not None
    criteria: tuple[tuple[str, str, Decimal], ...] = ()
    if same_ruleset:
        criteria = tuple((node_id, _node_title(change.current.tier.node(node_id), lang), delta)
                         for node_id, delta in moved_by(change))
    assert change.ranks is not None
    return Mover(change.code, change.name, anchor(change.tier, change.code), change.ranks[0],
                 change.ranks[1], change.rank_change, change.total_change if same_ruleset else None, criteria)


class _Explainer:
    """What every unit page of one tier shares, looked up once per tier rather than once per unit: the nodes'
    titles and depths, the indicators' and rankings' labels, and each distinct explanation ("why") and
    value as text (a cohort repeats them: 93,000 criteria of 3,000 communes hold 12,551 distinct
    explanations). Lives for one report's build."""

    def __init__(self, tier: m.Tier, lang: str) -> None:
        self.tier, self.lang = tier, lang
        self.depth: dict[str, int] = {}
        for node in tier.walk():
            for child in node.children:
                self.depth[child.id] = self.depth.get(node.id, 0) + 1
        self.indicators: dict[str, str] = {}
        for indicator in reversed(tier.indicators):  # the first of a name wins, as in a scan
            self.indicators[indicator.name] = indicator.label
        self.rankings: dict[str, str] = {}
        for ranking in reversed(tier.rankings):
            self.rankings[ranking.name] = ranking.label
        self.nodes = {node.id: (_node_title(node, lang), self.depth.get(node.id, 0), node.is_group)
                      for node in reversed(tier.walk())}  # the first of an id wins, as in ``Tier.node``
        self._why: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        self._values: dict[tuple[Any, ...], str] = {}
        self._criteria: dict[tuple[Any, ...], Criterion] = {}

    def indicator_label(self, name: str) -> str:
        return self.indicators.get(name, name)

    def value(self, name: str, value: Any) -> str:
        """``value_text``, remembered: a category by indicator and name; a number, yes/no or pair (which read
        the same for every indicator) by its exact digits, since 1.0 and 1 are equal but read differently."""
        kind = type(value)
        key: tuple[Any, ...]
        if kind is str:
            key = (name, value)
        elif kind is Pair:
            key = (kind, str(value.a), str(value.b))
        elif kind in (Decimal, int, bool):
            key = (kind, str(value))
        else:
            return value_text(self.tier, name, value, self.lang)
        text = self._values.get(key)
        if text is None:
            text = keep(self._values, key, value_text(self.tier, name, value, self.lang), CACHE_LIMIT)
        return text

    def criterion(self, result: NodeResult, change: Decimal | None) -> Criterion:
        """The criterion as a unit page shows it, one object for every unit whose result reads the same: the key
        holds each number as written (1.0 and 1 are equal but read differently), so equal keys mean equal text."""
        # A node's maximum and the indicators it reads are the node's own; the values it read are told apart by
        # text (1.0 and 1) and by kind (True and 'True'). One flat tuple (the flags, a tuple, end the explanation's
        # parts; a node reads a fixed number of values) costs a third less than nested ones.
        read = list(map(result.values.get, result.reads))
        key = (result.id, str(result.points), *map(str, result.why), result.flags,
               None if change is None else str(change), *map(str, read), *map(type, read))
        found = self._criteria.get(key)
        if found is None:
            title, depth, is_group = self.nodes[result.id]
            inputs = result.inputs
            found = keep(self._criteria, key, Criterion(
                id=result.id, title=title, depth=depth, is_group=is_group, points=result.points, max=result.max,
                read=tuple((self.indicator_label(name), self.value(name, value)) for name, value in inputs),
                why=self.why(result.branch, inputs), flags=tuple(flag_text(f, self.lang) for f in result.flags),
                change=change), CACHE_LIMIT)
        return found

    def why(self, branch: str, inputs: tuple[tuple[str, Any], ...]) -> str:
        """``why_text`` of the branch with its categories named, which depends only on the branch and the text inputs."""
        key = (branch, tuple((name, value) for name, value in inputs if type(value) is str))
        text = self._why.get(key)
        if text is None:
            text = keep(self._why, key, why_text(_category_labels(self.tier, inputs, branch), self.lang),
                        CACHE_LIMIT)
        return text


def _unit_page(change: UnitChange, lang: str, previous_year: int | None, same_ruleset: bool,
               districts: dict[str, str], explainer: _Explainer | None = None) -> UnitPage:
    unit = change.current
    assert unit is not None
    t = TEXT[lang]
    tier = unit.tier
    known = explainer if explainer is not None and explainer.tier is tier else _Explainer(tier, lang)
    deltas = dict(change.node_changes()) if same_ruleset else {}
    unchanged = Decimal(0) if same_ruleset and change.previous is not None else None
    # the engine's node results keep the explanation they work out: a page reads a copy, so that a cohort's
    # explanations are not all kept once their pages are written
    results = unit.nodes.detached() if isinstance(unit.nodes, NodeResults) else unit.nodes
    if deltas or unchanged is not None:
        nodes = known.nodes
        criteria = tuple([known.criterion(results[node_id], deltas.get(node_id, None if nodes[node_id][2] else unchanged))
                          for node_id in results])
    else:  # nothing to compare with
        criteria = tuple([known.criterion(results[node_id], None) for node_id in results])
    level = unit.level
    previous = None
    if change.previous is not None and previous_year is not None:
        before = change.previous
        digits = before.tier.total_rounding.digits if before.tier.total_rounding else None
        previous = t["previously"].format(year=previous_year, total=format_number(before.total, lang, digits),
                                          level=before.level.label if before.level else "—",
                                          rank=f"{before.rank()}/{next(iter(before.ranks.values())).of}" if before.ranks else "—")
    ranks = tuple((known.rankings.get(r.ranking, r.ranking), r.rank, r.of) for r in unit.ranks.values())
    return UnitPage(
        code=unit.code, name=unit.name, anchor=anchor(tier.id, unit.code),
        district=_district_name(unit, districts),
        total=unit.total, max=unit.max,
        outputs=tuple((o.label, unit.outputs.get(o.name)) for o in tier.outputs if o.name != tier.headline),
        level=level.label if level else "", unmet=level.unmet if level else (),
        ranks=ranks, previous=previous, note=identity_of(unit).note, criteria=criteria,
        headline=next(((o.label, unit.outputs.get(o.name)) for o in tier.outputs if o.name == tier.headline), None),
    )


def value_text(tier: m.Tier, name: str, value: Any, lang: str) -> str:
    """An indicator value as a person reads it, a category by its label, "chưa đánh giá" when not given."""
    return format_value(value, lang, missing=TEXT[lang]["not_assessed"], tier=tier, indicator=name)


def _category_labels(tier: m.Tier, inputs: tuple[tuple[str, Any], ...], branch: str) -> str:
    """Name a category by its label in the explanation ('khong_co' → “Không có công chức phụ trách CNTT”)."""
    for name, value in inputs:
        if isinstance(value, str):
            label = value_text(tier, name, value, "en")
            if label != value:
                branch = branch.replace(f"'{value}'", f"“{label}”")
    return branch


def why_text(branch: str, lang: str) -> str:
    return branch_text(branch, lang)


# ---------------------------------------------------------------- the data's own label
_SYNTHETIC_WORDS = ("synthetic", "giả lập", "tổng hợp giả", "mô phỏng", "sample data", "dữ liệu mẫu")


_SYNTHETIC_PREFIX = re.compile(r"^\s*(synthetic( data)?|dữ liệu giả lập( \(synthetic\))?)\s*[:\-–]\s*", re.I)


def is_synthetic_label(text: str) -> bool:
    folded = unicodedata.normalize("NFC", text).casefold()
    return any(word in folded for word in _SYNTHETIC_WORDS)


def data_label(paths: Iterable[str | Path]) -> str | None:
    """The label a data file gives itself: a top-level ``note`` (or ``label``/``description``) in YAML, or
    the leading comment lines, when they say the data is synthetic. None when no file says so."""
    import yaml

    found: list[str] = []
    for path in _data_files(paths):
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        text = path.read_text(encoding="utf-8-sig")
        label = None
        try:
            root = compose_yaml(text, str(path))
        except DataError:  # the data readers report it; here only a label is looked for
            root = None
        if isinstance(root, yaml.MappingNode):
            for key, value in root.value:
                if str(key.value) in ("note", "label", "description", "synthetic") and isinstance(value, yaml.ScalarNode):
                    candidate = value.value if str(key.value) != "synthetic" else f"synthetic: {value.value}"
                    if str(key.value) == "synthetic" and value.value.lower() in ("true", "yes"):
                        label = label or "synthetic"
                    elif is_synthetic_label(candidate):
                        label = candidate.strip()
        if label is None:
            comments = []
            for line in text.splitlines():
                if not line.startswith("#"):
                    break
                comments.append(line.lstrip("#").strip())
            header = " ".join(c for c in comments if c)
            if is_synthetic_label(header):
                label = next(c for c in comments if is_synthetic_label(c))
        if label and label not in found:
            found.append(label)
    return " ".join(found) if found else None


def results_label(*results: Results | None) -> str | None:
    """The synthetic label the units' own notes carry (CSV samples note it on every row), if any."""
    for found in results:
        if found is None:
            continue
        for unit in found.units:
            note = identity_of(unit).note
            if note and is_synthetic_label(note):
                return note
    return None


def _data_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
    return files


def level_chart_data(report: Report, tier: TierReport) -> tuple[list[str], list[int], list[int] | None]:
    labels = [row.label for row in tier.levels]
    current = [row.count for row in tier.levels]
    previous = [row.previous or 0 for row in tier.levels] if tier.compared_levels else None
    return labels, current, previous


def explanation_pages(report: Report, main: str,
                      page_units: int | None = None) -> dict[str, list[tuple[str, str, UnitPages]]]:
    """By tier id, for each tier of more than ``page_units`` (``PAGE_UNITS``) units: its explanations' own pages,
    as file name (beside ``main``, with its suffix), title and units (made as they are read)."""
    limit = PAGE_UNITS if page_units is None else page_units
    stem, dot, suffix = main.rpartition(".")
    pages = {}
    for tier in report.tiers:
        if len(tier.units) > limit:
            assert isinstance(tier.units, UnitPages)
            prefix = f"{stem}-giai-trinh-{re.sub(r'[^A-Za-z0-9_-]', '-', tier.id)}"
            pages[tier.id] = [(f"{prefix}-{number}{dot}{suffix}", title, units)
                              for number, (title, units) in enumerate(_split(tier.units, limit), 1)]
    return pages


def unit_links(pages: Mapping[str, list[tuple[str, str, UnitPages]]]) -> dict[str, str]:
    """A unit's anchor: the explanation page (of ``explanation_pages``) that explains it."""
    return {unit: file for parts in pages.values() for file, _, units in parts for unit in units.anchors()}


PageWriter = Callable[[TierReport, str, Iterable[UnitPage], "WrittenRows"], str]
"""A format's explanation page: (tier, page title, its units, the rows its tier's pages share) → the page's text."""


def each_explanation_page(report: Report, pages: Mapping[str, list[tuple[str, str, UnitPages]]],
                          write_page: PageWriter) -> Iterator[tuple[str, str]]:
    """Every explanation page (of ``explanation_pages``) as file name and text, one at a time, its units made one at
    a time: a cohort of 100,000 units makes a gigabyte of pages, written as they are made and never held together."""
    for tier in report.tiers:
        written = WrittenRows()  # the pages of a tier share criterion rows
        for file, title, units in pages.get(tier.id, []):
            yield file, write_page(tier, title, units, written)


def _split(units: UnitPages, limit: int) -> list[tuple[str, UnitPages]]:
    """A tier's units as pages: one per district when its units have one (each at most ``limit`` units), else
    runs of ``limit`` units; each titled by its district and its first and last codes."""
    found = []
    for district, members in units.by_district().items():
        for start in range(0, len(members), limit):
            run = members[start:start + limit]
            codes = f"{run.code(0)}–{run.code(-1)}"
            found.append((f"{district} ({codes})" if district else codes, run))
    return found


def lines_text(lines: Iterable[str]) -> Iterator[str]:
    """The text of ``lines``, each ended by a newline (``"\\n".join(lines) + "\\n"``), in pieces as they come."""
    for line in lines:
        yield line
        yield "\n"


def moves_for_chart(tier: TierReport) -> list[tuple[str, int]]:
    """The rank changes to draw: every unit when few, else the largest rises and falls."""
    moves = list(tier.moves)
    if len(moves) <= 2 * CHART_UNITS:
        return moves
    rises = [m for m in moves if m[1] > 0][:CHART_UNITS]
    falls = [m for m in moves if m[1] < 0][-CHART_UNITS:]
    return rises + falls
