"""What it would take: for every unit, the points missing to the next level, and the criteria with the
most points still available, in the order a unit would work on them.

Points still available in a criterion are its maximum minus its points, bounded by the room left in
every group above it (a capped group cannot give more than its maximum). Criteria are ordered by
points available, ties broken by the cheapest kind of work first: adding missing evidence, then a
yes/no item, a category, an item count, a count threshold, a share threshold, a ratio, then criteria
that depend on other units (normalised). Criteria the unit cannot work on itself (scored or entered
by the audit team) come after all the others. For each
criterion the next step is computed by re-evaluating the criterion with the changed value (what
would give the next band, full points), never by a second copy of the scoring rules.
"""

from __future__ import annotations

import decimal

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.compiler import (
    HUNDRED,
    ZERO,
    CompiledRuleset,
    CompiledTier,
    Env,
    compile_ruleset,
)
from cqdt_rules.engine.evaluator import published_value
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import UsageError, did_you_mean
from cqdt_rules.formatting import format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.tables import csv_writer, render_table

# cost of the work, cheapest first
COST_EVIDENCE, COST_YES, COST_CATEGORY, COST_ITEMS, COST_COUNT, COST_SHARE, COST_RATIO, COST_OTHER, \
    COST_NORMALISED, COST_AUDIT = range(10)


@attrs.frozen
class Step:
    """A change to one indicator and the points it would bring."""

    kind: str  # evidence, yes, category, value, pair_a, items, none
    indicator: str | None
    target: Any  # the value to reach (bool, category name, Decimal, Pair); evidence: what is required
    gain: Decimal
    note: str = ""


@attrs.frozen
class Opportunity:
    node_id: str
    title: str
    max: Decimal
    points: Decimal
    available: Decimal  # max - points, bounded by the room left in the groups above
    cost: int
    next_step: Step | None
    full_step: Step | None
    flags: tuple[str, ...] = ()


@attrs.frozen
class LevelGap:
    """The next level of one scale and what is missing to reach it."""

    scale: str
    current_label: str
    next_id: str | None  # None: already at the top level
    next_label: str | None
    points_missing: Decimal | None  # total points (None when the level is not on a points scale)
    value_missing: Decimal | None  # in the scale's own units (a share, an index value)
    unmet: tuple[tuple[str, Decimal | None], ...] = ()  # prerequisites of the next level: (what, points missing)


@attrs.frozen
class UnitGaps:
    unit: UnitResult = attrs.field(eq=False, repr=False)
    levels: tuple[LevelGap, ...]
    opportunities: tuple[Opportunity, ...]

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def level(self) -> LevelGap | None:
        return self.levels[0] if self.levels else None

    def plan(self) -> list[tuple[Opportunity, Decimal, Decimal]]:
        """The opportunities in order with the points each adds (after the group caps) and the running total."""
        room: dict[str, Decimal] = {}
        tier = self.unit.tier
        parents = _parents(tier)
        for node_id, result in self.unit.nodes.items():
            room[node_id] = result.max - result.points
        out = []
        running = ZERO
        for opportunity in self.opportunities:
            gain = room.get(opportunity.node_id, ZERO)
            for ancestor in parents.get(opportunity.node_id, ()):
                gain = min(gain, room.get(ancestor, ZERO))
            gain = max(gain, ZERO)
            for node_id in (opportunity.node_id, *parents.get(opportunity.node_id, ())):
                room[node_id] = room.get(node_id, ZERO) - gain
            running += gain
            out.append((opportunity, gain, running))
        return out


def _parents(tier: m.Tier) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}

    def visit(node: m.Node, chain: tuple[str, ...]) -> None:
        found[node.id] = chain
        for child in node.children:
            visit(child, (node.id, *chain))

    for node in tier.nodes:
        visit(node, ())
    return found


# ================================================================ computing
def gaps(ruleset: loading.CheckedRuleset | m.Ruleset, results: Results | Iterable[Assessment], *,
         source: str | None = None) -> tuple[list[UnitGaps], str]:
    """Gaps for every unit of ``source`` (default: the audited records if there are any, else self).

    Returns the gaps and the source used.
    """
    compiled = ruleset.compiled if isinstance(ruleset, loading.CheckedRuleset) else compile_ruleset(ruleset)
    if not isinstance(results, Results):
        results = scoring.score(ruleset, results)
    sources = {identity_of(u).source for u in results}
    if source is None:
        source = "audit" if "audit" in sources else "self"
    chosen = [u for u in results if identity_of(u).source == source]
    if not chosen:
        raise UsageError(f"no '{source}' assessments in the data" + (f" (found: {', '.join(sorted(sources))})" if sources else ""))
    return [unit_gaps(compiled, u) for u in chosen], source


