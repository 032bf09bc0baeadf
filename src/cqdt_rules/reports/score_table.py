"""The results of a run as plain-text tables, per tier and cohort, ranked, in the reader's format; written row by
row, so that the table of a national cohort is never held whole."""

from __future__ import annotations

import io
from functools import partial
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TextIO

import attrs

from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.engine.stream import CohortRows, counted
from cqdt_rules.formatting import format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.tables import write_table

_LABELS = {
    "vi": {"rank": "Hạng", "rank_in_district": "Hạng trong huyện", "code": "Mã", "name": "Đơn vị",
           "total": "Tổng điểm", "district": "Huyện", "units": "đơn vị", "year": "năm",
           "self": "tự đánh giá", "audit": "thẩm định"},
    "en": {"rank": "Rank", "rank_in_district": "Rank in district", "code": "Code", "name": "Unit",
           "total": "Total", "district": "District", "units": "units", "year": "",
           "self": "self-assessed", "audit": "audited"},
}

RankCells = Sequence[tuple[int, int, str]]
"""A unit's place in each ranking of its tier: its position, the size of its group, the group."""


def ranking_label(ranking: m.Ranking, lang: str) -> str:
    """The ruleset's label of a ranking (written in Vietnamese), or its meaning in English."""
    if lang == "vi":
        return ranking.label
    return _LABELS["en"]["rank_in_district"] if ranking.within == "district" else _LABELS["en"]["rank"]


class TierTable:
    """The columns of a tier's table and each unit's row. An index tier (``headline OUTPUT``) shows that output
    first and no total, which would mean nothing there. Communes ranked within their district go district by
    district, with the district's code, so that seventeen first places read as the first of each district."""

    def __init__(self, tier: m.Tier, lang: str):
        labels = _LABELS[lang]
        self.tier, self.lang = tier, lang
        self.rankings = list(tier.rankings)
        self.outputs = sorted(tier.outputs, key=lambda o: o.name != tier.headline)
        self.totals = not tier.headline
        self.digits = tier.total_rounding.digits if tier.total_rounding else None
        self.by_district = bool(self.rankings) and self.rankings[0].within == "district"
        header = [labels["rank_in_district"] if self.by_district else labels["rank"]]
        header += [labels["district"]] if self.by_district else []
        header += [labels["code"], labels["name"]]
        header += [ranking_label(r, lang) for r in self.rankings[1:]]
        numbers = len(header)
        header += ([labels["total"]] if self.totals else []) + [o.label for o in self.outputs]
        self.right = {0, *range(numbers, len(header))}
        self.header = header + [s.label for s in tier.levels]

    def own_cells(self, u: UnitResult) -> list[str]:
        """The unit's cells that do not depend on the other units (all but its ranks)."""
        cells = [u.parent or "—"] if self.by_district else []
        cells += [u.code, u.name]
        cells += [format_number(u.total, self.lang, self.digits)] if self.totals else []
        cells += [_output_text(u.outputs[o.name], self.lang) for o in self.outputs]
        return cells + [u.levels[s.name].label for s in self.tier.levels]

    def row(self, own: list[str], ranks: RankCells) -> list[str]:
        split = 3 if self.by_district else 2
        first = [str(ranks[0][0]) if ranks else ""]
        return first + own[:split] + [f"{rank}/{of} ({group})" for rank, of, group in ranks[1:]] + own[split:]

    def unit_rows(self, units: Iterable[UnitResult]) -> Iterator[tuple[list[str], RankCells]]:
        """Each unit's own cells and its ranks."""
        for u in units:
            yield self.own_cells(u), [(u.ranks[r.name].rank, u.ranks[r.name].of, u.ranks[r.name].group)
                                      for r in self.rankings]


@attrs.frozen
class TableCohort:
    """One cohort's table: its size, and its rows (each unit's own cells and ranks) in the table's order, given
    afresh on each call (they are read twice: first for the columns' widths)."""

    table: TierTable
    year: int
    source: str
    size: int
    rows: Callable[[], Iterable[tuple[list[str], RankCells]]]


class TierTables:
    """A ``TierTable`` per tier in one language, made when first needed: ``own_cells`` gives a unit's cells to the
    streamed scorer (``engine.stream``, ``cells=``), ``cohorts`` its cohorts' rows back as tables."""

    def __init__(self, lang: str):
        self.lang = lang
        self._tables: dict[str, TierTable] = {}

    def of(self, tier: m.Tier) -> TierTable:
        table = self._tables.get(tier.id)
        if table is None:
            table = self._tables[tier.id] = TierTable(tier, self.lang)
        return table

    def own_cells(self, u: UnitResult) -> list[str]:
        return self.of(u.tier).own_cells(u)

    def cohorts(self, cohorts: Iterable[CohortRows]) -> Iterator[TableCohort]:
        for c in cohorts:
            yield TableCohort(self.of(c.tier), c.year, c.source, c.size, c.rows)


def results_table(results: Results, lang: str = "vi") -> str:
    out = io.StringIO()
    write_results_table(out, results_cohorts(results, lang), lang)
    return out.getvalue()


def results_cohorts(results: Results, lang: str) -> Iterator[TableCohort]:
    """The cohorts of scored results, tier by tier in the ruleset's order, then by year and source."""
    for tier in results.ruleset.tiers:
        units = results.tier_units(tier.id)
        table = TierTable(tier, lang)
        for year, source in sorted({(identity_of(u).year, identity_of(u).source) for u in units}):
            members = sorted((u for u in units if (identity_of(u).year, identity_of(u).source) == (year, source)),
                             key=lambda u: table_order(tier, u))
            yield TableCohort(table, year, source, len(members), partial(table.unit_rows, members))


def table_order(tier: m.Tier, u: UnitResult) -> tuple[str, int, str]:
    """Where a unit's row goes: by the group and position of the tier's first ranking, then by code."""
    if not tier.rankings:
        return "", 0, u.code
    rank = u.ranks[tier.rankings[0].name]
    return rank.group, rank.rank, u.code


def write_results_table(out: TextIO, cohorts: Iterable[TableCohort], lang: str,
                        done: Callable[[int], None] | None = None) -> None:
    """Each cohort's title and table, a blank line between them; ``done(n)`` is told of the rows written."""
    labels = _LABELS[lang]
    for number, cohort in enumerate(cohorts):
        tier, table = cohort.table.tier, cohort.table
        title = tier.title_en if lang == "en" and tier.title_en else tier.title
        year_text = f"{labels['year']} {cohort.year}".strip()
        out.write(("\n" if number else "") + f"{title} — {year_text}, {labels.get(cohort.source, cohort.source)}, "
                  f"{format_number(cohort.size, lang)} {labels['units']}\n")
        writing = iter((False, True))  # the rows are read twice: the second time they are written

        def rows(rows_of: TableCohort = cohort, tier_table: TierTable = table) -> Iterator[list[str]]:
            lines = (tier_table.row(own, ranks) for own, ranks in rows_of.rows())
            return counted(lines, done) if next(writing) and done is not None else lines

        write_table(out, table.header, rows, table.right)
        out.write("\n")


def _output_text(value: Decimal | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang)
