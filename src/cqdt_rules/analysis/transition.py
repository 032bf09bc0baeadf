"""The transition year side by side: a unit's level and rank under one ruleset beside its index
value, band and rank under the next, joined on unit code (built on the comparison module)."""

from __future__ import annotations

import io

from cqdt_rules.analysis.compare import TierComparison, UnitChange, compare, compared_rankings
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import UsageError
from cqdt_rules.formatting import format_number
from cqdt_rules.model.ruleset import Output
from cqdt_rules.tables import csv_writer, render_table

_HEADERS = {
    "vi": ["Mã", "Đơn vị", "Huyện", "Mức {old}", "Hạng {old}", "Điểm {old}", "{index} {new}", "Xếp loại {new}",
           "Hạng {new}", "Ghi chú"],
    "en": ["Code", "Unit", "District", "Level {old}", "Rank {old}", "Total {old}", "{index} {new}", "Band {new}",
           "Rank {new}", "Note"],
}
_MACHINE_HEADER = ["code", "name", "parent", "level_{old}", "rank_{old}", "total_{old}", "{index}_{new}", "level_{new}",
                   "rank_{new}", "status"]
"""The CSV's columns: ids as ``cqdt score --format csv`` names them (the index by its output's name), in every
language; ``status`` holds ``compare``'s (both, current only, previous only)."""
_TOTAL = {"vi": "Tổng điểm", "en": "Total"}
_RANKED = {
    "vi": "Thứ hạng: {old} ({old_year}) và {new} ({new_year})",
    "en": "Ranks: {old} ({old_year}) and {new} ({new_year})",
}
_STATUS = {
    "vi": {"both": "", "current only": "chỉ có năm {new}", "previous only": "chỉ có năm {old}"},
    "en": {"both": "", "current only": "only in {new}", "previous only": "only in {old}"},
}


def _year(results: Results, source: str, side: str) -> int:
    years = [identity_of(u).year for u in results.units if identity_of(u).source == source]
    if not years:
        held = sorted({identity_of(u).source for u in results.units})
        raise UsageError(f"the {side} data holds no '{source}' assessments (it holds: {', '.join(held) or 'none'}); "
                         f"choose the source with --source")
    return max(years)


def _index(new: Results) -> Output | None:
    """The later ruleset's index (its first tier output), shown beside the earlier total; None without one."""
    return next((tier.outputs[0] for tier in new.ruleset.tiers if tier.outputs), None)


def _index_name(new: Results, lang: str) -> str:
    index = _index(new)
    return index.label if index is not None else _TOTAL[lang]