def unit_gaps(compiled: CompiledRuleset, unit: UnitResult) -> UnitGaps:
    tier = compiled.tiers[unit.tier.id]
    levels = tuple(_level_gap(unit, scale, tier) for scale in unit.tier.levels)
    opportunities = [_opportunity(tier, unit, node) for node in unit.tier.walk() if not node.is_group and node.max > 0]
    found = [o for o in opportunities if o.available > 0]
    order = {node.id: index for index, node in enumerate(unit.tier.walk())}
    # criteria the unit cannot work on itself (scored or entered by the audit team) come last
    found.sort(key=lambda o: (o.cost == COST_AUDIT, -o.available, o.cost, order[o.node_id]))
    return UnitGaps(unit, levels, tuple(found))


def _level_gap(unit: UnitResult, scale: m.LevelScale, tier: CompiledTier) -> LevelGap:
    current = unit.levels[scale.name]
    ids = [level.id for level in scale.levels]
    if current.id is None:
        target_index = len(scale.levels) - 1
    else:
        target_index = ids.index(current.id) - 1
    if target_index < 0:
        return LevelGap(scale.name, current.label, None, None, ZERO, ZERO)
    target = scale.levels[target_index]
    value, maximum = published_value(unit, scale.on)
    needed = _needed(scale.on, target.threshold, maximum)
    value_missing = None if value is None else max(needed - value, ZERO)
    points_missing = _points_for(unit, scale.on, value_missing, tier)
    unmet = []
    for requirement in target.requires:
        r_value, r_max = published_value(unit, requirement.ref)
        r_needed = _needed(requirement.ref, requirement.threshold, r_max)
        if r_value is not None and r_value >= r_needed:
            continue
        missing = None if r_value is None else r_needed - r_value
        unmet.append((_ref_text(requirement.ref, requirement.threshold), _points_for(unit, requirement.ref, missing, tier)))
    return LevelGap(scale.name, current.label, target.id, target.label, points_missing, value_missing, tuple(unmet))


def _needed(ref: m.ValueRef, threshold: m.Threshold, maximum: Decimal | None) -> Decimal:
    """The published value a reference must reach to meet ``threshold`` (as the evaluator compares)."""
    if not threshold.percent:
        return threshold.value
    if maximum is not None:
        return threshold.value * maximum / HUNDRED
    return threshold.value / HUNDRED


def _points_for(unit: UnitResult, ref: m.ValueRef, missing: Decimal | None, tier: CompiledTier) -> Decimal | None:
    """Points of the total (or of the node) that make up ``missing`` of the reference's value."""
    if missing is None:
        return None
    if isinstance(ref, (m.TotalRef, m.PointsRef)):
        return missing
    if isinstance(ref, m.ShareRef):
        return missing * unit.nodes[ref.node_id].max
    output = next((o for o in unit.tier.outputs if o.name == ref.name), None)
    if output is not None and isinstance(output.expr, m.Binary) and isinstance(output.expr.left, m.TotalRef) \
            and isinstance(output.expr.right, m.Number) and output.expr.right.value != 0:
        if output.expr.op == "/":
            return missing * output.expr.right.value
        if output.expr.op == "*":
            return missing / output.expr.right.value
    return None


def _ref_text(ref: m.ValueRef, threshold: m.Threshold) -> str:
    if isinstance(ref, m.TotalRef):
        name = "total"
    elif isinstance(ref, m.OutputRef):
        name = ref.name
    else:
        name = f"{'points' if isinstance(ref, m.PointsRef) else 'share'}({ref.node_id})"
    return f"{name} ≥ {format_number(threshold.value)}{'%' if threshold.percent else ''}"


def _room(unit: UnitResult, node_id: str, parents: dict[str, tuple[str, ...]]) -> Decimal:
    result = unit.nodes[node_id]
    room = result.max - result.points
    for ancestor in parents.get(node_id, ()):
        a = unit.nodes[ancestor]
        room = min(room, a.max - a.points)
    return max(room, ZERO)


