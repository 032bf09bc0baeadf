"""The batch engine: a checked ruleset compiled to column operations over whole cohorts, exactly.

Each cohort (tier, year, source) becomes columns, one per indicator, in fixed point (the indicator's own
decimals); every rule, group, total, output, level scale and ranking is then a handful of numpy operations on
exact rational columns (``fixedpoint.Q``), never floats. The arithmetic is the scalar engine's
(docs/language.md): criteria rounded as declared, groups summed exactly and capped, levels and ranks on the
published values. ``tests/test_batch.py`` compares both engines node by node.

What the batch engine cannot reproduce digit for digit (a tier that declares no rounding, so that the scalar
engine keeps 60-digit quotients (model.numbers.PRECISION); a formula that goes on computing with a quotient that does not terminate;
magnitudes beyond 60 digits) raises ``Fallback`` when the tier is planned or run, and that tier is scored by
the scalar engine: ``Results.engines`` says which engine scored each tier, and why.

numpy is the ``batch`` extra; this module is imported only when the batch engine is used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from cqdt_rules.engine import fixedpoint as fp
from cqdt_rules.engine.compiler import NodeResult, CompiledRuleset, CompiledTier, Env, shown_max
from cqdt_rules.engine.evaluator import (
    _cohort_maxima,
    _ref_text,
    checked_data,
    run_stamp,
    score_cohort,
)
from cqdt_rules.engine.fixedpoint import Array, Fallback, Q
from cqdt_rules.engine.results import LevelResult, RankResult, Results, UnitResult
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import PRECISION
from cqdt_rules.errors import DataError, Diagnostic
from cqdt_rules.model.units import Assessment

ZERO_Q = fp.const(0)
HUNDRED_Q = fp.const(100)
# a criterion's flags: what its rule (or a missing value) says, then whether it was capped or floored
OUTCOME_FLAGS: tuple[tuple[str, ...], ...] = ((), ("b = 0",), ("cohort best is 0",), ("informational",),
                                               ("not assessed",), ("missing evidence",))
B_ZERO, BEST_ZERO, INFORMATIONAL, NOT_ASSESSED, MISSING_EVIDENCE = 1, 2, 3, 4, 5
LIMIT_FLAGS: tuple[tuple[str, ...], ...] = ((), ("capped",), ("floored",))


# ---------------------------------------------------------------- columns
@attrs.define
class IndicatorColumn:
    """One indicator of a cohort: missing rows, then the value as the kind needs it."""

    kind: str
    missing: Array
    lacks_evidence: Array  # rows whose value needs evidence the unit did not give
    number: Q | None = None  # count, number, percent, score
    a: Q | None = None  # pair
    b: Q | None = None
    truth: Array | None = None  # yesno
    category: Array | None = None  # index into the indicator's categories, -1 when missing


@attrs.define
class Columns:
    """A cohort as columns: the units' codes and districts, and each indicator of the tier."""

    rows: int
    parents: list[str | None]
    indicators: dict[str, IndicatorColumn]
    districts: Array = None  # each row's district as a small integer (units without a parent share one)

    def __attrs_post_init__(self) -> None:
        if self.districts is None:
            _, self.districts = np.unique(np.array([p or "" for p in self.parents], dtype=object), return_inverse=True)


def columns_from_assessments(tier: m.Tier, units: list[Assessment]) -> Columns:
    """Checked assessments of one cohort (values already coerced) as columns, in fixed point per indicator."""
    rows = len(units)
    found: dict[str, IndicatorColumn] = {}
    for ind in tier.indicators:
        values = [u.values.get(ind.name) for u in units]
        missing = np.fromiter((v is None for v in values), dtype=bool, count=rows)
        lacks = np.fromiter((not u.evidence.get(ind.name) and ind.needs_evidence(v) for u, v in zip(units, values)),
                            dtype=bool, count=rows)
        column = IndicatorColumn(ind.kind, missing, lacks)
        if ind.kind == "yesno":
            column.truth = np.fromiter((v is True for v in values), dtype=bool, count=rows)
        elif ind.kind == "category":
            index = {c.name: i for i, c in enumerate(ind.categories)}
            column.category = np.fromiter((index.get(v, -1) if v is not None else -1 for v in values),
                                          dtype=np.int64, count=rows)
        elif ind.kind == "pair":
            column.a, column.b = _fixed_columns([[v.a if v is not None else None for v in values],
                                                 [v.b if v is not None else None for v in values]])
        else:
            (column.number,) = _fixed_columns([values])
        found[ind.name] = column
    return Columns(rows, [u.parent for u in units], found)


def _fixed_columns(parts: list[list[Decimal | None]]) -> list[Q]:
    """Decimal columns at one common scale (the most decimals any value has); missing values are 0."""
    digits = max((-v.as_tuple().exponent for part in parts for v in part  # type: ignore[operator]
                  if v is not None and v.as_tuple().exponent < 0), default=0)  # type: ignore[operator]
    scale = 10**digits
    out = []
    for part in parts:
        ints = [int(v.scaleb(digits)) if v is not None else 0 for v in part]
        bound = max((abs(i) for i in ints), default=0)
        array = np.array(ints, dtype=object if bound > fp.INT64_MAX else np.int64)
        out.append(Q(array, scale, bound))
    return out


