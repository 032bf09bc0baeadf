"""The interval a published value can lie in, found from the ruleset alone (no unit data).

Used by the checker to find level cut-offs that no unit can reach. The interval is safe, never too
narrow: when an expression's bounds cannot be known (a division by a variable, a z-score) it is
unbounded on that side, and no warning follows."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules.model import ruleset as m

INF = Decimal("Infinity")
Interval = tuple[Decimal, Decimal]
_ANY: Interval = (-INF, INF)
_UNIT: Interval = (Decimal(0), Decimal(1))


def value_range(tier: m.Tier, ref: m.ValueRef | m.Expr) -> Interval:
    """The values ``ref`` (total, points, share, an output or an expression) can take in ``tier``."""
    return _Ranges(tier).of(ref, set())


class _Ranges:
    def __init__(self, tier: m.Tier):
        self.tier = tier
        self.indicators = {ind.name: ind for ind in tier.indicators}
        self.nodes = {node.id: node for node in tier.walk()}

    def of(self, e: m.ValueRef | m.Expr, seen: set[str]) -> Interval:
        if isinstance(e, m.Number):
            return (e.value, e.value)
        if isinstance(e, m.TotalRef):
            return (Decimal(0), self.tier.max)
        if isinstance(e, m.PointsRef):
            node = self.nodes.get(e.node_id)
            return (Decimal(0), node.max) if node is not None else _ANY
        if isinstance(e, m.ShareRef):
            return _UNIT
        if isinstance(e, m.OutputRef) or (isinstance(e, m.IndicatorRef) and self.tier.reads_output(e)):
            return self._output(e.name, seen)
        if isinstance(e, m.IndicatorRef):
            return self._indicator(e)
        if isinstance(e, m.Negate):
            low, high = self.of(e.operand, seen)
            return (-high, -low)
        if isinstance(e, m.Binary):
            return _binary(e.op, self.of(e.left, seen), self.of(e.right, seen))
        if isinstance(e, (m.Compare, m.BoolOp, m.Not)):
            return _UNIT
        if isinstance(e, m.IfExpr):
            return _hull([self.of(e.then, seen), self.of(e.otherwise, seen)])
        if isinstance(e, m.Call):
            return self._call(e, seen)
        return _ANY

    def _output(self, name: str, seen: set[str]) -> Interval:
        output = self.tier.output(name)
        if output is None or name in seen:
            return _ANY
        return self.of(output.expr, seen | {name})

    def _indicator(self, ref: m.IndicatorRef) -> Interval:
        ind = self.indicators.get(ref.name)
        if ind is None:
            return _ANY
        if ind.kind == "yesno":
            return _UNIT
        if ind.kind == "percent":
            low, high = ind.range if ind.range else (Decimal(0), Decimal(100))
            return (max(low, Decimal(0)) / 100, min(high, Decimal(100)) / 100)
        if ind.kind == "pair":
            if ref.part is not None:
                return (ind.range[0], ind.range[1]) if ind.range else (Decimal(0), INF)
            return (Decimal(0), INF if ind.a_may_exceed_b else Decimal(1))
        if ind.range is not None:
            return ind.range
        return (Decimal(0), INF) if ind.kind in ("count", "score") else _ANY

    def _call(self, e: m.Call, seen: set[str]) -> Interval:
        if e.function == "round":
            return self.of(e.args[0], seen)  # rounding moves a value by less than a step: close enough here
        if e.function in ("minmax",):
            return _UNIT
        if e.function == "rank":
            return (Decimal(1), INF)
        if e.function == "zscore":
            return _ANY
        if e.function == "to_target":
            return _binary("/", self.of(e.args[0], seen), self.of(e.args[1], seen))
        values = [self.of(a, seen) for a in (e.args[0::2] if e.function == "weighted_mean" else e.args)]
        if e.function == "sum":
            return (sum((v[0] for v in values), Decimal(0)), sum((v[1] for v in values), Decimal(0)))
        if e.function == "min":
            return (min(v[0] for v in values), min(v[1] for v in values))
        if e.function == "max":
            return (max(v[0] for v in values), max(v[1] for v in values))
        return _hull(values)  # mean, weighted_mean (weights of any sign aside), geometric_mean


def _hull(intervals: list[Interval]) -> Interval:
    return (min(i[0] for i in intervals), max(i[1] for i in intervals))


def _binary(op: str, left: Interval, right: Interval) -> Interval:
    if op == "+":
        return (left[0] + right[0], left[1] + right[1])
    if op == "-":
        return (left[0] - right[1], left[1] - right[0])
    if op == "*":
        return _products(left, right)
    if right[0] <= 0 <= right[1]:
        return _ANY  # a divisor that may be 0 or change sign: no bound
    return _products(left, (1 / right[1], 1 / right[0]))


def _products(left: Interval, right: Interval) -> Interval:
    corners = []
    for x in left:
        for y in right:
            if (x.is_infinite() and y == 0) or (y.is_infinite() and x == 0):
                corners.append(Decimal(0))
            else:
                corners.append(x * y)
    return (min(corners), max(corners))