def _opportunity(tier: CompiledTier, unit: UnitResult, node: m.Node) -> Opportunity:
    result = unit.nodes[node.id]
    available = _room(unit, node.id, _parents(unit.tier))
    rule = node.rule
    assert rule is not None
    values = dict(unit.assessment.values)
    evidence = dict(identity_of(unit).evidence)
    indicators = {i.name: i for i in unit.tier.indicators}

    def evaluate(changed_values: dict[str, Any] | None = None, changed_evidence: dict[str, tuple[str, ...]] | None = None) -> Decimal:
        # a changed value comes with the evidence it needs (answering "yes" means proving it)
        proven = {n: ("…",) for n in changed_values or {} if n in indicators and indicators[n].evidence_required}
        env = Env(tier, {**values, **(changed_values or {})}, {**evidence, **proven, **(changed_evidence or {})}, {})
        with decimal.localcontext(ARITHMETIC):  # the engine's arithmetic, not the caller's context
            points: Decimal = tier.node_fns[node.id](env).points
        return points

    if "not assessed" in result.flags:
        return Opportunity(node.id, node.title, node.max, result.points, available, COST_AUDIT, None, None, result.flags)
    if "missing evidence" in result.flags:
        lacking: dict[str, tuple[str, ...]] = {n: ("…",) for n in m.rule_indicators(rule) if n in indicators
                                               and indicators[n].needs_evidence(values.get(n)) and not evidence.get(n)}
        gain = evaluate(changed_evidence=lacking) - result.points
        what = "; ".join(f"{n}: {indicators[n].evidence}" for n in lacking)
        step = Step("evidence", ", ".join(lacking), what, gain)
        full = _full_step(rule, evaluate, values, indicators, result.points, node, extra_evidence=lacking)
        return Opportunity(node.id, node.title, node.max, result.points, available, COST_EVIDENCE, step,
                           full if full and full.gain > step.gain else None, result.flags)
    cost = _cost(rule, indicators)
    next_step, full_step = _steps(rule, evaluate, values, indicators, result.points, node)
    if full_step is not None and next_step is not None and full_step.target == next_step.target:
        full_step = None
    return Opportunity(node.id, node.title, node.max, result.points, available, cost, next_step, full_step, result.flags)


def _cost(rule: m.Rule, indicators: dict[str, m.Indicator]) -> int:
    if isinstance(rule, m.YesRule):
        return COST_YES
    if isinstance(rule, m.CategoryRule):
        return COST_CATEGORY
    if isinstance(rule, m.PerItemRule):
        return COST_ITEMS
    if isinstance(rule, m.BandsRule):
        kind = indicators[rule.indicator].kind
        return COST_COUNT if kind in ("count", "number", "score") else COST_SHARE
    if isinstance(rule, m.RatioRule):
        return COST_RATIO
    if isinstance(rule, m.NormalisedRule):
        return COST_NORMALISED
    if isinstance(rule, m.DirectRule):
        return COST_AUDIT
    return COST_OTHER


def _full_step(rule: m.Rule, evaluate: Any, values: dict[str, Any], indicators: dict[str, m.Indicator],
               points: Decimal, node: m.Node, extra_evidence: dict[str, tuple[str, ...]]) -> Step | None:
    """With evidence added, the step that gives full points (for a criterion zeroed for missing evidence)."""
    def with_evidence(changed_values: dict[str, Any] | None = None, changed_evidence: Any = None) -> Decimal:
        points: Decimal = evaluate(changed_values, {**extra_evidence, **(changed_evidence or {})})
        return points

    _, full = _steps(rule, with_evidence, values, indicators, points, node)
    return full


