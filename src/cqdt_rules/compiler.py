"""Turn a checked ruleset into closures built once; evaluation calls them and never sees Lark."""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from cqdt_rules import model as m
from cqdt_rules.units import Pair

MAX_DIGITS = 12
"""The most decimals a ruleset may round to; the checker refuses more."""
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}


def round_to(value: Decimal, rounding: m.Rounding | None) -> Decimal:
    """Round as declared (half-up unless the ruleset says otherwise); None leaves the value exact."""
    if rounding is None:
        return value
    return value.quantize(_STEPS[rounding.digits], rounding=_MODES[rounding.mode], context=_WIDE)


_WIDE = decimal.Context(prec=60)
_STEPS = [Decimal(1).scaleb(-digits) for digits in range(MAX_DIGITS + 1)]


def shown_max(maximum: Decimal, rounding: m.Rounding | None) -> Decimal:
    """The maximum written at the declared precision, unless rounding would lift it above the maximum."""
    rounded = round_to(maximum, rounding)
    return rounded if rounded <= maximum else maximum


class NotAssessed(Exception):
    """An expression read an indicator that was not assessed (audit-only, in a self-assessment)."""


class EvaluationError(Exception):
    """A value that cannot be computed (a formula dividing by zero); carries the node id."""

    def __init__(self, node_id: str, message: str):
        self.node_id = node_id
        super().__init__(message)


@attrs.frozen
class NodeResult:
    """Points of one node for one unit, and why."""

    id: str
    points: Decimal
    max: Decimal
    inputs: tuple[tuple[str, Any], ...] = ()
    branch: str = ""
    flags: tuple[str, ...] = ()
    raw: Decimal | None = None

    @property
    def share(self) -> Decimal | None:
        """Points as a share of the maximum; None for an informational node (max 0)."""
        return None if self.max == 0 else self.points / self.max


class Env:
    """Everything one unit's evaluation reads: values, evidence, cohort maxima, computed nodes."""

    __slots__ = ("values", "evidence", "cohort_max", "results", "compiled")

    def __init__(self, compiled: CompiledTier, values: Mapping[str, Any], evidence: Mapping[str, tuple[str, ...]],
                 cohort_max: Mapping[tuple[str, str], Decimal]):
        self.compiled = compiled
        self.values = values
        self.evidence = evidence
        self.cohort_max = cohort_max
        self.results: dict[str, NodeResult] = {}

    def node(self, node_id: str) -> NodeResult:
        found = self.results.get(node_id)
        if found is None:
            found = self.compiled.node_fns[node_id](self)
            self.results[node_id] = found
        return found


RuleFn = Callable[[Env], tuple[Decimal, str, tuple[str, ...]]]
NodeFn = Callable[[Env], NodeResult]
ExprFn = Callable[[Env], Any]


@attrs.frozen
class CompiledTier:
    tier: m.Tier
    node_fns: dict[str, NodeFn]
    top_ids: tuple[str, ...]
    order: tuple[str, ...]
    output_fns: tuple[tuple[m.Output, ExprFn], ...]
    normalised: tuple[tuple[str, str], ...]
    total_rounding: m.Rounding | None


@attrs.frozen
class CompiledRuleset:
    ruleset: m.Ruleset
    tiers: dict[str, CompiledTier]


def compile_ruleset(ruleset: m.Ruleset) -> CompiledRuleset:
    return CompiledRuleset(ruleset, {t.id: _TierCompiler(ruleset, t).build() for t in ruleset.tiers})


