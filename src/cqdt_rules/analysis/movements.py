"""Movements attributed across units (section IV.4): per tier, the criterion groups that account for the
rise of the units that rose most and the fall of those that fell most, in points; and each such unit's
change explained by both its gains and its losses. Same ruleset only: across rulesets the criteria differ."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from cqdt_rules.analysis.compare import TierComparison, UnitChange
from cqdt_rules.analysis.nodes import group_at, node_title
from cqdt_rules.formatting import format_number

GROUPS_NAMED = 3
CRITERIA_NAMED = 3

_TEXT = {
    "vi": {
        "risers": "Các đơn vị tăng bậc nhiều nhất ({units}) tăng điểm chủ yếu ở: {groups}.",
        "fallers": "Các đơn vị giảm bậc nhiều nhất ({units}) mất điểm chủ yếu ở: {groups}.",
        "unit": "{name} (hạng {old} → {new}; {total} điểm): {parts}.",
        "gains": "tăng ở {items}",
        "losses": "giảm ở {items}",
        "no_change": "điểm từng tiêu chí không đổi",
    },
    "en": {
        "risers": "The units that rose most ({units}) gained mainly in: {groups}.",
        "fallers": "The units that fell most ({units}) lost mainly in: {groups}.",
        "unit": "{name} (rank {old} → {new}; {total} points): {parts}.",
        "gains": "gained in {items}",
        "losses": "lost in {items}",
        "no_change": "no criterion changed",
    },
}


@attrs.frozen
class GroupMovement:
    id: str
    title: str
    gained: Decimal  # Σ of the criteria's gains over the units
    lost: Decimal  # Σ of their losses (≤ 0)

    @property
    def net(self) -> Decimal:
        return self.gained + self.lost


@attrs.frozen
class UnitMovement:
    code: str
    name: str  # with its district for communes ranked within the district
    ranks: tuple[int, int]
    total_change: Decimal
    gains: tuple[tuple[str, str, Decimal], ...]  # criterion id, title, points; largest first
    losses: tuple[tuple[str, str, Decimal], ...]


@attrs.frozen
class TierMovements:
    tier: str
    rising: tuple[GroupMovement, ...]  # over the units that rose most, largest net gain first
    falling: tuple[GroupMovement, ...]  # over the units that fell most, largest net loss first
    risers: tuple[UnitMovement, ...]
    fallers: tuple[UnitMovement, ...]


def attribute(comparison: TierComparison, lang: str = "vi", count: int = 5, depth: int = 2,
              districts: dict[str, str] | None = None) -> TierMovements | None:
    """None when the years were scored by different rulesets (criteria are not comparable)."""
    risers, fallers = comparison.movers(count)
    if any(not change.same_ruleset for change in risers + fallers):
        return None
    return TierMovements(comparison.tier, _groups(risers, lang, depth, rising=True),
                         _groups(fallers, lang, depth, rising=False),
                         tuple(unit_movement(c, lang, districts) for c in risers),
                         tuple(unit_movement(c, lang, districts) for c in fallers))


def _groups(changes: Sequence[UnitChange], lang: str, depth: int, rising: bool) -> tuple[GroupMovement, ...]:
    totals: dict[str, list[Decimal]] = {}
    titles: dict[str, str] = {}
    for change in changes:
        assert change.current is not None
        groups = group_at(change.current.tier, depth)
        for node_id, delta in change.node_changes():
            group = groups[node_id]
            titles[group.id] = node_title(group, lang)
            sums = totals.setdefault(group.id, [Decimal(0), Decimal(0)])
            sums[0 if delta > 0 else 1] += delta
    found = [GroupMovement(g, titles[g], gained, lost) for g, (gained, lost) in totals.items()]
    found = [g for g in found if (g.net > 0 if rising else g.net < 0)]
    return tuple(sorted(found, key=lambda g: (-g.net if rising else g.net, g.id)))


def unit_movement(change: UnitChange, lang: str, districts: dict[str, str] | None = None) -> UnitMovement:
    """A unit's change by both its gains and its losses, each largest first."""
    assert change.current is not None and change.previous is not None and change.ranks is not None
    tier = change.current.tier
    items = [(node_id, node_title(tier.node(node_id), lang), delta) for node_id, delta in change.node_changes()]
    name, parent = change.name, change.current.parent
    if parent and districts is not None:
        name = f"{name}, {districts.get(parent, parent)}"
    return UnitMovement(change.code, name, change.ranks, change.total_change or Decimal(0),
                        tuple(i for i in items if i[2] > 0), tuple(i for i in items if i[2] < 0))


def _signed(value: Decimal, lang: str, digits: int | None) -> str:
    text = format_number(abs(value), lang, digits)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def movement_sentences(found: TierMovements, lang: str, digits: int | None = None) -> list[str]:
    """The groups behind the rises and falls, then each mover's gains and losses."""
    t = _TEXT[lang]
    lines = []
    for key, units, groups in (("risers", found.risers, found.rising), ("fallers", found.fallers, found.falling)):
        if units and groups:
            named = "; ".join(f"{g.title} ({_signed(g.net, lang, digits)})" for g in groups[:GROUPS_NAMED])
            lines.append(t[key].format(units=", ".join(u.name for u in units), groups=named))
    for unit in found.risers + found.fallers:
        lines.append(unit_sentence(unit, lang, digits))
    return lines


def unit_sentence(unit: UnitMovement, lang: str, digits: int | None = None) -> str:
    t = _TEXT[lang]
    parts = []
    for key, items in (("gains", unit.gains), ("losses", unit.losses)):
        if items:
            listed = ", ".join(f"{node_id} {_signed(delta, lang, digits)}" for node_id, _, delta in items[:CRITERIA_NAMED])
            parts.append(t[key].format(items=listed))
    return t["unit"].format(name=unit.name, old=unit.ranks[0], new=unit.ranks[1],
                            total=_signed(unit.total_change, lang, digits), parts="; ".join(parts) or t["no_change"])