def _steps(rule: m.Rule, evaluate: Any, values: dict[str, Any], indicators: dict[str, m.Indicator],
           points: Decimal, node: m.Node) -> tuple[Step | None, Step | None]:
    """(the smallest change that gains points, the change that gives the most points)."""
    candidates = _candidates(rule, values, indicators)
    scored = []
    for kind, name, target in candidates:
        gain = evaluate({name: target}) - points
        if gain > 0:
            scored.append(Step(kind, name, target, gain))
    if not scored:
        if isinstance(rule, m.DirectRule):
            return Step("audit", rule.indicator, None, ZERO), None
        if isinstance(rule, m.NormalisedRule):
            return Step("normalised", rule.indicator, None, ZERO), None
        return None, None
    smallest = min(scored, key=lambda s: (s.gain, _effort(s, values)))
    best_gain = max(s.gain for s in scored)
    largest = min((s for s in scored if s.gain == best_gain), key=lambda s: _effort(s, values))
    return smallest, largest


def _effort(step: Step, values: dict[str, Any]) -> Decimal:
    """How far the target is from the current value (to prefer the nearer of two equal gains)."""
    current = values.get(step.indicator or "")
    if isinstance(step.target, Pair) and isinstance(current, Pair):
        return abs(step.target.a - current.a)
    if isinstance(step.target, Decimal) and isinstance(current, Decimal):
        return abs(step.target - current)
    return ZERO


def _candidates(rule: m.Rule, values: dict[str, Any], indicators: dict[str, m.Indicator]) -> list[tuple[str, str, Any]]:
    """Values worth trying for each indicator the rule reads."""
    if isinstance(rule, m.BestOfRule):
        found: list[tuple[str, str, Any]] = []
        for alternative in rule.alternatives:
            found.extend(_candidates(alternative, values, indicators))
        return found
    if isinstance(rule, (m.InformationalRule, m.DirectRule, m.NormalisedRule)):
        return []
    names = m.rule_indicators(rule)
    found = []
    for name in names:
        ind = indicators.get(name)
        value = values.get(name)
        if ind is None or value is None:
            continue
        thresholds = _thresholds(rule, name)
        found.extend(_targets(ind, value, thresholds))
    return found


def _thresholds(rule: m.Rule, name: str) -> list[tuple[str, Decimal]]:
    if isinstance(rule, m.BandsRule) and rule.indicator == name:
        return [(b.comparator, b.threshold.value) for b in rule.bands]
    return []


def _targets(ind: m.Indicator, value: Any, thresholds: list[tuple[str, Decimal]]) -> list[tuple[str, str, Any]]:
    name = ind.name
    if ind.kind == "yesno":
        return [("yes", name, True)] if value is not True else []
    if ind.kind == "category":
        return [("category", name, c.name) for c in ind.categories if c.name != value]
    if ind.kind == "pair":
        assert isinstance(value, Pair)
        if value.b == 0:
            return []
        integral = value.a == value.a.to_integral_value() and value.b == value.b.to_integral_value()
        targets = {value.b}
        for comparator, threshold in thresholds:
            exact = threshold * value.b / HUNDRED
            if comparator == ">" and integral:
                a = Decimal(math.floor(exact)) + 1
            elif integral:
                a = Decimal(math.ceil(exact))
            else:
                a = exact
            if a > value.a and (a <= value.b or ind.a_may_exceed_b):
                targets.add(a)
        return [("pair_a", name, Pair(a, value.b)) for a in sorted(targets) if a > value.a]
    # numbers: the thresholds of the bands, the top of the range, a few more items
    assert isinstance(value, Decimal)
    targets_n: set[Decimal] = set()
    for comparator, threshold in thresholds:
        target = threshold + 1 if comparator == ">" and ind.kind == "count" else threshold
        targets_n.add(target)
    high = ind.range[1] if ind.range else (HUNDRED if ind.kind == "percent" else None)
    if high is not None:
        targets_n.add(high)
    if ind.kind in ("count", "number") and not thresholds:
        targets_n.update(value + step for step in (1, 2, 3, 5, 10))
    kind = "items" if ind.kind in ("count", "number") else "value"
    return [(kind, name, t) for t in sorted(targets_n) if t > value and (high is None or t <= high)]