class _TierCompiler:
    def __init__(self, ruleset: m.Ruleset, tier: m.Tier):
        self.header = ruleset.header
        self.tier = tier
        self.indicators = {ind.name: ind for ind in tier.indicators}
        self.normalised: list[tuple[str, str]] = []

    def build(self) -> CompiledTier:
        node_fns = {node.id: self._node(node) for node in self.tier.walk()}
        outputs = tuple((o, self._expr(o.expr, None)) for o in self.tier.outputs)
        return CompiledTier(
            tier=self.tier, node_fns=node_fns, top_ids=tuple(n.id for n in self.tier.nodes),
            order=tuple(n.id for n in self.tier.walk()), output_fns=outputs,
            normalised=tuple(dict.fromkeys(self.normalised)),
            total_rounding=self.tier.total_rounding or self.header.rounding,
        )

    # ------------------------------------------------------------ nodes
    def _node(self, node: m.Node) -> NodeFn:
        if node.rule is None:
            return self._group(node)
        return self._criterion(node)

    def _group(self, node: m.Node) -> NodeFn:
        child_ids = tuple(c.id for c in node.children)
        node_id, maximum = node.id, node.max
        rounding = node.rounding or self.header.rounding

        def group(env: Env) -> NodeResult:
            total = sum((env.node(c).points for c in child_ids), ZERO)
            if total > maximum:
                return NodeResult(node_id, shown_max(maximum, rounding), maximum,
                                  branch=f"sum {total} capped at {maximum}", flags=("capped",), raw=total)
            return NodeResult(node_id, min(round_to(total, rounding), shown_max(maximum, rounding)), maximum,
                              branch="sum of sub-criteria", raw=total)

        return group

    def _criterion(self, node: m.Node) -> NodeFn:
        assert node.rule is not None
        rule_fn = self._rule(node.rule, node)
        names = m.rule_indicators(node.rule) or tuple(i.name for i in node.inputs)
        needs_evidence = tuple((n, self.indicators[n].evidence) for n in names
                               if n in self.indicators and self.indicators[n].evidence_required)
        zero_on_missing_evidence = self.header.on_missing_evidence == "zero"
        rounding = node.rounding or self.header.rounding
        node_id, maximum = node.id, node.max

        def criterion(env: Env) -> NodeResult:
            values = env.values
            inputs = tuple((n, values.get(n)) for n in names)
            flags: tuple[str, ...]
            missing = [n for n, v in inputs if v is None]
            lacking = [f"{n}: {what}" for n, what in needs_evidence if not env.evidence.get(n)] if zero_on_missing_evidence else []
            if missing:
                raw, branch, flags = ZERO, f"not assessed ({', '.join(missing)}) → 0", ("not assessed",)
            elif lacking:
                raw, branch, flags = ZERO, f"missing evidence ({'; '.join(lacking)}) → 0, as the ruleset declares", ("missing evidence",)
            else:
                raw, branch, flags = rule_fn(env)
            # round first, then keep within 0..max, so rounding can never lift points above the maximum
            points = round_to(raw, rounding)
            if points > maximum:
                points, flags, branch = shown_max(maximum, rounding), flags + ("capped",), branch + f"; capped at {maximum}"
            elif points < 0:
                points, flags, branch = round_to(ZERO, rounding), flags + ("floored",), branch + "; raised to 0"
            return NodeResult(node_id, points, maximum, inputs, branch, flags, raw)

        return criterion

    # ------------------------------------------------------------ rules
    def _points(self, spec: m.PointsSpec | None, node: m.Node) -> Decimal:
        if spec is None:
            spec = self.header.on_zero_denominator if self.header.on_zero_denominator is not None else ZERO
        return node.max if spec == "full" else Decimal(spec)

    def _rule(self, rule: m.Rule, node: m.Node) -> RuleFn:
        method = getattr(self, "_rule_" + type(rule).__name__)
        return method(rule, node)  # type: ignore[no-any-return]

    def _rule_YesRule(self, rule: m.YesRule, node: m.Node) -> RuleFn:
        name, maximum = rule.indicator, node.max

        def yes(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            return (maximum, "yes → full points", ()) if env.values[name] else (ZERO, "no → 0", ())

        return yes

    def _rule_CategoryRule(self, rule: m.CategoryRule, node: m.Node) -> RuleFn:
        table = {arm.value: self._points(arm.points, node) for arm in rule.arms}
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else None
        name = rule.indicator

        def category(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = env.values[name]
            if value in table:
                return table[value], f"'{value}' → {table[value]}", ()
            assert otherwise is not None  # the checker refuses uncovered categories
            return otherwise, f"'{value}' → else {otherwise}", ()

        return category

    def _rule_RatioRule(self, rule: m.RatioRule, node: m.Node) -> RuleFn:
        name, maximum = rule.indicator, node.max
        on_zero = self._points(rule.on_zero, node)
        is_percent = self.indicators[name].kind == "percent"

        def ratio(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = env.values[name]
            if is_percent:
                a, b = value, HUNDRED
            else:
                a, b = value.a, value.b
            if b == 0:
                return on_zero, f"b = 0 → {on_zero}, as the ruleset declares", ("b = 0",)
            if a >= b:
                return maximum, f"{a}/{b} ≥ 100% → full points", ()
            return a * maximum / b, f"{a}/{b} × {maximum}", ()

        return ratio

    def _rule_BandsRule(self, rule: m.BandsRule, node: m.Node) -> RuleFn:
        name = rule.indicator
        kind = self.indicators[name].kind
        bands = tuple((b.comparator, b.threshold.value, self._points(b.points, node), _band_text(b)) for b in rule.bands)
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else ZERO
        on_zero = self._points(None, node)

        def bands_fn(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = env.values[name]
            if kind == "pair":
                if value.b == 0:
                    return on_zero, f"b = 0 → {on_zero}, as the ruleset declares", ("b = 0",)
                left, scale, shown = value.a * HUNDRED, value.b, f"{value.a}/{value.b}"
            else:
                left, scale, shown = value, ONE, f"{value}"
            for comparator, threshold, points, text in bands:
                right = threshold * scale
                hit = left >= right if comparator == ">=" else left > right if comparator == ">" else left == right
                if hit:
                    return points, f"{shown} {text} → {points}", ()
            return otherwise, f"{shown} below every band → {otherwise}", ()

        return bands_fn

    def _rule_PerItemRule(self, rule: m.PerItemRule, node: m.Node) -> RuleFn:
        name, each = rule.indicator, rule.each

        def per_item(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            count = env.values[name]
            return count * each, f"{count} × {each}", ()

        return per_item

    def _rule_BestOfRule(self, rule: m.BestOfRule, node: m.Node) -> RuleFn:
        alternatives = tuple(self._rule(alt, node) for alt in rule.alternatives)

        def best(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            scored = [fn(env) for fn in alternatives]
            best_index = max(range(len(scored)), key=lambda i: (scored[i][0], -i))
            points, branch, flags = scored[best_index]
            return points, f"best of {len(scored)} alternatives: #{best_index + 1}, {branch}", flags

        return best

    def _rule_NormalisedRule(self, rule: m.NormalisedRule, node: m.Node) -> RuleFn:
        key = (rule.indicator, rule.within)
        self.normalised.append(key)
        name, maximum, within = rule.indicator, node.max, rule.within

        def normalised(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = env.values[name]
            best = env.cohort_max[key]
            if best == 0:
                return ZERO, f"every unit of the {within} has 0 → 0", ("cohort best is 0",)
            return value * maximum / best, f"{value} / {best} (best of the {within}) × {maximum}", ()

        return normalised

    def _rule_DirectRule(self, rule: m.DirectRule, node: m.Node) -> RuleFn:
        name = rule.indicator

        def direct(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = env.values[name]
            return value, f"assessed score {value}", ()

        return direct

    def _rule_InformationalRule(self, rule: m.InformationalRule, node: m.Node) -> RuleFn:
        def informational(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            return ZERO, "informational: collected and shown, not scored", ("informational",)

        return informational

    def _rule_FormulaRule(self, rule: m.FormulaRule, node: m.Node) -> RuleFn:
        fn = self._expr(rule.expr, node)
        node_id = node.id

        def formula(env: Env) -> tuple[Decimal, str, tuple[str, ...]]:
            value = _as_number(fn(env), node_id)
            return value, f"formula = {value}", ()

        return formula

    # ------------------------------------------------------------ expressions
    def _expr(self, expr: m.Expr, node: m.Node | None) -> ExprFn:
        method = getattr(self, "_x_" + type(expr).__name__)
        return method(expr, node)  # type: ignore[no-any-return]

    def _x_Number(self, expr: m.Number, node: m.Node | None) -> ExprFn:
        value = expr.value
        return lambda env: value

    def _x_IndicatorRef(self, expr: m.IndicatorRef, node: m.Node | None) -> ExprFn:
        name, part = expr.name, expr.part
        owner = node.id if node else "output"
        is_percent = self.indicators[name].kind == "percent"

        def indicator(env: Env) -> Any:
            value = env.values[name]
            if value is None:
                raise NotAssessed(name)
            if is_percent:
                return value / HUNDRED
            if isinstance(value, Pair):
                if part is not None:
                    return value.a if part == "a" else value.b
                if value.b == 0:
                    raise EvaluationError(owner, f"'{name}' has b = 0: write the formula with '{name}.a' and '{name}.b' "
                                                 "and say what b = 0 gives")
                return value.a / value.b
            if isinstance(value, bool):
                return ONE if value else ZERO
            return value

        return indicator

    def _x_TotalRef(self, expr: m.TotalRef, node: m.Node | None) -> ExprFn:
        top = tuple(n.id for n in self.tier.nodes)
        rounding = self.tier.total_rounding or self.header.rounding
        maximum = self.tier.max
        return lambda env: min(round_to(sum((env.node(i).points for i in top), ZERO), rounding), maximum)

    def _x_FullRef(self, expr: m.FullRef, node: m.Node | None) -> ExprFn:
        maximum = node.max if node else ZERO
        return lambda env: maximum

    def _x_PointsRef(self, expr: m.PointsRef, node: m.Node | None) -> ExprFn:
        node_id = expr.node_id
        return lambda env: env.node(node_id).points

    def _x_ShareRef(self, expr: m.ShareRef, node: m.Node | None) -> ExprFn:
        node_id = expr.node_id

        def share(env: Env) -> Decimal:
            result = env.node(node_id)
            return ZERO if result.max == 0 else result.points / result.max

        return share

    def _x_Binary(self, expr: m.Binary, node: m.Node | None) -> ExprFn:
        left, right, op = self._expr(expr.left, node), self._expr(expr.right, node), expr.op
        owner = node.id if node else "output"
        if op == "+":
            return lambda env: left(env) + right(env)
        if op == "-":
            return lambda env: left(env) - right(env)
        if op == "*":
            return lambda env: left(env) * right(env)

        def divide(env: Env) -> Decimal:
            divisor = right(env)
            if divisor == 0:
                raise EvaluationError(owner, "division by zero in a formula; guard it with 'if ... then ... else ...'")
            return left(env) / divisor  # type: ignore[no-any-return]

        return divide

    def _x_Negate(self, expr: m.Negate, node: m.Node | None) -> ExprFn:
        operand = self._expr(expr.operand, node)
        return lambda env: -operand(env)

    def _x_Compare(self, expr: m.Compare, node: m.Node | None) -> ExprFn:
        left, right = self._expr(expr.left, node), self._expr(expr.right, node)
        compare: Callable[[Any, Any], bool] = {
            ">=": operator.ge, "<=": operator.le, ">": operator.gt,
            "<": operator.lt, "==": operator.eq, "!=": operator.ne,
        }[expr.op]
        return lambda env: compare(left(env), right(env))

    def _x_BoolOp(self, expr: m.BoolOp, node: m.Node | None) -> ExprFn:
        left, right = self._expr(expr.left, node), self._expr(expr.right, node)
        if expr.op == "and":
            return lambda env: bool(left(env)) and bool(right(env))
        return lambda env: bool(left(env)) or bool(right(env))

    def _x_Not(self, expr: m.Not, node: m.Node | None) -> ExprFn:
        operand = self._expr(expr.operand, node)
        return lambda env: not operand(env)

    def _x_IfExpr(self, expr: m.IfExpr, node: m.Node | None) -> ExprFn:
        condition = self._expr(expr.condition, node)
        then, otherwise = self._expr(expr.then, node), self._expr(expr.otherwise, node)
        return lambda env: then(env) if condition(env) else otherwise(env)

    def _x_Call(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args = tuple(self._expr(a, node) for a in expr.args)
        if expr.function == "min":
            return lambda env: min(a(env) for a in args)
        if expr.function == "max":
            return lambda env: max(a(env) for a in args)
        assert isinstance(expr.args[1], m.Number)
        rounding = m.Rounding(int(expr.args[1].value), "half_up")
        value = args[0]
        return lambda env: round_to(_as_number(value(env), "round"), rounding)


def _as_number(value: Any, node_id: str) -> Decimal:
    if isinstance(value, bool):
        return ONE if value else ZERO
    return value  # type: ignore[no-any-return]


def _band_text(band: m.Band) -> str:
    comparator = {">=": "≥", ">": ">", "=": "="}[band.comparator]
    return f"{comparator} {band.threshold.value}{'%' if band.threshold.percent else ''}"
