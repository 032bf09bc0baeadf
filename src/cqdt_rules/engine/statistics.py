"""The ruleset's statistics evaluated over scored units: ``sum(E)`` and ``mean(E)`` add up or average E
over every unit of the tiers a statistic names, each unit's E computed by the same closures as its
formulas (``compiler``); the aggregates are then combined by the statistic's arithmetic, exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
import attrs

from cqdt_rules.engine.compiler import Env, NotAssessed, compile_expr, compile_ruleset, round_to
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.errors import UsageError
from cqdt_rules.model import ruleset as m

HUNDRED = Decimal(100)


@attrs.frozen
class StatisticValue:
    statistic: m.Statistic
    value: Decimal | None  # as shown: × 100 for a percent, rounded as declared; None when no unit counts
    units: int  # the units read
    left_out: int  # units whose value is not assessed (an audit-only value in a self-assessment)


def evaluate_statistics(results: Results) -> list[StatisticValue]:
    """Every statistic of the results' ruleset, over the results' units (one year and one stage each)."""
    readers = _Readers(results.ruleset)
    return [evaluate(results, s, readers) for s in results.ruleset.statistics]


def evaluate(results: Results, statistic: m.Statistic, readers: _Readers | None = None) -> StatisticValue:
    ruleset = results.ruleset
    tiers = statistic.tiers or tuple(t.id for t in ruleset.tiers)
    units = [u for u in results.units if u.tier.id in tiers]
    readers = readers or _Readers(ruleset)
    used: set[str] = set()
    left_out: set[str] = set()

    def value(expr: m.Expr) -> Decimal | None:
        if isinstance(expr, m.Number):
            return expr.value
        if isinstance(expr, m.Negate):
            inner = value(expr.operand)
            return None if inner is None else -inner
        if isinstance(expr, m.Binary):
            return _arithmetic(expr.op, value(expr.left), value(expr.right))
        if isinstance(expr, m.Call) and expr.function in m.STATISTIC_FUNCTIONS:
            return _aggregate(expr, units, readers, used, left_out)
        if isinstance(expr, m.Call):
            return _plain_call(expr, [value(a) for a in expr.args])
        raise UsageError(f"statistic '{statistic.name}' cannot read {type(expr).__name__} outside sum or mean")

    found = value(statistic.expr)
    if found is not None and statistic.percent:
        found *= HUNDRED
    if found is not None and statistic.rounding is not None:
        found = round_to(found, statistic.rounding)
    return StatisticValue(statistic, found, len(used), len(left_out - used))


class _Readers:
    """Per tier and expression, the closure reading one unit's value (compiled once)."""

    def __init__(self, ruleset: m.Ruleset):
        self.ruleset = ruleset
        self.compiled = compile_ruleset(ruleset)
        self.cache: dict[tuple[str, int], Callable[[Env], Decimal]] = {}
        self.nodes: dict[tuple[str, int], tuple[str, ...]] = {}  # the nodes each expression reads

    def read(self, unit: UnitResult, expr: m.Expr) -> Decimal:
        key = (unit.tier.id, id(expr))
        if key not in self.cache:
            self.cache[key] = compile_expr(self.ruleset, unit.tier, expr)
            self.nodes[key] = _nodes_read(unit.tier, expr)
        env = Env(self.compiled.tiers[unit.tier.id], unit.assessment.values, unit.assessment.evidence, {})
        # the unit's results of the nodes the expression reads (a node's result is made when it is read)
        env.results.update((node_id, unit.nodes[node_id]) for node_id in self.nodes[key] if node_id in unit.nodes)
        env.outputs.update(unit.outputs)
        return self.cache[key](env)


def _nodes_read(tier: m.Tier, expr: m.Expr) -> tuple[str, ...]:
    """The nodes whose points ``expr`` reads: those it names, and the top-level ones when it reads the total."""
    parts = m.walk_expr(expr)
    named = [e.node_id for e in parts if isinstance(e, (m.PointsRef, m.ShareRef))]
    if any(isinstance(e, m.TotalRef) for e in parts):
        named += [node.id for node in tier.nodes]
    return tuple(dict.fromkeys(named))


def _aggregate(call: m.Call, units: Sequence[UnitResult], readers: _Readers, used: set[str],
               left_out: set[str]) -> Decimal | None:
    """Σ over the units of (E₁ + …) for sum, their mean for mean; a unit not assessed takes no part."""
    values = []
    for unit in units:
        try:
            parts = [readers.read(unit, arg) for arg in call.args]
        except NotAssessed:
            left_out.add(unit.code)
            continue
        used.add(unit.code)
        each = sum(parts, Decimal(0))
        values.append(each if call.function == "sum" else each / len(parts))
    if not values:
        return None
    total = sum(values, Decimal(0))
    return total if call.function == "sum" else total / len(values)


def _arithmetic(op: str, left: Decimal | None, right: Decimal | None) -> Decimal | None:
    if left is None or right is None:
        return None
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None  # a share of nothing: shown as not available, never as 0
    return left / right


def _plain_call(call: m.Call, args: list[Decimal | None]) -> Decimal | None:
    if any(a is None for a in args):
        return None
    numbers = [a for a in args if a is not None]
    if call.function == "min":
        return min(numbers)
    if call.function == "max":
        return max(numbers)
    assert call.function == "round"
    return round_to(numbers[0], m.Rounding(int(numbers[1]), call.mode))