# ================================================================ rendering
_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Điều kiện để lên mức tiếp theo ({ruleset}, {source})",
        "source_self": "số liệu tự đánh giá", "source_audit": "số liệu thẩm định",
        "tier": "Khối {id}: {title} — năm {year}",
        "h_code": "Mã", "h_name": "Đơn vị", "h_total": "Tổng điểm", "h_level": "Mức hiện tại", "h_next": "Mức tiếp theo",
        "h_missing": "Còn thiếu", "h_first": "Ưu tiên (điểm còn có thể đạt)",
        "h_order": "TT", "h_node": "Tiêu chí", "h_points": "Điểm", "h_max": "Tối đa", "h_available": "Còn có thể đạt",
        "h_step": "Việc cần làm", "h_running": "Lũy kế",
        "top": "đã ở mức cao nhất", "blocked": "đủ điểm, còn điều kiện", "unknown": "—",
        "unit": "{code} {name} ({tier}, năm {year}, {source})",
        "unit_line": "Tổng {total}/{max} điểm, {level}.",
        "unit_next": "Để đạt {next}: cần thêm {missing} điểm.",
        "unit_next_value": "Để đạt {next}: {scale} cần tăng thêm {value}.",
        "unit_top": "Đã đạt mức cao nhất ({level}).",
        "unit_unmet": "Điều kiện còn thiếu của {next}: {items}.",
        "reach": "← đủ {missing} điểm để đạt {next}",
        "capped": "không thêm điểm: nhóm {group} đã đạt tối đa sau các bước trên",
        "none_left": "Không còn tiêu chí nào có thể tăng điểm.",
        "unreachable": "Cả {available} điểm còn có thể đạt cũng không đủ {missing} điểm cần thêm.",
        "s_evidence": "bổ sung tài liệu kiểm chứng ({what})",
        "s_yes": "{name}: đạt (Có)",
        "s_category": "{name} → {target}",
        "s_pair_a": "{name}: nâng a từ {old} lên {new}/{b}",
        "s_items": "{name}: từ {old} lên {new}",
        "s_value": "{name}: từ {old} lên {new}",
        "s_audit": "do Đoàn kiểm tra chấm ({name})",
        "s_normalised": "{name}: so với đơn vị cao nhất trong khối",
        "s_not_assessed": "chưa đánh giá (Đoàn kiểm tra nhập)",
        "s_gain": "{text}: +{gain}",
        "s_full": "; {text}: +{gain} (tối đa)",
    },
    "en": {
        "title": "What it would take to reach the next level ({ruleset}, {source})",
        "source_self": "self-assessed values", "source_audit": "audited values",
        "tier": "Tier {id}: {title} — {year}",
        "h_code": "Code", "h_name": "Unit", "h_total": "Total", "h_level": "Level", "h_next": "Next level",
        "h_missing": "Missing", "h_first": "First steps (points available)",
        "h_order": "#", "h_node": "Criterion", "h_points": "Points", "h_max": "Max", "h_available": "Available",
        "h_step": "What to do", "h_running": "Running",
        "top": "at the top level", "blocked": "enough points, a condition unmet", "unknown": "—",
        "unit": "{code} {name} ({tier}, {year}, {source})",
        "unit_line": "Total {total}/{max} points, {level}.",
        "unit_next": "To reach {next}: {missing} more points.",
        "unit_next_value": "To reach {next}: {scale} must rise by {value}.",
        "unit_top": "Already at the top level ({level}).",
        "unit_unmet": "Conditions of {next} not yet met: {items}.",
        "reach": "← enough for the {missing} points to {next}",
        "capped": "no more points: group {group} reaches its maximum with the steps above",
        "none_left": "No criterion can gain points.",
        "unreachable": "Even all {available} points still available do not make the {missing} points needed.",
        "s_evidence": "add evidence ({what})",
        "s_yes": "{name}: yes",
        "s_category": "{name} → {target}",
        "s_pair_a": "{name}: raise a from {old} to {new}/{b}",
        "s_items": "{name}: from {old} to {new}",
        "s_value": "{name}: from {old} to {new}",
        "s_audit": "scored by the audit team ({name})",
        "s_normalised": "{name}: relative to the best unit of the tier",
        "s_not_assessed": "not assessed (entered by the audit team)",
        "s_gain": "{text}: +{gain}",
        "s_full": "; {text}: +{gain} (full)",
    },
}