def fixed_column(parts: list[tuple[Array, Array, Array]]) -> list[Q]:
    """What ``_fixed_columns`` makes of Decimals, from exact decimals given as integers: each part is ``n``
    (int64 or Python integers), its decimals ``d`` (the value is n × 10^-d) and the rows without a value (0).
    The parts share one scale, the most decimals any value has."""
    digits = max((int(d[~missing].max()) for _, d, missing in parts if (~missing).any()), default=0)
    out = []
    for n, d, missing in parts:
        shift = np.where(missing, 0, digits - d)
        bound = 0
        for step in np.unique(shift[~missing]).tolist():
            chosen = n[~missing & (shift == step)]
            bound = max(bound, max(abs(int(v)) for v in (chosen.max(), chosen.min())) * 10**step)
        if bound <= fp.INT64_MAX and n.dtype != object:
            ints = np.where(missing, 0, n * 10**shift)
        else:
            ints = np.array([0 if absent else int(v) * 10**s for v, s, absent in
                             zip(n.tolist(), shift.tolist(), missing.tolist())], dtype=object)
        out.append(Q(ints, 10**digits, bound))
    return out


# ---------------------------------------------------------------- scores of one cohort
@attrs.define
class NodeScores:
    points: Q  # fixed point at the node's rounding
    raw: Q | Callable[[], Q]  # before rounding; computed only when results are written, for a rule that rounds itself
    outcome: Array | int  # index into OUTCOME_FLAGS
    limit: Array | int  # index into LIMIT_FLAGS


@attrs.define
class CohortScores:
    """Everything the batch engine computed for one cohort, as columns."""

    rows: int
    nodes: dict[str, NodeScores]
    total: Q
    outputs: dict[str, tuple[Q, Array]]  # value, rows without a value (not assessed)
    levels: dict[str, Array]  # index of the level reached, -1 below the lowest
    unmet: dict[str, list[tuple[Array, Array]]]  # per scale and level: cut-off met, failed requirements (rows × reqs)
    ranks: dict[str, Array]


class _Context:
    """One cohort's run: its columns, the node scores computed so far, and where formulas failed."""

    def __init__(self, columns: Columns):
        self.columns = columns
        self.rows = columns.rows
        self.nodes: dict[str, NodeScores] = {}
        self.total: Q | None = None
        self.failed = np.zeros(columns.rows, dtype=bool)  # a formula divided by 0: the scalar engine reports it

    def indicator(self, name: str) -> IndicatorColumn:
        return self.columns.indicators[name]


ColumnFn = Callable[[_Context], tuple[Q, Array | int]]  # a rule: raw points and outcome flag index
ExprFn = Callable[[_Context, Array], tuple[Q, Array]]  # an expression: value and rows where it is not assessed


