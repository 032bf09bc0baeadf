"""The transition year side by side: a unit's level and rank under one ruleset beside its index
value, band and rank under the next, joined on unit code (built on the comparison module)."""

from __future__ import annotations

import csv
import io

from cqdt_rules.analysis.compare import UnitChange, compare
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.formatting import format_number
from cqdt_rules.tables import render_table

_HEADERS = {
    "vi": ["Mã", "Đơn vị", "Huyện", "Mức {old}", "Hạng {old}", "Điểm {old}", "{index} {new}", "Xếp loại {new}",
           "Hạng {new}", "Ghi chú"],
    "en": ["Code", "Unit", "District", "Level {old}", "Rank {old}", "Total {old}", "{index} {new}", "Band {new}",
           "Rank {new}", "Note"],
}
_STATUS = {
    "vi": {"both": "", "current only": "chỉ có năm {new}", "previous only": "chỉ có năm {old}"},
    "en": {"both": "", "current only": "only in {new}", "previous only": "only in {old}"},
}


def _year(results: Results, source: str) -> int:
    return max(u.assessment.year for u in results.units if u.assessment.source == source)


def _index_name(new: Results) -> str:
    for tier in new.ruleset.tiers:
        if tier.outputs:
            return tier.outputs[0].label
    return "Total"


def transition_rows(old: Results, new: Results, source: str, lang: str, for_machines: bool = False) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Header and (tier id, row) pairs; every unit of either side appears, with its status."""
    old_year, new_year = _year(old, source), _year(new, source)
    header = [h.format(old=old_year, new=new_year, index=_index_name(new)) for h in _HEADERS[lang]]
    rows: list[tuple[str, list[str]]] = []
    old_tiers = {t.id for t in old.ruleset.tiers}
    for comparison in compare(new, old, source=source):
        if comparison.tier not in old_tiers:
            continue
        for change in sorted(comparison.units, key=_order):
            rows.append((comparison.tier, _row(change, lang, for_machines, old_year, new_year)))
    return header, rows


def _order(change: UnitChange) -> tuple[object, ...]:
    unit = change.current or change.previous
    assert unit is not None
    return (unit.parent or "", change.current is None, change.current.rank() if change.current and change.current.ranks else 0, change.code)


def _number(value: object, lang: str, machines: bool) -> str:
    if value is None:
        return ""
    return str(value) if machines else format_number(value, lang)  # type: ignore[arg-type]


def _row(change: UnitChange, lang: str, machines: bool, old_year: int, new_year: int) -> list[str]:
    old, new = change.previous, change.current
    unit: UnitResult = new or old  # type: ignore[assignment]
    first_output = next(iter(new.outputs.values()), None) if new else None
    return [
        change.code, change.name, unit.parent or "",
        old.level.label if old and old.level else "",
        str(old.rank()) if old and old.ranks else "",
        _number(old.total if old else None, lang, machines),
        _number(first_output if first_output is not None else (new.total if new else None), lang, machines),
        new.level.label if new and new.level else "",
        str(new.rank()) if new and new.ranks else "",
        _STATUS[lang][change.status].format(old=old_year, new=new_year),
    ]


def transition_table(old: Results, new: Results, source: str = "audit", lang: str = "vi") -> str:
    header, rows = transition_rows(old, new, source, lang)
    blocks = []
    for tier in new.ruleset.tiers:
        tier_rows = [row for tier_id, row in rows if tier_id == tier.id]
        if tier_rows:
            blocks.append(f"{tier.title} ({len(tier_rows)})\n" + render_table(header, tier_rows, right={4, 5, 6, 8}))
    return "\n\n".join(blocks) + "\n"


def transition_csv(old: Results, new: Results, source: str = "audit", lang: str = "en") -> str:
    header, rows = transition_rows(old, new, source, "en", for_machines=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tier"] + header)
    for tier_id, row in rows:
        writer.writerow([tier_id] + row)
    return buffer.getvalue()