def step_text(step: Step, unit: UnitResult, lang: str = "vi") -> str:
    t = _TEXT[lang]
    name = step.indicator or ""
    current = unit.assessment.values.get(name)
    if step.kind == "evidence":
        return t["s_evidence"].format(what=step.target)
    if step.kind == "yes":
        return t["s_yes"].format(name=name)
    if step.kind == "category":
        ind = next((i for i in unit.tier.indicators if i.name == name), None)
        label = next((c.label or c.name for c in ind.categories if c.name == step.target), step.target) if ind else step.target
        return t["s_category"].format(name=name, target=label)
    if step.kind == "pair_a":
        assert isinstance(step.target, Pair) and isinstance(current, Pair)
        return t["s_pair_a"].format(name=name, old=format_number(current.a, lang), new=format_number(step.target.a, lang),
                                    b=format_number(step.target.b, lang))
    if step.kind in ("items", "value"):
        return t["s_" + step.kind].format(name=name, old=format_number(current, lang), new=format_number(step.target, lang))
    if step.kind == "audit":
        return t["s_audit"].format(name=name)
    if step.kind == "normalised":
        return t["s_normalised"].format(name=name)
    return name


def _what_to_do(o: Opportunity, unit: UnitResult, lang: str) -> str:
    t = _TEXT[lang]
    if "not assessed" in o.flags:
        return t["s_not_assessed"]
    if o.next_step is None:
        return ""
    if o.next_step.kind in ("audit", "normalised"):
        return step_text(o.next_step, unit, lang)
    text = t["s_gain"].format(text=step_text(o.next_step, unit, lang), gain=format_number(o.next_step.gain, lang))
    if o.full_step is not None and o.full_step.gain > o.next_step.gain:
        text += t["s_full"].format(text=step_text(o.full_step, unit, lang), gain=format_number(o.full_step.gain, lang))
    return text


def _digits(unit: UnitResult, ruleset: m.Ruleset) -> int | None:
    rounding = unit.tier.total_rounding or ruleset.header.rounding
    return rounding.digits if rounding else None


def _missing_text(gap: LevelGap | None, lang: str) -> str:
    t = _TEXT[lang]
    if gap is None:
        return t["unknown"]
    if gap.next_id is None:
        return t["top"]
    if gap.points_missing is not None and gap.points_missing == 0 and gap.unmet:
        return t["blocked"]
    if gap.points_missing is not None:
        return format_number(gap.points_missing, lang, 3)
    if gap.value_missing is not None:
        return format_number(gap.value_missing, lang, 4)
    return t["unknown"]


def gaps_table(found: Sequence[UnitGaps], ruleset: m.Ruleset, source: str, lang: str = "vi", first: int = 3) -> str:
    """Every unit: total, level, next level, points missing, and its first steps."""
    t = _TEXT[lang]
    blocks = [t["title"].format(ruleset=ruleset.id, source=t["source_" + source]), ""]
    for tier in ruleset.tiers:
        members = [g for g in found if g.unit.tier.id == tier.id]
        for year in sorted({identity_of(g.unit).year for g in members}):
            rows_of = sorted((g for g in members if identity_of(g.unit).year == year),
                             key=lambda g: (-g.unit.total, g.unit.code))
            blocks.append(t["tier"].format(id=tier.id, title=tier.title, year=year))
            header = [t["h_code"], t["h_name"], t["h_total"], t["h_level"], t["h_next"], t["h_missing"], t["h_first"]]
            rows = []
            for g in rows_of:
                gap = g.level
                useful = [(o, gain) for o, gain, _ in g.plan() if gain > 0 and o.cost != COST_AUDIT]
                steps = "; ".join(f"{o.node_id} +{format_number(gain, lang)}" for o, gain in useful[:first])
                rows.append([g.unit.code, g.unit.name, format_number(g.unit.total, lang, _digits(g.unit, ruleset)),
                             gap.current_label if gap else "—", (gap.next_label or "—") if gap else "—",
                             _missing_text(gap, lang), steps])
            blocks.append(render_table(header, rows, right={2, 5}))
            blocks.append("")
    return "\n".join(blocks)