class TierPlan:
    """A tier compiled to column operations; ``Fallback`` when it cannot be (the reason is the message)."""

    def __init__(self, header: m.Header, compiled: CompiledTier):
        self.header = header
        self.compiled = compiled
        self.tier = compiled.tier
        self.indicators = {ind.name: ind for ind in self.tier.indicators}
        self.steps: list[tuple[str, Callable[[_Context], NodeScores]]] = [
            (node_id, self._node(self.tier.node(node_id))) for node_id, _ in compiled.children_first]
        self.total_rounding = compiled.total_rounding
        if self.total_rounding is None:
            raise Fallback(f"tier '{self.tier.id}' declares no rounding of its total")
        self.outputs = [(o, self._expr(o.expr, None, o.rounding is not None)) for o in self.tier.outputs]
        for ranking in self.tier.rankings:
            for ref in (ranking.by, *(t.ref for t in ranking.tiebreaks)):
                if not isinstance(ref, (m.TotalRef, m.PointsRef, m.ShareRef, m.OutputRef)):
                    raise Fallback(f"ranking '{ranking.name}' is by an expression: ranked by the scalar engine")

    # ------------------------------------------------------------ running
    def run(self, columns: Columns) -> CohortScores:
        ctx = _Context(columns)
        for node_id, step in self.steps:
            ctx.nodes[node_id] = step(ctx)
        top = ctx.nodes[self.tier.nodes[0].id].points
        for node in self.tier.nodes[1:]:
            top = fp.add(top, ctx.nodes[node.id].points)
        assert self.total_rounding is not None
        ctx.total = fp.broadcast(fp.minimum(fp.round_column(top, self.total_rounding.digits, self.total_rounding.mode),
                                            fp.const(self.tier.max)), ctx.rows)
        everyone = np.ones(ctx.rows, dtype=bool)
        outputs = {}
        for output, fn in self.outputs:
            value, missing = fn(ctx, everyone)
            if output.rounding is not None:
                value = fp.round_column(value, output.rounding.digits, output.rounding.mode)
            outputs[output.name] = (fp.broadcast(value, ctx.rows), missing)
        if ctx.failed.any():
            raise Fallback("a formula divides by zero for some unit: the scalar engine reports it")
        scores = CohortScores(ctx.rows, ctx.nodes, ctx.total, outputs, {}, {}, {})
        for scale in self.tier.levels:
            scores.levels[scale.name], scores.unmet[scale.name] = self._classify(scale, scores)
        for ranking in self.tier.rankings:
            scores.ranks[ranking.name] = self.rank(ranking, scores, columns)
        return scores

    # ------------------------------------------------------------ nodes
    def _rounding(self, node: m.Node) -> m.Rounding:
        rounding = node.rounding or self.header.rounding
        if rounding is None:
            raise Fallback(f"{node.id} declares no rounding: the scalar engine keeps its exact {PRECISION}-digit value")
        return rounding

    def _node(self, node: m.Node) -> Callable[[_Context], NodeScores]:
        rounding = self._rounding(node)
        ceiling = fp.const(shown_max(node.max, rounding))
        maximum = fp.const(node.max)
        if node.rule is None:
            child_ids = [c.id for c in node.children]

            def group(ctx: _Context) -> NodeScores:
                total = ctx.nodes[child_ids[0]].points
                for child in child_ids[1:]:
                    total = fp.add(total, ctx.nodes[child].points)
                capped = fp.compare(total, maximum, ">")
                rounded = fp.minimum(fp.round_column(total, rounding.digits, rounding.mode), ceiling)
                return NodeScores(fp.broadcast(fp.where(capped, ceiling, rounded), ctx.rows), total, 0,
                                  capped.astype(np.int8))

            return group
        rule_fn = self._rule(node.rule, node)
        rounds_itself = isinstance(node.rule, m.RatioRule)
        ratio_fn = self._rounded_ratio(node.rule, node) if isinstance(node.rule, m.RatioRule) else None
        names = m.rule_indicators(node.rule) or tuple(i.name for i in node.inputs)
        evidenced = tuple(n for n in names if n in self.indicators and self.indicators[n].evidence_required) \
            if self.header.on_missing_evidence == "zero" else ()
        floor = fp.const(0)
        zero_points = fp.round_column(ZERO_Q, rounding.digits, "half_up")

        # rules whose points the checker keeps within 0..max need no capping (when max is exact at the rounding)
        within = _within_limits(node.rule) and shown_max(node.max, rounding) == node.max

        def criterion(ctx: _Context) -> NodeScores:
            not_assessed = _any_of([ctx.indicator(name).missing for name in names], ctx.rows)
            no_evidence = _any_of([ctx.indicator(name).lacks_evidence for name in evidenced], ctx.rows)
            if ratio_fn is not None:  # points rounded by the rule; the exact value only when results are written
                points, outcome, exact = ratio_fn(ctx)
            else:
                points, outcome = rule_fn(ctx)
            zeroed = None
            if not_assessed is not None or no_evidence is not None:
                not_assessed = np.zeros(ctx.rows, dtype=bool) if not_assessed is None else not_assessed
                no_evidence = np.zeros(ctx.rows, dtype=bool) if no_evidence is None else no_evidence & ~not_assessed
                zeroed = not_assessed | no_evidence
                points = fp.where(zeroed, ZERO_Q, points)
                outcome = np.where(not_assessed, NOT_ASSESSED, np.where(no_evidence, MISSING_EVIDENCE, outcome))
            points = fp.broadcast(points, ctx.rows)
            raw: Q | Callable[[], Q] = points
            if rounds_itself:
                raw = _zeroed_later(exact, zeroed, ctx.rows)
            points = fp.round_column(points, rounding.digits, rounding.mode)
            if within:
                return NodeScores(points, raw, outcome, 0)
            above = fp.compare(points, maximum, ">")
            below = fp.compare(points, floor, "<")
            limit: Array | int = 0
            if above.any() or below.any():
                points = fp.where(above, ceiling, fp.where(below, zero_points, points))
                limit = np.where(above, 1, np.where(below, 2, 0)).astype(np.int8)
            return NodeScores(fp.broadcast(points, ctx.rows), raw, outcome, limit)

        assert not rounds_itself or ratio_fn is not None

        return criterion

    # ------------------------------------------------------------ rules
    def _points(self, spec: m.PointsSpec | None, node: m.Node) -> Q:
        if spec is None:
            spec = self.header.on_zero_denominator if self.header.on_zero_denominator is not None else Decimal(0)
        return fp.const(node.max if spec == "full" else Decimal(spec), self._scale(node))

    def _scale(self, node: m.Node) -> int:
        """The fixed-point scale a node's points are published at."""
        return int(10 ** self._rounding(node).digits)

    def _rule(self, rule: m.Rule, node: m.Node) -> ColumnFn:
        method = getattr(self, "_rule_" + type(rule).__name__)
        return method(rule, node)  # type: ignore[no-any-return]

    def _rule_YesRule(self, rule: m.YesRule, node: m.Node) -> ColumnFn:
        full = fp.const(node.max, self._scale(node))
        return lambda ctx: (fp.where(ctx.indicator(rule.indicator).truth, full, ZERO_Q), 0)

    def _rule_CategoryRule(self, rule: m.CategoryRule, node: m.Node) -> ColumnFn:
        ind = self.indicators[rule.indicator]
        arms = {arm.value: self._points(arm.points, node) for arm in rule.arms}
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else fp.const(0, self._scale(node))
        table = [arms.get(c.name, otherwise) for c in ind.categories] + [ZERO_Q]  # the last: missing (-1)
        common = 1
        for q in table:
            assert isinstance(q.den, int)
            common = max(common, q.den)
        nums = np.array([fp.fixed_at(q, common) for q in table], dtype=np.int64)
        bound = int(np.max(np.abs(nums)))

        def category(ctx: _Context) -> tuple[Q, Array | int]:
            codes = ctx.indicator(rule.indicator).category
            return Q(nums[codes], common, bound), 0

        return category

    def _ratio_parts(self, rule: m.RatioRule, ctx: _Context) -> tuple[Q, Q]:
        column = ctx.indicator(rule.indicator)
        if self.indicators[rule.indicator].kind == "percent":
            assert column.number is not None
            return column.number, HUNDRED_Q
        assert column.a is not None and column.b is not None
        return column.a, column.b

    def _rule_RatioRule(self, rule: m.RatioRule, node: m.Node) -> ColumnFn:
        maximum = fp.const(node.max, self._scale(node))
        on_zero = self._points(rule.on_zero, node)

        def ratio(ctx: _Context) -> tuple[Q, Array | int]:
            a, b = self._ratio_parts(rule, ctx)
            quotient, zero = fp.divide(fp.multiply(a, maximum), b)
            full = fp.compare(a, b, ">=")
            value = fp.where(zero, on_zero, fp.where(full, maximum, quotient))
            return value, np.where(zero, B_ZERO, 0)

        return ratio

    def _rounded_ratio(self, rule: m.RatioRule, node: m.Node) -> Callable[[_Context], tuple[Q, Array | int, Callable[[], Q]]]:
        """A criterion's own ratio rule: a × max / b rounded in one step (constants folded, as a hand-written
        scorer would), and the exact quotient for the results, computed only if they are written."""
        rounding = self._rounding(node)
        maximum = fp.const(node.max, self._scale(node))
        on_zero = self._points(rule.on_zero, node)
        exact_fn = self._rule_RatioRule(rule, node)

        def ratio(ctx: _Context) -> tuple[Q, Array | int, Callable[[], Q]]:
            a, b = self._ratio_parts(rule, ctx)
            quotient, zero = fp.round_ratio(a, fp.const(node.max), b, rounding.digits, rounding.mode)
            full = fp.compare(a, b, ">=")
            value = fp.where(zero, on_zero, fp.where(full, maximum, quotient))
            return value, np.where(zero, B_ZERO, 0), lambda: exact_fn(ctx)[0]

        return ratio

    def _rule_BandsRule(self, rule: m.BandsRule, node: m.Node) -> ColumnFn:
        is_pair = self.indicators[rule.indicator].kind == "pair"
        bands = [(b.comparator, fp.const(b.threshold.value), self._points(b.points, node)) for b in rule.bands]
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else fp.const(0, self._scale(node))
        on_zero = self._points(None, node)

        def bands_fn(ctx: _Context) -> tuple[Q, Array | int]:
            column = ctx.indicator(rule.indicator)
            zero: Array = np.zeros(ctx.rows, dtype=bool)
            if is_pair:
                assert column.a is not None and column.b is not None
                left, scale = fp.multiply(column.a, HUNDRED_Q), column.b
                zero = np.asarray(column.b.num == 0)
            else:
                assert column.number is not None
                left, scale = column.number, fp.const(1)
            value = otherwise
            for comparator, threshold, points in reversed(bands):  # the first band that matches wins
                hit = fp.compare(left, fp.multiply(threshold, scale), comparator)
                value = fp.where(hit, points, value)
            return fp.where(zero, on_zero, value), np.where(zero, B_ZERO, 0)

        return bands_fn

    def _rule_PerItemRule(self, rule: m.PerItemRule, node: m.Node) -> ColumnFn:
        each = fp.const(rule.each)

        def per_item(ctx: _Context) -> tuple[Q, Array | int]:
            number = ctx.indicator(rule.indicator).number
            assert number is not None
            return fp.multiply(number, each), 0

        return per_item

    def _rule_BestOfRule(self, rule: m.BestOfRule, node: m.Node) -> ColumnFn:
        alternatives = [self._rule(alt, node) for alt in rule.alternatives]

        def best(ctx: _Context) -> tuple[Q, Array | int]:
            value, outcome = alternatives[0](ctx)
            outcome = np.broadcast_to(np.asarray(outcome), (ctx.rows,))
            for fn in alternatives[1:]:  # strictly more: on a tie the first alternative is kept
                other, other_outcome = fn(ctx)
                better = fp.compare(other, value, ">")
                value = fp.where(better, other, value)
                outcome = np.where(better, other_outcome, outcome)
            return value, outcome

        return best

    def _rule_NormalisedRule(self, rule: m.NormalisedRule, node: m.Node) -> ColumnFn:
        maximum = fp.const(node.max)

        def normalised(ctx: _Context) -> tuple[Q, Array | int]:
            column = ctx.indicator(rule.indicator)
            assert column.number is not None
            best = _group_best(column.number, column.missing, ctx.columns.parents if rule.within == "district" else None)
            quotient, zero = fp.divide(fp.multiply(column.number, maximum), best)
            return fp.where(zero, ZERO_Q, quotient), np.where(zero, BEST_ZERO, 0)

        return normalised

    def _rule_DirectRule(self, rule: m.DirectRule, node: m.Node) -> ColumnFn:
        def direct(ctx: _Context) -> tuple[Q, Array | int]:
            number = ctx.indicator(rule.indicator).number
            assert number is not None
            return number, 0

        return direct

    def _rule_InformationalRule(self, rule: m.InformationalRule, node: m.Node) -> ColumnFn:
        return lambda ctx: (ZERO_Q, INFORMATIONAL)

    def _rule_FormulaRule(self, rule: m.FormulaRule, node: m.Node) -> ColumnFn:
        fn = self._expr(rule.expr, node, True)

        def formula(ctx: _Context) -> tuple[Q, Array | int]:
            value, _ = fn(ctx, np.ones(ctx.rows, dtype=bool))  # a criterion checked its values were assessed
            return value, 0

        return formula

    # ------------------------------------------------------------ expressions
    def _expr(self, expr: m.Expr, node: m.Node | None, rounded: bool) -> ExprFn:
        """An expression over columns. A quotient that does not terminate may only be rounded or compared:
        anything else the scalar engine computes with its PRECISION-digit value, which fixed point cannot follow."""
        _check_terminating(expr, self.tier, rounded, node.id if node else "an output")
        return self._x(expr, node)

    def _x(self, expr: m.Expr, node: m.Node | None) -> ExprFn:
        method = getattr(self, "_x_" + type(expr).__name__, None)
        if method is None:  # e.g. an output read by another output
            raise Fallback(f"{type(expr).__name__} in a formula is computed by the scalar engine")
        return method(expr, node)  # type: ignore[no-any-return]

    def _x_Number(self, expr: m.Number, node: m.Node | None) -> ExprFn:
        value = fp.const(expr.value)
        return lambda ctx, active: (value, _none(ctx))

    def _x_IndicatorRef(self, expr: m.IndicatorRef, node: m.Node | None) -> ExprFn:
        kind = self.indicators[expr.name].kind

        def indicator(ctx: _Context, active: Array) -> tuple[Q, Array]:
            column = ctx.indicator(expr.name)
            missing = column.missing & active
            if kind == "yesno":
                return fp.boolean(column.truth), missing
            if kind == "percent":
                assert column.number is not None
                quotient, _ = fp.divide(column.number, HUNDRED_Q)
                return quotient, missing
            if kind == "pair":
                assert column.a is not None and column.b is not None
                if expr.part is not None:
                    return (column.a if expr.part == "a" else column.b), missing
                quotient, zero = fp.divide(column.a, column.b)
                ctx.failed |= np.asarray(zero) & active & ~column.missing
                return quotient, missing
            assert column.number is not None
            return column.number, missing

        return indicator

    def _x_TotalRef(self, expr: m.TotalRef, node: m.Node | None) -> ExprFn:
        def total(ctx: _Context, active: Array) -> tuple[Q, Array]:
            assert ctx.total is not None  # outputs only, read after the total
            return ctx.total, _none(ctx)

        return total

    def _x_FullRef(self, expr: m.FullRef, node: m.Node | None) -> ExprFn:
        value = fp.const(node.max if node else 0)
        return lambda ctx, active: (value, _none(ctx))

    def _x_PointsRef(self, expr: m.PointsRef, node: m.Node | None) -> ExprFn:
        return lambda ctx, active: (ctx.nodes[expr.node_id].points, _none(ctx))

    def _x_ShareRef(self, expr: m.ShareRef, node: m.Node | None) -> ExprFn:
        maximum = self.tier.node(expr.node_id).max

        def share(ctx: _Context, active: Array) -> tuple[Q, Array]:
            return _share(ctx.nodes[expr.node_id].points, maximum), _none(ctx)

        return share

    def _x_Binary(self, expr: m.Binary, node: m.Node | None) -> ExprFn:
        left, right, op = self._x(expr.left, node), self._x(expr.right, node), expr.op

        def binary(ctx: _Context, active: Array) -> tuple[Q, Array]:
            lv, lm = left(ctx, active)
            rv, rm = right(ctx, active & ~lm)
            missing = lm | rm
            if op == "+":
                return fp.add(lv, rv), missing
            if op == "-":
                return fp.add(lv, fp.negate(rv)), missing
            if op == "*":
                return fp.multiply(lv, rv), missing
            quotient, zero = fp.divide(lv, rv)
            ctx.failed |= np.asarray(zero) & active & ~missing
            return quotient, missing

        return binary

    def _x_Negate(self, expr: m.Negate, node: m.Node | None) -> ExprFn:
        operand = self._x(expr.operand, node)

        def negate(ctx: _Context, active: Array) -> tuple[Q, Array]:
            value, missing = operand(ctx, active)
            return fp.negate(value), missing

        return negate

    def _x_Compare(self, expr: m.Compare, node: m.Node | None) -> ExprFn:
        left, right = self._x(expr.left, node), self._x(expr.right, node)

        def comparison(ctx: _Context, active: Array) -> tuple[Q, Array]:
            lv, lm = left(ctx, active)
            rv, rm = right(ctx, active & ~lm)
            return fp.boolean(fp.compare(lv, rv, expr.op)), lm | rm

        return comparison

    def _x_BoolOp(self, expr: m.BoolOp, node: m.Node | None) -> ExprFn:
        left, right = self._x(expr.left, node), self._x(expr.right, node)
        is_and = expr.op == "and"

        def boolean(ctx: _Context, active: Array) -> tuple[Q, Array]:
            lv, lm = left(ctx, active)
            truth = _truth(lv, ctx.rows)
            goes_on = truth if is_and else ~truth  # short-circuit, as Python's and/or
            rv, rm = right(ctx, active & ~lm & goes_on)
            result = np.where(goes_on, _truth(rv, ctx.rows), truth)
            return fp.boolean(result), lm | (goes_on & rm)

        return boolean

    def _x_Not(self, expr: m.Not, node: m.Node | None) -> ExprFn:
        operand = self._x(expr.operand, node)

        def negation(ctx: _Context, active: Array) -> tuple[Q, Array]:
            value, missing = operand(ctx, active)
            return fp.boolean(~_truth(value, ctx.rows)), missing

        return negation

    def _x_IfExpr(self, expr: m.IfExpr, node: m.Node | None) -> ExprFn:
        condition, then = self._x(expr.condition, node), self._x(expr.then, node)
        otherwise = self._x(expr.otherwise, node)

        def choose(ctx: _Context, active: Array) -> tuple[Q, Array]:
            cv, cm = condition(ctx, active)
            truth = _truth(cv, ctx.rows)
            tv, tm = then(ctx, active & ~cm & truth)
            ov, om = otherwise(ctx, active & ~cm & ~truth)
            return fp.where(truth, tv, ov), cm | np.where(truth, tm, om)

        return choose

    def _x_Call(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args = [self._x(a, node) for a in expr.args]
        if expr.function in ("min", "max"):
            pick = fp.minimum if expr.function == "min" else fp.maximum

            def extreme(ctx: _Context, active: Array) -> tuple[Q, Array]:
                value, missing = args[0](ctx, active)
                for arg in args[1:]:
                    other, other_missing = arg(ctx, active & ~missing)
                    value, missing = pick(value, other), missing | other_missing
                return value, missing

            return extreme
        if expr.function != "round":  # sum, mean, minmax, zscore, rank, ...: the scalar engine's
            raise Fallback(f"the function {expr.function}() is computed by the scalar engine")
        assert isinstance(expr.args[1], m.Number)
        digits = int(expr.args[1].value)

        def rounded(ctx: _Context, active: Array) -> tuple[Q, Array]:
            value, missing = args[0](ctx, active)
            return fp.round_column(value, digits, "half_up"), missing

        return rounded

    # ------------------------------------------------------------ levels and ranks
    def _published(self, ref: m.ValueRef | m.Expr, scores: CohortScores) -> tuple[Q, Array | None, Decimal | None]:
        """A reference's published value, the rows without one, and its maximum if it has one."""
        if isinstance(ref, m.TotalRef):
            return scores.total, None, self.tier.max
        if isinstance(ref, m.OutputRef):
            value, missing = scores.outputs[ref.name]
            return value, missing, None
        assert isinstance(ref, (m.PointsRef, m.ShareRef))  # a plan refuses rankings by other expressions
        node = self.tier.node(ref.node_id)
        points = scores.nodes[ref.node_id].points
        if isinstance(ref, m.PointsRef):
            return points, None, node.max
        share = _share(points, node.max)
        if node.share_digits is not None and node.max != 0:
            share = fp.round_column(share, node.share_digits, "half_up")
        return fp.broadcast(share, scores.rows), None, None

    def _meets(self, ref: m.ValueRef, threshold: m.Threshold, scores: CohortScores) -> Array:
        value, missing, maximum = self._published(ref, scores)
        if not threshold.percent:
            met = fp.compare(value, fp.const(threshold.value), ">=")
        elif maximum is not None:
            cut, _ = fp.divide(fp.multiply(fp.const(threshold.value), fp.const(maximum)), HUNDRED_Q)
            met = fp.compare(value, cut, ">=")
        else:
            cut, _ = fp.divide(fp.const(threshold.value), HUNDRED_Q)
            met = fp.compare(value, cut, ">=")
        met = np.broadcast_to(met, (scores.rows,)).copy()
        return met if missing is None else met & ~missing

    def _classify(self, scale: m.LevelScale, scores: CohortScores) -> tuple[Array, list[tuple[Array, Array]]]:
        rows = scores.rows
        reached = np.full(rows, -1, dtype=np.int64)
        unmet = []
        for index, level in enumerate(scale.levels):
            cut = self._meets(scale.on, level.threshold, scores)
            failed = np.zeros((rows, len(level.requires)), dtype=bool)
            for j, requirement in enumerate(level.requires):
                failed[:, j] = ~self._meets(requirement.ref, requirement.threshold, scores)
            qualifies = cut & ~failed.any(axis=1) & (reached < 0)
            reached[qualifies] = index
            unmet.append((cut, failed))
        return reached, unmet

    def rank(self, ranking: m.Ranking, scores: CohortScores, columns: Columns) -> Array:
        rows = scores.rows
        parts: list[Array] = []
        for ref, direction in [(ranking.by, ranking.direction)] + [(t.ref, t.direction) for t in ranking.tiebreaks]:
            value, missing, _ = self._published(ref, scores)
            assert isinstance(value.den, int)  # published values are fixed point
            key = np.asarray(value.num)
            if direction == "descending":
                key = -key
            key = np.broadcast_to(key, (rows,))
            if missing is not None and np.asarray(missing).any():  # a unit without a value ranks after the rest
                absent = np.asarray(missing)
                parts += [absent.astype(np.int64), np.where(absent, 0, key)]
            else:
                parts.append(key)
        group = columns.districts if ranking.within == "district" else np.zeros(rows, dtype=np.int64)
        return _competition_ranks(group, parts, ranking.ties == "dense")


def _zeroed_later(exact: Callable[[], Q], zeroed: Array | None, rows: int) -> Callable[[], Q]:
    def raw() -> Q:
        value = exact()
        return fp.broadcast(value if zeroed is None else fp.where(zeroed, ZERO_Q, value), rows)

    return raw


def _any_of(masks: list[Array], rows: int) -> Array | None:
    """The rows where any mask holds; None when none does (the usual case, which then costs nothing more)."""
    found = None
    for mask in masks:
        if mask.any():
            found = mask.copy() if found is None else found | mask
    return found


_WITHIN = (m.YesRule, m.CategoryRule, m.BandsRule, m.RatioRule, m.InformationalRule)


def _within_limits(rule: m.Rule | None) -> bool:
    """Whether a rule's points always lie in 0..max: fixed points the checker bounds, or a ratio (never above
    full, never negative)."""
    if isinstance(rule, m.BestOfRule):
        return all(_within_limits(alt) for alt in rule.alternatives)
    return isinstance(rule, _WITHIN)


def _share(points: Q, maximum: Decimal) -> Q:
    if maximum == 0:
        return ZERO_Q
    quotient, _ = fp.divide(points, fp.const(maximum))
    return quotient


def _none(ctx: _Context) -> Array:
    return np.zeros(ctx.rows, dtype=bool)


def _truth(value: Q, rows: int) -> Array:
    return np.broadcast_to(np.asarray(value.num != 0, dtype=bool), (rows,))


def _group_best(number: Q, missing: Array, parents: list[str | None] | None) -> Q:
    """Per row, the best value of its group (the cohort, or its district); never below 0, as the scalar engine."""
    values = np.where(missing, 0, np.asarray(number.num))
    values = np.maximum(values, 0) if values.dtype != object else np.array([max(v, 0) for v in values], dtype=object)
    if parents is None:
        best = np.full(len(values), values.max() if len(values) else 0, dtype=values.dtype)
    else:
        _, group = np.unique(np.array([p or "" for p in parents], dtype=object), return_inverse=True)
        per_group = np.zeros(group.max() + 1 if len(group) else 0, dtype=values.dtype)
        np.maximum.at(per_group, group, values)
        best = per_group[group]
    return Q(best, number.den, number.bound)


def _competition_ranks(group: Array, parts: list[Array], dense: bool) -> Array:
    """1 + the units strictly ahead in the group (shared: 1, 2, 2, 4) or the distinct keys ahead (dense)."""
    rows = len(group)
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    if any(np.asarray(p).dtype == object for p in parts):
        keys = list(zip(group.tolist(), *[np.asarray(p).tolist() for p in parts]))
        order = np.array(sorted(range(rows), key=keys.__getitem__), dtype=np.int64)
    elif not group.any():  # one group (a ranking within the tier)
        order = np.lexsort(tuple(reversed(parts)))
    else:
        order = np.lexsort(tuple(reversed([group] + parts)))
    sorted_cols = [np.asarray(group)[order]] + [np.asarray(p)[order] for p in parts]
    new_key = np.zeros(rows, dtype=bool)
    new_key[0] = True
    new_group = np.zeros(rows, dtype=bool)
    new_group[0] = True
    new_group[1:] = sorted_cols[0][1:] != sorted_cols[0][:-1]
    for col in sorted_cols:
        new_key[1:] |= col[1:] != col[:-1]
    positions = np.arange(rows)
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    if dense:
        distinct = np.cumsum(new_key)
        rank_sorted = distinct - distinct[group_start] + 1
    else:
        key_start = np.maximum.accumulate(np.where(new_key, positions, 0))
        rank_sorted = key_start - group_start + 1
    ranks = np.empty(rows, dtype=np.int64)
    ranks[order] = rank_sorted
    return ranks


def _check_terminating(expr: m.Expr, tier: m.Tier, rounded: bool, owner: str) -> None:
    """Refuse (Fallback) an expression that computes further with a quotient that does not terminate."""

    def terminates(e: m.Expr, allowed: bool) -> bool:
        children: list[tuple[m.Expr, bool]] = []
        own = True
        if isinstance(e, m.IndicatorRef):
            own = not (e.part is None and tier_indicator_kind(tier, e.name) == "pair")
        elif isinstance(e, m.ShareRef):
            own = _terminating_divisor(tier.node(e.node_id).max)
        elif isinstance(e, m.Binary):
            children = [(e.left, False), (e.right, False)]
            if e.op == "/":
                own = isinstance(e.right, m.Number) and _terminating_divisor(e.right.value)
        elif isinstance(e, m.Compare):
            children = [(e.left, True), (e.right, True)]
        elif isinstance(e, m.Call) and e.function == "round":
            children = [(e.args[0], True)]
        elif isinstance(e, (m.Call,)):
            children = [(a, False) for a in e.args]
        elif isinstance(e, m.Negate):
            children = [(e.operand, False)]
        elif isinstance(e, m.Not):
            children = [(e.operand, True)]
        elif isinstance(e, m.BoolOp):
            children = [(e.left, True), (e.right, True)]
        elif isinstance(e, m.IfExpr):
            children = [(e.condition, True), (e.then, False), (e.otherwise, False)]
        results = [terminates(child, ok) for child, ok in children]
        own = own and all(results) if not isinstance(e, (m.Compare, m.BoolOp, m.Not)) else True
        if isinstance(e, m.Call) and e.function == "round":
            own = True
        if not own and not allowed:
            raise Fallback(f"the formula of {owner} computes further with a quotient that does not terminate")
        return own

    terminates(expr, rounded)


def tier_indicator_kind(tier: m.Tier, name: str) -> str:
    for ind in tier.indicators:
        if ind.name == name:
            return ind.kind
    return ""


def _terminating_divisor(value: Decimal) -> bool:
    num, den = fp.fraction(value)
    if num == 0:
        return True
    num = abs(num)
    for prime in (2, 5):
        while num % prime == 0:
            num //= prime
    return num == 1


# ---------------------------------------------------------------- scoring
def plan_ruleset(compiled: CompiledRuleset) -> dict[str, TierPlan | str]:
    """Each tier's plan, or why it falls back to the scalar engine."""
    plans: dict[str, TierPlan | str] = {}
    for tier_id, tier in compiled.tiers.items():
        try:
            plans[tier_id] = TierPlan(compiled.ruleset.header, tier)
        except Fallback as reason:
            plans[tier_id] = str(reason)
    return plans


def evaluate_batch(compiled: CompiledRuleset, assessments: Iterable[Assessment], run_at: str | None = None,
                   any_year: bool = False, unit_list: Mapping[str, str] | None = None) -> Results:
    """Score like ``evaluator.evaluate``, cohort by cohort over columns; a tier the batch engine cannot
    reproduce exactly is scored by the scalar engine, and ``Results.engines`` says so."""
    cohorts, warnings = checked_data(compiled.ruleset, assessments, any_year, unit_list)
    prepared = {key: CheckedCohort(sorted(members, key=lambda a: a.code)) for key, members in cohorts.items()}
    return evaluate_cohorts(compiled, prepared, run_at, warnings)


@attrs.frozen
class CheckedCohort:
    """A cohort whose data passed every check: its members sorted by code, and, when whoever checked them has
    them already (a data frame's columns), its columns in the same order; else they are made from the members."""

    members: list[Assessment]
    columns: Callable[[m.Tier], Columns] | None = None


def evaluate_cohorts(compiled: CompiledRuleset, cohorts: Mapping[tuple[str, int, str], CheckedCohort],
                     run_at: str | None = None, warnings: tuple[Diagnostic, ...] = ()) -> Results:
    """The batch engine's entry for data already checked (``evaluate_batch`` after ``checked_data``, or a data
    frame checked column by column by ``data.frame_checks``): each cohort scored over its columns."""
    plans = plan_ruleset(compiled)
    units: list[UnitResult] = []
    problems: list[Diagnostic] = []
    engines: dict[str, str] = {}
    for key in sorted(cohorts):
        cohort = cohorts[key]
        members = cohort.members
        plan = plans[key[0]]
        if isinstance(plan, TierPlan):
            try:
                columns = cohort.columns(plan.tier) if cohort.columns is not None else \
                    columns_from_assessments(plan.tier, members)
                scores = plan.run(columns)
            except Fallback as reason:
                plan = str(reason)
            else:
                units.extend(_unit_results(plan, members, scores))
                engines.setdefault(key[0], "batch")
                continue
        engines[key[0]] = f"scalar: {plan}"
        scored, found = score_cohort(compiled.tiers[key[0]], members)
        units.extend(scored)
        problems.extend(found)
    if problems:
        raise DataError(problems)
    return Results(compiled.ruleset, tuple(units), run_stamp(run_at), engines, warnings=warnings)


# ---------------------------------------------------------------- results
class _Branch:
    """A criterion's branch in words, written by the scalar engine for this one unit when it is first read."""

    __slots__ = ("compiled", "assessment", "cohort_max", "node_id", "cache")

    def __init__(self, compiled: CompiledTier, assessment: Assessment, cohort_max: Mapping[tuple[str, str], Decimal],
                 node_id: str, cache: dict[str, Env]):
        self.compiled, self.assessment, self.cohort_max = compiled, assessment, cohort_max
        self.node_id, self.cache = node_id, cache

    def __format__(self, spec: str) -> str:
        env = self.cache.get(self.assessment.code)
        if env is None:
            env = self.cache[self.assessment.code] = Env(self.compiled, self.assessment.values,
                                                          self.assessment.evidence, self.cohort_max)
        return env.node(self.node_id).branch

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its text: what it refers to holds the ruleset's compiled functions."""
        return str, (format(self, ""),)


def _unit_results(plan: TierPlan, members: list[Assessment], scores: CohortScores) -> list[UnitResult]:
    tier = plan.tier
    order = plan.compiled.order
    maxima = _cohort_maxima(plan.compiled, members)
    envs: dict[str, Env] = {}
    nodes = {node_id: _node_values(scores.nodes[node_id], tier.node(node_id).rule is None) for node_id in order}
    total = _decimals(scores.total)
    outputs = {name: (_decimals(value), np.asarray(missing).tolist()) for name, (value, missing) in scores.outputs.items()}
    published = {r.name: _decimals_or_none(*plan._published(r.by, scores)[:2]) for r in tier.rankings}
    readers = {n.id: (m.rule_indicators(n.rule) or tuple(i.name for i in n.inputs)) if n.rule is not None else ()
               for n in tier.walk()}
    district_sizes: dict[str, int] = defaultdict(int)
    for assessment in members:
        district_sizes[assessment.parent or ""] += 1
    units = []
    for row, assessment in enumerate(members):
        node_results = {}
        for node_id in order:
            points, raw, flags = nodes[node_id]
            node = tier.node(node_id)
            why = ("sum of sub-criteria",) if node.rule is None and not flags[row] else (
                ("{}", _Branch(plan.compiled, assessment, maxima[row], node_id, envs)))
            node_results[node_id] = NodeResult(node_id, points[row], node.max, why, flags[row], raw[row],
                                               readers[node_id], assessment.values)
        unit_outputs = {name: (None if missing[row] else values[row]) for name, (values, missing) in outputs.items()}
        ranks: dict[str, RankResult] = {}
        unit = UnitResult(assessment, tier, node_results, total[row], unit_outputs, {}, ranks)
        for scale in tier.levels:
            unit.levels[scale.name] = _level(scale, int(scores.levels[scale.name][row]), scores.unmet[scale.name], row)
        for ranking in tier.rankings:
            group = (assessment.parent or "") if ranking.within == "district" else tier.id
            size = district_sizes[group] if ranking.within == "district" else len(members)
            ranks[ranking.name] = RankResult(ranking.name, int(scores.ranks[ranking.name][row]), size, group,
                                             published[ranking.name][row])
        units.append(unit)
    return units


def _node_values(scores: NodeScores, group: bool) -> tuple[list[Decimal], list[Decimal], list[tuple[str, ...]]]:
    rows = len(np.asarray(scores.points.num))
    outcome = np.broadcast_to(np.asarray(scores.outcome), (rows,)).tolist()
    limit = np.broadcast_to(np.asarray(scores.limit), (rows,)).tolist()
    flags = [OUTCOME_FLAGS[o] + LIMIT_FLAGS[c] for o, c in zip(outcome, limit)]
    raw = fp.broadcast(scores.raw if isinstance(scores.raw, Q) else scores.raw(), rows)
    dens = np.broadcast_to(np.asarray(raw.den, dtype=object), (rows,)).tolist()
    raws = [Decimal(int(n)) / Decimal(int(d)) if not raw.fixed else fp.to_decimal(int(n), int(d))
            for n, d in zip(np.asarray(raw.num).tolist(), dens)]
    return _decimals(scores.points), raws, flags


def _decimals(value: Q) -> list[Decimal]:
    assert isinstance(value.den, int)
    return [fp.to_decimal(n, value.den) for n in np.asarray(value.num).tolist()]


def _decimals_or_none(value: Q, missing: Array | None) -> list[Decimal | None]:
    values: list[Decimal | None] = list(_decimals(value))
    if missing is not None:
        for row, absent in enumerate(np.asarray(missing).tolist()):
            if absent:
                values[row] = None
    return values


def _level(scale: m.LevelScale, reached: int, unmet: list[tuple[Array, Array]], row: int) -> LevelResult:
    reasons: list[str] = []
    last = reached if reached >= 0 else len(scale.levels)
    for index in range(last):
        cut, failed = unmet[index]
        if not cut[row]:
            continue
        level = scale.levels[index]
        reasons.extend(f"{level.label}: {_ref_text(r.ref)} < {r.threshold.value}{'%' if r.threshold.percent else ''}"
                       for j, r in enumerate(level.requires) if failed[row, j])
    if reached < 0:
        return LevelResult(scale.name, None, scale.below, tuple(reasons))
    level = scale.levels[reached]
    return LevelResult(scale.name, level.id, level.label, tuple(reasons))


__all__ = ["CheckedCohort", "Columns", "Fallback", "IndicatorColumn", "TierPlan", "columns_from_assessments",
           "evaluate_batch", "evaluate_cohorts", "fixed_column", "plan_ruleset"]
