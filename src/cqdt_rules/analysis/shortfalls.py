"""Shortcomings (section III of the report): per tier and per district, the criteria on which units lose
most points and those most units miss full points on; for a named criterion or yes/no indicator, the
units that fail it; and the sentences a report writes about them ("riêng Huyện Mang Yang chưa đạt ...")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter

import attrs

from cqdt_rules.analysis.nodes import leaves, node_title, tier_title
from cqdt_rules.analysis.values import format_value
from cqdt_rules.engine.compiler import NodeResults
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import UsageError
from cqdt_rules.formatting import format_count, format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.tables import render_table

ORDERS = ("lost", "units")
FEW = 3  # at most this many failing units are named one by one ("riêng ...")

_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "most_lost": "{scope}: các tiêu chí mất nhiều điểm nhất là {items}.",
        "item": "“{title}” ({id}; mất {lost} điểm, {below}/{assessed} đơn vị chưa đạt điểm tối đa)",
        "all_met": "{ok}/{assessed} đơn vị {scope} đạt tiêu chí “{title}”",
        "only": "; riêng {names} chưa đạt",
        "several": "; còn {count} đơn vị chưa đạt: {names}",
        "none_met": "Không có đơn vị {scope} đạt tiêu chí “{title}”",
        "full": "{scope}: mọi đơn vị đạt điểm tối đa ở mọi tiêu chí.",
        "district": "{name}",
        "failing": "{title} ({id}): {count}/{assessed} đơn vị chưa đạt",
    },
    "en": {
        "most_lost": "{scope}: the criteria losing most points are {items}.",
        "item": "“{title}” ({id}; {lost} points lost, {below}/{assessed} units below full points)",
        "all_met": "{ok}/{assessed} units of {scope} meet “{title}”",
        "only": "; only {names} do not",
        "several": "; {count} units do not: {names}",
        "none_met": "No unit of {scope} meets “{title}”",
        "full": "{scope}: every unit has full points on every criterion.",
        "district": "{name}",
        "failing": "{title} ({id}): {count}/{assessed} units fail",
    },
}


_HEADERS = {
    "vi": (["#", "Tiêu chí", "Tên tiêu chí", "Tối đa", "Điểm mất", "Chưa đạt tối đa", "Tỷ lệ mất"],
           ["Mã", "Đơn vị", "Huyện", "Điểm", "Tối đa", "Số liệu"]),
    "en": (["#", "Criterion", "Title", "Max", "Points lost", "Below full", "Share lost"],
           ["Code", "Unit", "District", "Points", "Max", "Values"]),
}


@attrs.frozen
class CriterionShortfall:
    """One criterion over a set of units: the points they lost on it and who is below full points."""

    id: str
    title: str
    max: Decimal
    lost: Decimal  # Σ (max − points) over the units
    assessed: int
    below: tuple[str, ...]  # codes of the units below full points, most points lost first

    @property
    def share_lost(self) -> Decimal:
        """Points lost as a share (%) of the points the units could have had."""
        possible = self.max * self.assessed
        return Decimal(0) if not possible else self.lost * 100 / possible


@attrs.frozen
class Shortfalls:
    """The criteria of one tier (or of one district's communes) ranked by points lost or units below full."""

    tier: str
    scope: str  # the tier's title, or the district's name
    district: str | None
    assessed: int
    criteria: tuple[CriterionShortfall, ...]


@attrs.frozen
class Failing:
    """The units that fail a named criterion (below full points) or a yes/no indicator (answered no)."""

    tier: str
    scope: str
    id: str  # the criterion's id, or the indicator's name
    title: str
    assessed: int
    units: tuple[UnitResult, ...]


def cohort(results: Results, tier: str, source: str | None) -> list[UnitResult]:
    """The tier's units of ``source`` (every unit when None: results already narrowed to one stage)."""
    units = [u for u in results.tier_units(tier) if source is None or identity_of(u).source == source]
    if not units:
        raise UsageError(f"no assessments of tier '{tier}' in the data" if source is None else
                         f"no '{source}' assessments of tier '{tier}' in the data")
    return units


def shortfalls(results: Results, tier: str, source: str | None, lang: str = "vi", *, by_district: bool = False,
               order: str = "lost", districts: dict[str, str] | None = None) -> list[Shortfalls]:
    """The tier's criteria ranked by points lost in total (``order="lost"``) or by the number of units
    below full points (``"units"``); one list for the tier, or one per district (units with a parent)."""
    if order not in ORDERS:
        raise UsageError(f"unknown order '{order}': use {', '.join(ORDERS)}")
    units = cohort(results, tier, source)
    model = units[0].tier
    if not by_district:
        return [_shortfalls(model, tier_title(model, lang), None, units, order, lang)]
    parents = sorted({u.parent for u in units if u.parent})
    if not parents:
        raise UsageError(f"the units of tier '{tier}' belong to no district")
    names = districts or {}
    by_parent: dict[str, list[UnitResult]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent or "", []).append(unit)
    return [_shortfalls(model, names.get(code, code), code, by_parent[code], order, lang) for code in parents]


def _shortfalls(tier: m.Tier, scope: str, district: str | None, units: Sequence[UnitResult], order: str,
                lang: str) -> Shortfalls:
    found = []
    scored = [node for node in leaves(tier) if node.max]  # an informational criterion has nothing to lose
    ids = [node.id for node in scored]
    codes = [unit.code for unit in units]
    columns = list(zip(*[_points(unit, ids) for unit in units])) or [() for _ in scored]
    for node, column in zip(scored, columns):
        lost = {code: node.max - points for code, points in zip(codes, column) if points is not None}
        # by points lost, most first, then by code: sorted by code, then stably by points lost
        below = tuple(code for code, _ in sorted(sorted((item for item in lost.items() if item[1] > 0),
                                                       key=itemgetter(0)), key=itemgetter(1), reverse=True))
        found.append(CriterionShortfall(node.id, node_title(node, lang), node.max, sum(lost.values(), Decimal(0)),
                                        len(lost), below))
    key = ((lambda c: (-c.lost, -len(c.below), c.id)) if order == "lost"
           else (lambda c: (-len(c.below), -c.lost, c.id)))
    ranked = tuple(c for c in sorted(found, key=key) if c.lost > 0)
    return Shortfalls(tier.id, scope, district, len(units), ranked)


def _points(unit: UnitResult, node_ids: list[str]) -> list[Decimal | None]:
    """The unit's points on each criterion (None where it has no result), read without making a result per node
    when the engine keeps them in columns."""
    nodes = unit.nodes
    if isinstance(nodes, NodeResults):
        points, index = nodes.all_points(), nodes.shape.index  # every node's points at once: a unit's results may keep
        try:                                                     # none, and work them all out again on each read
            return [points[index[node_id]] for node_id in node_ids]
        except KeyError:  # a node without a result: told apart below
            pass
    return [nodes[node_id].points if node_id in nodes else None for node_id in node_ids]


def failing(results: Results, tier: str, source: str | None, name: str, lang: str = "vi") -> Failing:
    """The units failing criterion ``name`` (points below its maximum) or yes/no indicator ``name``
    (answered no; a unit that gave no value is listed too, as not meeting it)."""
    units = cohort(results, tier, source)
    model = units[0].tier
    scope = tier_title(model, lang)
    indicator = next((i for i in model.indicators if i.name == name), None)
    if indicator is not None and indicator.kind == "yesno":
        node = model.node(indicator.node_id)
        bad = tuple(u for u in units if u.assessment.values.get(name) is not True)
        return Failing(tier, scope, name, node_title(node, lang), len(units), bad)
    if indicator is not None:
        name = indicator.node_id  # another kind of indicator: the criterion that reads it
    try:
        node = model.node(name)
    except KeyError:
        raise UsageError(f"'{name}' is neither a criterion nor an indicator of tier '{tier}'") from None
    if node.is_group:
        raise UsageError(f"'{name}' is a group of tier '{tier}': name one of its criteria")
    bad = tuple(sorted((u for u in units if u.nodes[node.id].points < node.max),
                       key=lambda u: (u.nodes[node.id].points, u.code)))
    return Failing(tier, scope, node.id, node_title(node, lang), len(units), bad)


# ---------------------------------------------------------------- sentences and tables
def most_lost_sentence(found: Shortfalls, lang: str, count: int = 3, digits: int | None = None) -> str:
    t = _TEXT[lang]
    if not found.criteria:
        return t["full"].format(scope=found.scope)
    items = [t["item"].format(title=c.title, id=c.id, lost=format_number(c.lost, lang, digits),
                              below=format_count(len(c.below), lang), assessed=format_count(c.assessed, lang))
             for c in found.criteria[:count]]
    return t["most_lost"].format(scope=found.scope, items="; ".join(items))


def failing_sentence(found: Failing, lang: str, names: dict[str, str] | None = None) -> str:
    """"17/20 đơn vị đạt tiêu chí “…”; riêng Sở X chưa đạt" — each failing unit named when few, with its
    district for communes."""
    t = _TEXT[lang]
    if len(found.units) == found.assessed:
        return t["none_met"].format(scope=found.scope, title=found.title) + "."
    ok = found.assessed - len(found.units)
    text = t["all_met"].format(ok=format_count(ok, lang), assessed=format_count(found.assessed, lang),
                               scope=found.scope, title=found.title)
    listed = ", ".join(_named(u, names) for u in found.units)
    if 0 < len(found.units) <= FEW:
        text += t["only"].format(names=listed)
    elif found.units:
        text += t["several"].format(count=format_count(len(found.units), lang), names=listed)
    return text + "."


def _named(unit: UnitResult, names: dict[str, str] | None) -> str:
    if unit.parent and names is not None and unit.parent in names:
        return f"{unit.name} ({names[unit.parent]})"
    return unit.name


def few_failing(results: Results, tier: str, source: str | None, lang: str, limit: int = FEW) -> list[Failing]:
    """The yes/no indicators that at most ``limit`` units of the tier fail (and at least one): what a report
    singles out with "riêng ... chưa ..."."""
    units = cohort(results, tier, source)
    found = []
    for indicator in units[0].tier.indicators:
        if indicator.kind != "yesno" or not units[0].tier.node(indicator.node_id).max:
            continue
        result = failing(results, tier, source, indicator.name, lang)
        if 0 < len(result.units) <= limit:
            found.append(result)
    return found


def shortfall_rows(found: Shortfalls, lang: str, count: int | None = None, digits: int | None = None,
                   machines: bool = False) -> tuple[list[str], list[list[str]]]:
    def num(value: Decimal | int, places: int | None = None) -> str:
        return str(value) if machines else format_number(value, lang, places)

    rows = [[str(i), c.id, c.title, num(c.max), num(c.lost, digits), f"{num(len(c.below))}/{num(c.assessed)}",
             (str(c.share_lost.quantize(Decimal("0.01"))) if machines else num(c.share_lost, 2) + "%")]
            for i, c in enumerate(found.criteria[:count] if count else found.criteria, 1)]
    return list(_HEADERS[lang][0]), rows


def shortfall_table(found: Shortfalls, lang: str, count: int | None = None, digits: int | None = None) -> str:
    header, rows = shortfall_rows(found, lang, count, digits)
    return render_table(header, rows, right={0, 3, 4, 5, 6})


def failing_rows(found: Failing, lang: str, names: dict[str, str] | None = None,
                 machines: bool = False) -> list[list[str]]:
    """Each failing unit: code, name, district, points, maximum and the values the criterion read; ``machines``:
    the points as plain decimals (``2.500``), for a CSV file."""
    rows = []
    for unit in found.units:
        result = unit.nodes[_node_of(unit.tier, found.id)]
        values = "; ".join(f"{name}: {format_value(value, lang, tier=unit.tier, indicator=name)}"
                           for name, value in result.inputs)
        points, most = (str(result.points), str(result.max)) if machines else (
            format_number(result.points, lang), format_number(result.max, lang))
        rows.append([unit.code, unit.name, (names or {}).get(unit.parent or "", unit.parent or ""), points, most, values])
    return rows


def failing_table(found: Failing, lang: str, names: dict[str, str] | None = None) -> str:
    rows = failing_rows(found, lang, names)
    title = _TEXT[lang]["failing"].format(title=found.title, id=found.id, count=format_count(len(found.units), lang),
                                          assessed=format_count(found.assessed, lang))
    return title + "\n" + render_table(list(_HEADERS[lang][1]), rows, right={3, 4})


def _node_of(tier: m.Tier, name: str) -> str:
    """The criterion a name stands for: itself, or the one reading the indicator of that name."""
    return next((i.node_id for i in tier.indicators if i.name == name), name)