def unit_gaps_text(g: UnitGaps, ruleset: m.Ruleset, source: str, lang: str = "vi", limit: int | None = None) -> str:
    """One unit: the next level, the points missing, and the criteria in the order to work on them."""
    t = _TEXT[lang]
    unit = g.unit
    a = unit.assessment
    digits = _digits(unit, ruleset)
    lines = [t["unit"].format(code=a.code, name=a.name, tier=unit.tier.id, year=a.year, source=t["source_" + source])]
    level_label = unit.level.label if unit.level else "—"
    lines.append(t["unit_line"].format(total=format_number(unit.total, lang, digits), max=format_number(unit.max, lang),
                                       level=level_label))
    gap = g.level
    missing = None
    if gap is not None and gap.next_id is None:
        lines.append(t["unit_top"].format(level=gap.current_label))
    elif gap is not None:
        if gap.points_missing is not None:
            missing = gap.points_missing
            lines.append(t["unit_next"].format(next=gap.next_label, missing=format_number(missing, lang, 3)))
        elif gap.value_missing is not None:
            scale = next(s for s in unit.tier.levels if s.name == gap.scale)
            lines.append(t["unit_next_value"].format(next=gap.next_label, scale=_ref_name(scale.on),
                                                     value=format_number(gap.value_missing, lang, 4)))
        if gap.unmet:
            items = "; ".join(what + ("" if pts is None else f" (+{format_number(pts, lang, 3)})") for what, pts in gap.unmet)
            lines.append(t["unit_unmet"].format(next=gap.next_label, items=items))
    lines.append("")
    plan = g.plan()
    if not plan:
        lines.append(t["none_left"])
        return "\n".join(lines) + "\n"
    header = [t["h_order"], t["h_node"], t["h_points"], t["h_max"], t["h_available"], t["h_running"], t["h_step"]]
    rows = []
    reached = missing is None or missing <= 0
    shown = plan if limit is None else plan[:limit]
    parents = _parents(unit.tier)
    for index, (o, gain, running) in enumerate(shown, start=1):
        text = _what_to_do(o, unit, lang)
        if gain == 0:
            chain = parents.get(o.node_id, ())
            capped = [p for p in chain if unit.tier.node(p).capped]
            text = t["capped"].format(group=(capped or list(chain) or [o.node_id])[0])
        if not reached and missing is not None and running >= missing and gap is not None:
            text = (text + "  " if text else "") + t["reach"].format(missing=format_number(missing, lang, 3), next=gap.next_label)
            reached = True
        rows.append([str(index), f"{o.node_id} {o.title}", format_number(o.points, lang), format_number(o.max, lang),
                     format_number(gain, lang), format_number(running, lang), text])
    lines.append(render_table(header, rows, right={0, 2, 3, 4, 5}))
    total_available = plan[-1][2]
    if missing is not None and missing > total_available:
        lines.append("")
        lines.append(t["unreachable"].format(available=format_number(total_available, lang),
                                             missing=format_number(missing, lang, 3)))
    return "\n".join(lines) + "\n"


def _ref_name(ref: m.ValueRef) -> str:
    if isinstance(ref, m.OutputRef):
        return ref.name
    if isinstance(ref, m.TotalRef):
        return "total"
    return ref.node_id


def find_unit(found: Sequence[UnitGaps], code: str, year: int | None = None) -> UnitGaps:
    chosen = [g for g in found if g.unit.code == code and (year is None or identity_of(g.unit).year == year)]
    if not chosen:
        hint = did_you_mean(code, {g.unit.code for g in found})
        raise UsageError(f"no unit '{code}' in the data" + (f"; {hint}" if hint else ""))
    if len(chosen) > 1:
        raise UsageError(f"unit '{code}' is assessed in several years: name --year")
    return chosen[0]


def gaps_csv(found: Sequence[UnitGaps]) -> str:
    """One row per unit and criterion with points still available, in the order to work on them."""
    import io

    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["tier", "year", "source", "code", "name", "parent", "total", "level", "next_level",
                     "points_missing", "order", "criterion", "points", "max", "available", "running", "cost",
                     "next_step_indicator", "next_step_gain", "full_step_gain"])
    for g in found:
        a = g.unit.assessment
        gap = g.level
        head = [g.unit.tier.id, a.year, a.source, a.code, a.name, a.parent or "", g.unit.total,
                gap.current_label if gap else "", (gap.next_label or "") if gap else "",
                "" if gap is None or gap.points_missing is None else gap.points_missing]
        for index, (o, gain, running) in enumerate(g.plan(), start=1):
            writer.writerow(head + [index, o.node_id, o.points, o.max, gain, running, o.cost,
                                    o.next_step.indicator if o.next_step else "",
                                    o.next_step.gain if o.next_step else "", o.full_step.gain if o.full_step else ""])
    return buffer.getvalue()