def transition_rows(old: Results, new: Results, source: str, lang: str, for_machines: bool = False) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Header and (tier id, row) pairs, tiers in the order ``summary`` gives them (the later ruleset's);
    every unit of either side appears, with its status. Ranks are those ``compared_rankings`` pairs,
    so a commune's rank within its district stands beside its rank within its district."""
    old_year, new_year = _year(old, source, "earlier"), _year(new, source, "later")
    if old_year >= new_year:
        raise UsageError(f"the earlier data are of {old_year}, not of a year before the later data's {new_year}; "
                         f"give the earlier ruleset and its data first: swap the two pairs if they are the wrong "
                         f"way round")
    index = _index(new)
    if for_machines:
        header = [h.format(old=old_year, new=new_year, index=index.name if index else "total") for h in _MACHINE_HEADER]
    else:
        header = [h.format(old=old_year, new=new_year, index=_index_name(new, lang)) for h in _HEADERS[lang]]
    rows: list[tuple[str, list[str]]] = []
    for comparison in _comparisons(old, new, source):
        pair = _pair(old, new, comparison.tier)
        for change in sorted(comparison.units, key=lambda c: _order(c, pair)):
            rows.append((comparison.tier, _row(change, pair, lang, for_machines, old_year, new_year)))
    return header, rows


def _comparisons(old: Results, new: Results, source: str) -> list[TierComparison]:
    old_tiers = {t.id for t in old.ruleset.tiers}
    return [c for c in compare(new, old, source=source) if c.tier in old_tiers]


def _pair(old: Results, new: Results, tier: str) -> tuple[str | None, str | None]:
    """The names of the old and new rankings shown: those of the same scope, else each side's first."""
    found = compared_rankings(new.ruleset.tier(tier), old.ruleset.tier(tier))
    if found is not None:
        return found[1].name, found[0].name
    first = [r.ruleset.tier(tier).rankings for r in (old, new)]
    return (first[0][0].name if first[0] else None), (first[1][0].name if first[1] else None)


def ranking_note(old: Results, new: Results, tier: str, lang: str, old_year: int, new_year: int) -> str:
    """Which rankings the two rank columns show, named, so a reader never mistakes one scope for another."""
    names = _pair(old, new, tier)
    labels = [next((r.label for r in side.ruleset.tier(tier).rankings if r.name == name), "—")
              for side, name in zip((old, new), names)]
    return _RANKED[lang].format(old=labels[0], new=labels[1], old_year=old_year, new_year=new_year)


def _rank(unit: UnitResult | None, ranking: str | None) -> int | None:
    if unit is None or ranking is None or ranking not in unit.ranks:
        return None
    return unit.rank(ranking)


def _order(change: UnitChange, pair: tuple[str | None, str | None]) -> tuple[object, ...]:
    unit = change.current or change.previous
    assert unit is not None
    return (unit.parent or "", change.current is None, _rank(change.current, pair[1]) or 0, change.code)


def _number(value: object, lang: str, machines: bool) -> str:
    if value is None:
        return ""
    return str(value) if machines else format_number(value, lang)  # type: ignore[arg-type]


def _row(change: UnitChange, pair: tuple[str | None, str | None], lang: str, machines: bool, old_year: int,
         new_year: int) -> list[str]:
    old, new = change.previous, change.current
    unit: UnitResult = new or old  # type: ignore[assignment]
    first_output = next(iter(new.outputs.values()), None) if new else None
    old_rank, new_rank = _rank(old, pair[0]), _rank(new, pair[1])
    return [
        change.code, change.name, unit.parent or "",
        old.level.label if old and old.level else "",
        "" if old_rank is None else str(old_rank),
        _number(old.total if old else None, lang, machines),
        _number(first_output if first_output is not None else (new.total if new else None), lang, machines),
        new.level.label if new and new.level else "",
        "" if new_rank is None else str(new_rank),
        change.status if machines else _STATUS[lang][change.status].format(old=old_year, new=new_year),
    ]


def transition_table(old: Results, new: Results, source: str = "audit", lang: str = "vi") -> str:
    header, rows = transition_rows(old, new, source, lang)
    old_year, new_year = _year(old, source, "earlier"), _year(new, source, "later")
    if old_year >= new_year:
        raise UsageError(f"the earlier data are of {old_year}, not of a year before the later data's {new_year}; "
                         f"give the earlier ruleset and its data first: swap the two pairs if they are the wrong "
                         f"way round")
    blocks = []
    for comparison in _comparisons(old, new, source):
        tier_rows = [row for tier_id, row in rows if tier_id == comparison.tier]
        if tier_rows:
            note = ranking_note(old, new, comparison.tier, lang, old_year, new_year)
            blocks.append(f"{comparison.title} ({len(tier_rows)})\n{note}\n"
                          + render_table(header, tier_rows, right={4, 5, 6, 8}))
    return "\n\n".join(blocks) + "\n"


def transition_csv(old: Results, new: Results, source: str = "audit", lang: str = "en") -> str:
    """The rows as CSV, the same in every language (``lang`` is taken as ``transition_table`` takes it)."""
    header, rows = transition_rows(old, new, source, lang, for_machines=True)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["tier"] + header)
    for tier_id, row in rows:
        writer.writerow([tier_id] + row)
    return buffer.getvalue()
