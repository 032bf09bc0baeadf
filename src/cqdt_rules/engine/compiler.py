"""Turn a checked ruleset into closures built once; evaluation calls them and never sees Lark."""

from __future__ import annotations

import decimal
import functools
import itertools
import operator
import sys
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from decimal import Decimal
from types import MappingProxyType
from typing import Any, cast

import attrs

from cqdt_rules.engine import codegen
from cqdt_rules.engine.codegen import DetailsFn, UnitFn
from cqdt_rules.engine.exact import rounded_root, rounded_signed_root
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC, MAX_MAGNITUDE
from cqdt_rules.model.units import Pair

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
    # positional: Decimal.quantize parses keyword arguments slowly, and this runs for every node of every unit
    rounded = value.quantize(_STEPS[rounding.digits], _MODES[rounding.mode], ARITHMETIC)
    return rounded if rounded else rounded.copy_abs()  # -0.0004 rounds to 0.000, never "-0.000"


_STEPS = [Decimal(1).scaleb(-digits) for digits in range(m.MAX_DIGITS + 1)]


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


Why = tuple[Any, ...]
"""The branch a node took, as a ``str.format`` template followed by its arguments, e.g. ``("{}/{} × {}", a, b, 4)``.
It is written out only when asked (``NodeResult.branch``): most branches of most units are never read, and writing
their numbers out as text was about a fifth of the evaluation time. Text from a ruleset or data goes in as an
argument, never into the template."""
_SUMMED: Why = ("sum of sub-criteria",)
_CAPPED = ("capped",)
_FLOORED = ("floored",)
_NOTHING_READ: Mapping[str, Any] = MappingProxyType({})


@attrs.define(eq=False, repr=False)
class NodeResult:
    """Points of one node for one unit, and why. Treat it as read-only.

    One is built for every node of every unit and kept with the results, so building it must be cheap: it is
    not ``frozen`` (a frozen class's ``__init__`` cost three times as much), and it builds no text or tuple of
    inputs until asked: ``branch`` is written from ``why``, and ``inputs`` pairs ``reads`` (the criterion's
    indicator names, built at compile time) with the unit's ``values``. Equality, hashing and repr look at what
    the results show (``inputs``, ``branch``), not at the whole ``values``."""

    id: str
    points: Decimal
    max: Decimal
    why: Why = ("",)
    flags: tuple[str, ...] = ()
    raw: Decimal | None = None
    reads: tuple[str, ...] = ()
    values: Mapping[str, Any] = _NOTHING_READ

    @property
    def branch(self) -> str:
        """The branch taken, in words."""
        template, *arguments = self.why
        return str(template).format(*arguments)

    @property
    def inputs(self) -> tuple[tuple[str, Any], ...]:
        """The values the criterion read, as (indicator, value) pairs; empty for a group."""
        return tuple((name, self.values.get(name)) for name in self.reads)

    @property
    def share(self) -> Decimal | None:
        """Points as a share of the maximum; None for an informational node (max 0)."""
        return None if self.max == 0 else ARITHMETIC.divide(self.points, self.max)

    def _shown(self) -> tuple[Any, ...]:
        return (self.id, self.points, self.max, self.inputs, self.branch, self.flags, self.raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeResult) and self._shown() == other._shown()

    def __hash__(self) -> int:
        return hash(self._shown())

    def __repr__(self) -> str:
        fields = ("id", "points", "max", "inputs", "branch", "flags", "raw")
        return "NodeResult(" + ", ".join(f"{f}={v!r}" for f, v in zip(fields, self._shown())) + ")"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with the values it read alone: what it shows (``inputs``); the mapping it reads them from may be
        an engine's, holding its functions."""
        read = {name: self.values.get(name) for name in self.reads}
        return NodeResult, (self.id, self.points, self.max, self.why, self.flags, self.raw, self.reads, read)


@attrs.frozen
class TierShape:
    """What every unit's node results of a tier share: node ids in reading order, their maxima and the
    indicators each criterion reads."""

    order: tuple[str, ...]
    index: dict[str, int]
    maxima: tuple[Decimal, ...]
    reads: tuple[tuple[str, ...], ...]


class NodeResults(Mapping[str, NodeResult]):
    """One unit's node results in a tier with generated functions (``codegen``). Scored in a cohort, it keeps no
    points: what it keeps (the unit's values, evidence and cohort maxima, and the tier's two functions) gives them
    again, exactly, when they are read (``all_points``: the points-only function run again, a few microseconds).
    Why, flags and raw value of the nodes, with their points, are computed (by the tier's ``explain_unit``, once for
    the unit) when a node's result or the flags are read, and kept; a ``NodeResult`` is made when one is read.
    Kept this way, a unit's results are a handful of objects (no tuple of some thirty ``Decimal`` points, most of
    them made for that unit alone: two thirds of the results' memory), and scoring spends nothing on explanations.
    Explanations and results JSON compute the details as they write them (``unit_inputs``, ``writergen``).
    ``points`` keeps the points instead, for a caller that reads them at once and drops the unit (a stream)."""

    __slots__ = ("_shape", "_functions", "_points", "_details", "_values", "_evidence", "_cohort_max")

    def __init__(self, shape: TierShape, functions: tuple[UnitFn, DetailsFn], values: Mapping[str, Any],
                 evidence: Mapping[str, tuple[str, ...]], cohort_max: Mapping[tuple[str, str], Decimal],
                 points: tuple[Decimal, ...] | None = None):
        self._shape, self._functions, self._points = shape, functions, points
        self._details: tuple[tuple[Decimal, ...], tuple[Why, ...], tuple[tuple[str, ...], ...], tuple[Any, ...]] \
            | None = None
        self._values, self._evidence, self._cohort_max = values, evidence, cohort_max

    def _explained(self) -> tuple[tuple[Decimal, ...], tuple[Why, ...], tuple[tuple[str, ...], ...], tuple[Any, ...]]:
        """Points, why, flags and raw value of every node, computed on first use in the engine's arithmetic."""
        details = self._details
        if details is None:
            with decimal.localcontext(ARITHMETIC):
                details = self._details = self._functions[1](self._values, self._evidence, self._cohort_max)
        return details

    def all_points(self) -> tuple[Decimal, ...]:
        """The points of every node, in the tier's reading order: kept, explained, or computed again (in the engine's
        arithmetic, as when the unit was scored) and not kept."""
        kept = self._points if self._details is None else self._details[0]
        if kept is not None:
            return kept
        with decimal.localcontext(ARITHMETIC):
            return self._functions[0](self._values, self._evidence, self._cohort_max)[0]

    @property
    def shape(self) -> TierShape:
        return self._shape

    def unit_inputs(self) -> tuple[DetailsFn, Mapping[str, Any], Mapping[str, tuple[str, ...]],
                                   Mapping[tuple[str, str], Decimal]]:
        """The tier's function giving every node's details, and what it reads of the unit (values, evidence, cohort
        maxima): what a writer computing the details with the text reads (``writergen``)."""
        return self._functions[1], self._values, self._evidence, self._cohort_max

    def __getitem__(self, node_id: str) -> NodeResult:
        i = self._shape.index[node_id]
        points, whys, flags, raws = self._explained()
        return NodeResult(node_id, points[i], self._shape.maxima[i], whys[i], flags[i], raws[i],
                          self._shape.reads[i], self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self._shape.order)

    def __len__(self) -> int:
        return len(self._shape.order)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._shape.index

    def items(self) -> ItemsView[str, NodeResult]:
        return _NodeItems(self)

    def values(self) -> ValuesView[NodeResult]:
        return _NodeValues(self)

    def each(self) -> Iterator[tuple[str, NodeResult]]:
        """Every node's id and result, in reading order (what ``items()`` iterates, without a lookup per node)."""
        all_points, whys, flags, raws = self._explained()
        shape, values = self._shape, self._values
        for node_id, points, maximum, why, flag, raw, reads in zip(shape.order, all_points, shape.maxima, whys,
                                                                   flags, raws, shape.reads):
            yield node_id, NodeResult(node_id, points, maximum, why, flag, raw, reads, values)

    def rows(self) -> Iterator[NodeRow]:
        """Every node's ``NodeRow``, in reading order, without making the nodes' results."""
        points, whys, flags, _ = self._explained()
        shape = self._shape
        return zip(shape.order, points, whys, flags, shape.reads, itertools.repeat(self._values))

    def points(self, node_id: str) -> Decimal:
        """One node's points (``all_points``: to read several, read that once)."""
        return self.all_points()[self._shape.index[node_id]]

    def flagged(self, flag: str) -> tuple[str, ...]:
        """The ids of the nodes carrying ``flag``, without making their results."""
        return tuple(node_id for node_id, flags in zip(self._shape.order, self._explained()[2]) if flag in flags)

    def detached(self) -> NodeResults:
        """A copy of these results that works out and keeps its own explanation, leaving these as they are: to read
        a unit's details once (a report's page) without the unit keeping them."""
        copy: NodeResults = object.__new__(NodeResults)
        for name in NodeResults.__slots__:
            setattr(copy, name, getattr(self, name))
        return copy

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the dictionary of its nodes' results: the tier's generated functions cannot be pickled."""
        return dict, (list(self.each()),)


NodeRow = tuple[str, Decimal, Why, tuple[str, ...], tuple[str, ...], Mapping[str, Any]]
"""What explanations and results JSON read of a node's result: id, points, why, flags, the indicators it reads and
the unit's values (``NodeResult``'s fields of those names)."""


def node_rows(nodes: Mapping[str, NodeResult]) -> Iterator[NodeRow]:
    """The ``NodeRow`` of each of a unit's node results, in their order (from the tuples of ``NodeResults``
    without making a ``NodeResult`` per node)."""
    if isinstance(nodes, NodeResults):
        return nodes.rows()
    return ((r.id, r.points, r.why, r.flags, r.reads, r.values) for r in nodes.values())


class _NodeItems(ItemsView[str, NodeResult]):
    def __init__(self, nodes: NodeResults):
        super().__init__(nodes)
        self._nodes = nodes

    def __iter__(self) -> Iterator[tuple[str, NodeResult]]:
        return self._nodes.each()


class _NodeValues(ValuesView[NodeResult]):
    def __init__(self, nodes: NodeResults):
        super().__init__(nodes)
        self._nodes = nodes

    def __iter__(self) -> Iterator[NodeResult]:
        return (result for _, result in self._nodes.each())


class Env:
    """Everything one unit's evaluation reads: values, evidence, cohort maxima, computed nodes and outputs, and
    (for the cohort functions) the other units of its cohort."""

    __slots__ = ("values", "evidence", "cohort_max", "results", "compiled", "outputs", "cohort")

    def __init__(self, compiled: CompiledTier, values: Mapping[str, Any], evidence: Mapping[str, tuple[str, ...]],
                 cohort_max: Mapping[tuple[str, str], Decimal], cohort: Cohort | None = None):
        self.compiled = compiled
        self.values = values
        self.evidence = evidence
        self.cohort_max = cohort_max
        # every node id is a key from the start (None until computed), in the tier's reading order, so that
        # once every node is computed this dict is the unit's results as they are shown, without a copy
        self.results: dict[str, NodeResult | None] = dict.fromkeys(compiled.order)
        self.outputs: dict[str, Decimal | None] = {}
        self.cohort = cohort  # None: a unit scored on its own is its own cohort (see cohort_values)

    def cohort_values(self, key: int, fn: ExprFn) -> list[Decimal]:
        """``fn`` for every unit of this unit's cohort whose value is assessed (computed once per cohort)."""
        if self.cohort is None:
            self.cohort = Cohort([self])
        return self.cohort.values(key, fn)

    def output(self, name: str) -> Decimal | None:
        """An output's published value (after its rounding), computed on first use; None when not assessed."""
        outputs = self.outputs
        if name not in outputs:
            outputs[name] = self.compiled.output_values[name](self)
        return outputs[name]

    def node(self, node_id: str) -> NodeResult:
        """One node's result, computed (with whatever it reads) on first use."""
        found = self.results[node_id]
        if found is None:
            found = self.results[node_id] = self.compiled.node_fns[node_id](self)
        return found

    def evaluate_all(self) -> dict[str, NodeResult]:
        """Every node's result, in the tier's reading order. Computed children first, so that a group
        finds its children's results ready; a node a formula's ``points(...)`` already needed is kept."""
        results = self.results
        for node_id, fn in self.compiled.children_first:
            if results[node_id] is None:
                results[node_id] = fn(self)
        return cast(dict[str, NodeResult], results)  # no None is left


class Cohort:
    """The units scored together (one tier, year and source), for the functions that compare a unit with
    the others (minmax, zscore, rank). Each function's values over the cohort are computed once, on first use;
    a unit whose value is not assessed takes no part in them."""

    def __init__(self, members: list[Env]):
        self.members = members
        self._values: dict[int, list[Decimal]] = {}

    def values(self, key: int, fn: ExprFn) -> list[Decimal]:
        found = self._values.get(key)
        if found is None:
            found = []
            for member in self.members:
                try:
                    found.append(_as_number(fn(member), "cohort"))
                except NotAssessed:
                    continue
            self._values[key] = found
        return found


RuleOutcome = tuple[Decimal, Why, tuple[str, ...]]
"""What a rule gives before rounding: points, the branch taken, flags."""
RuleFn = Callable[[Env], RuleOutcome]
NodeFn = Callable[[Env], NodeResult]
ExprFn = Callable[[Env], Any]


# Compiled tiers and rulesets hold closures: compared by identity (attrs would write equality and hashing for every
# process that scores), and not slotted, so that ``generated`` is a plain cached property
@attrs.frozen(eq=False, slots=False)
class CompiledTier:
    tier: m.Tier
    node_fns: dict[str, NodeFn]
    top_ids: tuple[str, ...]
    order: tuple[str, ...]
    children_first: tuple[tuple[str, NodeFn], ...]
    output_fns: tuple[tuple[m.Output, ExprFn], ...]
    normalised: tuple[tuple[str, str], ...]
    total_rounding: m.Rounding | None
    shape: TierShape
    output_values: dict[str, Callable[[Env], Decimal | None]] = attrs.field(factory=dict)
    """Each output's published value (rounded as declared; None when it reads a value not assessed)."""
    ranked_values: tuple[tuple[m.Expr, ExprFn], ...] = ()
    """The expressions rankings are by (beyond total, points, share and outputs), computed for every unit."""
    make_unit_fns: Callable[[], tuple[UnitFn, DetailsFn] | None] = attrs.field(default=lambda: None, eq=False,
                                                                                repr=False)

    @functools.cached_property
    def generated(self) -> tuple[UnitFn, DetailsFn] | None:
        """The tier's generated straight-line functions (``codegen``: points only, then points with why, flags and
        raw values), when every node is of a kind it writes out; made when the tier is first scored, so that
        loading a ruleset does not compile code it may not run."""
        return self.make_unit_fns()

    @property
    def unit_fn(self) -> UnitFn | None:
        """The generated function giving the points of every node and their total (None: the tier keeps closures)."""
        generated = self.generated
        return None if generated is None else generated[0]


@attrs.frozen(eq=False)
class CompiledRuleset:
    ruleset: m.Ruleset
    tiers: dict[str, CompiledTier]


def compile_ruleset(ruleset: m.Ruleset, *, generate: bool = True) -> CompiledRuleset:
    """Closures for every node; and, unless ``generate`` is False, one generated function per tier where
    ``codegen`` can write every node out (the closures are kept for single nodes and formulas)."""
    return CompiledRuleset(ruleset, {t.id: _TierCompiler(ruleset, t).build(generate) for t in ruleset.tiers})


def compile_expr(ruleset: m.Ruleset, tier: m.Tier, expr: m.Expr) -> Callable[[Env], Decimal]:
    """One expression read on one unit of ``tier`` (a statistic's argument), as a number."""
    fn = _TierCompiler(ruleset, tier)._expr(expr, None)
    return lambda env: _as_number(fn(env), "statistic")


class _TierCompiler:
    def __init__(self, ruleset: m.Ruleset, tier: m.Tier):
        self.header = ruleset.header
        self.tier = tier
        self.indicators = {ind.name: ind for ind in tier.indicators}
        self.normalised: list[tuple[str, str]] = []

    def build(self, generate: bool = True) -> CompiledTier:
        node_fns = {node.id: self._node(node) for node in self.tier.walk()}
        outputs = tuple((o, self._output_expr(o)) for o in self.tier.outputs)
        walk = self.tier.walk()
        order = tuple(n.id for n in walk)
        post_order = _post_order(self.tier.nodes)
        shape = TierShape(order, {node_id: i for i, node_id in enumerate(order)}, tuple(n.max for n in walk),
                          tuple(() if n.rule is None else m.rule_indicators(n.rule) or tuple(i.name for i in n.inputs)
                                for n in walk))
        return CompiledTier(
            tier=self.tier, node_fns=node_fns, top_ids=tuple(n.id for n in self.tier.nodes),
            order=order,
            children_first=tuple((node_id, node_fns[node_id]) for node_id in post_order),
            output_fns=outputs,
            normalised=tuple(dict.fromkeys(self.normalised)),
            total_rounding=self.tier.total_rounding or self.header.rounding,
            shape=shape,
            output_values={o.name: _published(fn, o.rounding, f"output '{o.name}'") for o, fn in outputs},
            ranked_values=tuple((e, _owned(self._expr(self.tier.ranked_value(e), None), f"ranking '{name}'"))
                                for e, name in _ranked_expressions(self.tier)),
            make_unit_fns=functools.partial(self._unit_fns, order, post_order) if generate else lambda: None,
        )

    def _unit_fns(self, order: tuple[str, ...], post_order: list[str]) -> tuple[UnitFn, DetailsFn] | None:
        """The tier's generated functions, if ``codegen`` writes every node out and nothing needs an ``Env``
        (outputs and ranked expressions read nodes through one)."""
        if not codegen.can_generate(self.tier) or _ranked_expressions(self.tier):
            return None
        return codegen.compile_unit_fns(self, order, post_order, sys.modules[__name__])

    def _output_expr(self, output: m.Output) -> ExprFn:
        """An output's value before its rounding; a root is computed to the output's declared rounding."""
        expr = output.expr
        if isinstance(expr, m.Call) and expr.function in m.ROOT_FUNCTIONS and output.rounding is not None:
            return _owned(self._rounded_root(expr, output.rounding, None), f"output '{output.name}'")
        return _owned(self._expr(expr, None), f"output '{output.name}'")

    # ------------------------------------------------------------ nodes
    def _node(self, node: m.Node) -> NodeFn:
        if node.rule is None:
            return self._group(node)
        return self._criterion(node)

    def _group(self, node: m.Node) -> NodeFn:
        child_ids = tuple(c.id for c in node.children)
        node_id, maximum = node.id, node.max
        rounding = node.rounding or self.header.rounding
        ceiling = shown_max(maximum, rounding)

        def group(env: Env) -> NodeResult:
            results, total = env.results, ZERO
            for child in child_ids:
                result = results[child]  # ready when evaluated children first; computed here otherwise
                total += (result if result is not None else env.node(child)).points
            if total > maximum:
                return NodeResult(node_id, ceiling, maximum, ("sum {} capped at {}", total, maximum), _CAPPED, total)
            return NodeResult(node_id, min(round_to(total, rounding), ceiling), maximum, _SUMMED, (), total)

        return group

    def _criterion(self, node: m.Node) -> NodeFn:
        assert node.rule is not None
        rule_fn = self._rule(node.rule, node)
        names = m.rule_indicators(node.rule) or tuple(i.name for i in node.inputs)
        # only evidence whose absence scores 0 is looked at here (with 'error' the evaluator refuses the data first)
        zeroed_without_evidence = tuple(
            self.indicators[n] for n in names if n in self.indicators and self.indicators[n].evidence_required
        ) if self.header.on_missing_evidence == "zero" else ()
        rounding = node.rounding or self.header.rounding
        node_id, maximum = node.id, node.max
        ceiling, floor = shown_max(maximum, rounding), round_to(ZERO, rounding)

        def criterion(env: Env) -> NodeResult:
            values = env.values
            # 0 points when a value was not assessed or lacks its evidence; the loop is written out here,
            # not in a helper, because it runs for every criterion of every unit and nearly always finds nothing
            outcome = None
            for name in names:
                if values.get(name) is None:
                    outcome = _not_assessed(names, values)
                    break
            if outcome is None and zeroed_without_evidence:
                outcome = _missing_evidence(zeroed_without_evidence, values, env.evidence)
            raw, why, flags = outcome or rule_fn(env)
            points, why, flags = finish(raw, why, flags, rounding, maximum, ceiling, floor)
            return NodeResult(node_id, points, maximum, why, flags, raw, names, values)

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
        name = rule.indicator
        full: RuleOutcome = (node.max, ("yes → full points",), ())
        none: RuleOutcome = (ZERO, ("no → 0",), ())

        def yes(env: Env) -> RuleOutcome:
            return full if env.values[name] else none

        return yes

    def _rule_CategoryRule(self, rule: m.CategoryRule, node: m.Node) -> RuleFn:
        outcomes: dict[str, RuleOutcome] = {}
        for arm in rule.arms:
            points = self._points(arm.points, node)
            outcomes[arm.value] = (points, ("'{}' → {}", arm.value, points), ())
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else None
        name = rule.indicator

        def category(env: Env) -> RuleOutcome:
            value = env.values[name]
            found = outcomes.get(value)
            if found is not None:
                return found
            assert otherwise is not None  # the checker refuses uncovered categories
            return otherwise, ("'{}' → else {}", value, otherwise), ()

        return category

    def _rule_RatioRule(self, rule: m.RatioRule, node: m.Node) -> RuleFn:
        name, maximum = rule.indicator, node.max
        on_zero = _zero_denominator(self._points(rule.on_zero, node))
        is_percent = self.indicators[name].kind == "percent"

        def ratio(env: Env) -> RuleOutcome:
            value = env.values[name]
            if is_percent:
                a, b = value, HUNDRED
            else:
                a, b = value.a, value.b
            if b == 0:
                return on_zero
            if a >= b:
                return maximum, ("{}/{} ≥ 100% → full points", a, b), ()
            return a * maximum / b, ("{}/{} × {}", a, b, maximum), ()

        return ratio

    def _rule_BandsRule(self, rule: m.BandsRule, node: m.Node) -> RuleFn:
        name = rule.indicator
        is_pair = self.indicators[name].kind == "pair"
        bands = tuple((b.comparator, b.threshold.value, self._points(b.points, node), _band_text(b)) for b in rule.bands)
        otherwise = self._points(rule.otherwise, node) if rule.otherwise is not None else ZERO
        on_zero = _zero_denominator(self._points(None, node))

        def bands_fn(env: Env) -> RuleOutcome:
            value = env.values[name]
            shown: tuple[Any, ...]
            if is_pair:
                if value.b == 0:
                    return on_zero
                left, scale, shown = value.a * HUNDRED, value.b, ("{}/{}", value.a, value.b)
            else:
                left, scale, shown = value, ONE, ("{}", value)
            for comparator, threshold, points, text in bands:
                right = threshold * scale
                hit = left >= right if comparator == ">=" else left > right if comparator == ">" else left == right
                if hit:
                    return points, (shown[0] + " {} → {}", *shown[1:], text, points), ()
            return otherwise, (shown[0] + " below every band → {}", *shown[1:], otherwise), ()

        return bands_fn

    def _rule_PerItemRule(self, rule: m.PerItemRule, node: m.Node) -> RuleFn:
        name, each = rule.indicator, rule.each

        def per_item(env: Env) -> RuleOutcome:
            count = env.values[name]
            return count * each, ("{} × {}", count, each), ()

        return per_item

    def _rule_BestOfRule(self, rule: m.BestOfRule, node: m.Node) -> RuleFn:
        alternatives = tuple(self._rule(alt, node) for alt in rule.alternatives)
        chosen = tuple(f"best of {len(alternatives)} alternatives: #{i + 1}, " for i in range(len(alternatives)))

        def best(env: Env) -> RuleOutcome:
            scored = [fn(env) for fn in alternatives]
            best_index = 0
            for index in range(1, len(scored)):  # strictly more: on a tie the first alternative is kept
                if scored[index][0] > scored[best_index][0]:
                    best_index = index
            points, why, flags = scored[best_index]
            return points, ("{}" + why[0], chosen[best_index], *why[1:]), flags

        return best

    def _rule_NormalisedRule(self, rule: m.NormalisedRule, node: m.Node) -> RuleFn:
        key = (rule.indicator, rule.within)
        self.normalised.append(key)
        name, maximum, within = rule.indicator, node.max, rule.within

        def normalised(env: Env) -> RuleOutcome:
            value = env.values[name]
            best = env.cohort_max[key]
            if best == 0:
                return ZERO, ("every unit of the {} has 0 → 0", within), ("cohort best is 0",)
            return value * maximum / best, ("{} / {} (best of the {}) × {}", value, best, within, maximum), ()

        return normalised

    def _rule_DirectRule(self, rule: m.DirectRule, node: m.Node) -> RuleFn:
        name = rule.indicator

        def direct(env: Env) -> RuleOutcome:
            value = env.values[name]
            return value, ("assessed score {}", value), ()

        return direct

    def _rule_InformationalRule(self, rule: m.InformationalRule, node: m.Node) -> RuleFn:
        outcome: RuleOutcome = (ZERO, ("informational: collected and shown, not scored",), ("informational",))

        def informational(env: Env) -> RuleOutcome:
            return outcome

        return informational

    def _rule_FormulaRule(self, rule: m.FormulaRule, node: m.Node) -> RuleFn:
        fn = self._expr(rule.expr, node)
        node_id = node.id

        def formula(env: Env) -> RuleOutcome:
            value = computed(fn, env, node_id)
            return value, ("formula = {}", value), ()

        return formula

    # ------------------------------------------------------------ expressions
    def _expr(self, expr: m.Expr, node: m.Node | None) -> ExprFn:
        method = getattr(self, "_x_" + type(expr).__name__)
        return method(expr, node)  # type: ignore[no-any-return]

    def _x_Number(self, expr: m.Number, node: m.Node | None) -> ExprFn:
        value = expr.value
        return lambda env: value

    def _x_IndicatorRef(self, expr: m.IndicatorRef, node: m.Node | None) -> ExprFn:
        if self.tier.reads_output(expr):
            return self._x_OutputRef(m.OutputRef(expr.name, span=expr.span), node)
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

    def _x_OutputRef(self, expr: m.OutputRef, node: m.Node | None) -> ExprFn:
        name = expr.name

        def output(env: Env) -> Decimal:
            value = env.output(name)
            if value is None:
                raise NotAssessed(name)
            return value

        return output

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
        method = getattr(self, "_call_" + expr.function)
        return method(expr, node)  # type: ignore[no-any-return]

    def _args(self, expr: m.Call, node: m.Node | None) -> tuple[ExprFn, ...]:
        return tuple(self._expr(a, node) for a in expr.args)

    def _call_min(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args = self._args(expr, node)
        return lambda env: min(a(env) for a in args)

    def _call_max(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args = self._args(expr, node)
        return lambda env: max(a(env) for a in args)

    def _call_round(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        assert isinstance(expr.args[1], m.Number)
        rounding = m.Rounding(int(expr.args[1].value), expr.mode)
        inner = expr.args[0]
        if isinstance(inner, m.Call) and inner.function in m.ROOT_FUNCTIONS:
            return self._rounded_root(inner, rounding, node)
        value = self._expr(inner, node)
        return lambda env: round_to(_as_number(value(env), "round"), rounding)

    def _call_sum(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args = self._args(expr, node)
        return lambda env: sum((_as_number(a(env), "sum") for a in args), ZERO)

    def _call_mean(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        args, count = self._args(expr, node), Decimal(len(expr.args))
        return lambda env: sum((_as_number(a(env), "mean") for a in args), ZERO) / count

    def _call_weighted_mean(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        fns = self._args(expr, node)
        pairs = tuple(zip(fns[0::2], fns[1::2]))
        owner = node.id if node else "output"

        def weighted_mean(env: Env) -> Decimal:
            weighted, weights = ZERO, ZERO
            for value, weight in pairs:
                w = _as_number(weight(env), owner)
                weighted += _as_number(value(env), owner) * w
                weights += w
            if weights == 0:
                raise EvaluationError(owner, "the weights of weighted_mean add up to 0")
            return weighted / weights

        return weighted_mean

    def _call_to_target(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        value, target = self._args(expr, node)
        owner = node.id if node else "output"

        def to_target(env: Env) -> Decimal:
            goal = _as_number(target(env), owner)
            if goal == 0:
                raise EvaluationError(owner, "to_target: the target is 0")
            return _as_number(value(env), owner) / goal

        return to_target

    def _call_minmax(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        (value,), key = self._args(expr, node), id(expr)

        def minmax(env: Env) -> Decimal:
            mine = _as_number(value(env), "minmax")
            seen = env.cohort_values(key, value)
            low, high = min(seen), max(seen)
            return ZERO if high == low else (mine - low) / (high - low)

        return minmax

    def _call_rank(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        (value,), key = self._args(expr, node), id(expr)

        def rank(env: Env) -> Decimal:
            mine = _as_number(value(env), "rank")
            return Decimal(1 + sum(1 for other in env.cohort_values(key, value) if other > mine))

        return rank

    def _call_geometric_mean(self, expr: m.Call, node: m.Node | None) -> ExprFn:
        raise AssertionError("the checker allows geometric_mean only where a rounding gives its precision")

    _call_zscore = _call_geometric_mean

    def _rounded_root(self, expr: m.Call, rounding: m.Rounding, node: m.Node | None) -> ExprFn:
        """geometric_mean or zscore, computed exactly and rounded once to the declared digits and mode."""
        from fractions import Fraction  # only for these functions: a millisecond of every scoring run otherwise

        args, owner = self._args(expr, node), node.id if node else "output"
        digits, mode = rounding.digits, rounding.mode
        if expr.function == "geometric_mean":
            count = len(args)

            def geometric_mean(env: Env) -> Decimal:
                product = Fraction(1)
                for arg in args:
                    value = _as_number(arg(env), owner)
                    if value < 0:
                        raise EvaluationError(owner, f"geometric_mean of a negative value ({value})")
                    product *= Fraction(value)
                return rounded_root(product, count, digits, mode)

            return geometric_mean
        (value,), key = args, id(expr)

        def zscore(env: Env) -> Decimal:
            mine = Fraction(_as_number(value(env), owner))
            seen = [Fraction(v) for v in env.cohort_values(key, value)]
            mean = sum(seen, Fraction(0)) / len(seen)
            variance = sum(((v - mean) ** 2 for v in seen), Fraction(0)) / len(seen)
            if variance == 0:
                return round_to(ZERO, rounding)
            deviation = mine - mean
            return rounded_signed_root(1 if deviation >= 0 else -1, deviation ** 2 / variance, 2, digits, mode)

        return zscore


def finish(raw: Decimal, why: Why, flags: tuple[str, ...], rounding: m.Rounding | None, maximum: Decimal,
           ceiling: Decimal, floor: Decimal) -> RuleOutcome:
    """A criterion's points from what its rule gave: rounded first, then kept within 0..max, so that
    rounding can never lift points above the maximum (``ceiling`` and ``floor`` are max and 0 as shown)."""
    points = round_to(raw, rounding)
    if points > maximum:
        return ceiling, (why[0] + "; capped at {}", *why[1:], maximum), flags + _CAPPED
    if points < 0:
        return floor, (why[0] + "; raised to 0", *why[1:]), flags + _FLOORED
    if not points and points.is_signed():  # -0.0004 rounds to -0.000: publish 0.000
        return floor, why, flags
    return points, why, flags


def _not_assessed(names: tuple[str, ...], values: Mapping[str, Any]) -> RuleOutcome:
    missing = ", ".join(n for n in names if values.get(n) is None)
    return ZERO, ("not assessed ({}) → 0", missing), ("not assessed",)


def _missing_evidence(required: tuple[m.Indicator, ...], values: Mapping[str, Any],
                      evidence: Mapping[str, tuple[str, ...]]) -> RuleOutcome | None:
    """0 points, and why, when evidence the ruleset requires is missing; None when it is all there."""
    lacking = "; ".join(f"{ind.name}: {ind.evidence}" for ind in required
                        if not evidence.get(ind.name) and ind.needs_evidence(values.get(ind.name)))
    if not lacking:
        return None
    return ZERO, ("missing evidence ({}) → 0, as the ruleset declares", lacking), ("missing evidence",)


def _zero_denominator(points: Decimal) -> RuleOutcome:
    return points, ("b = 0 → {}, as the ruleset declares", points), ("b = 0",)


def _owned(fn: ExprFn, owner: str) -> ExprFn:
    """``fn``, an output's or a ranking's formula, whose errors name it (its sub-expressions are compiled without
    a node, so they say only 'output')."""
    def owned(env: Env) -> Any:
        try:
            return fn(env)
        except EvaluationError as error:
            raise EvaluationError(owner, str(error)) from None

    return owned


def _published(fn: ExprFn, rounding: m.Rounding | None, owner: str) -> Callable[[Env], Decimal | None]:
    def published(env: Env) -> Decimal | None:
        try:
            value = round_to(computed(fn, env, owner), rounding)
        except NotAssessed:
            return None
        return value.copy_abs() if not value and value.is_signed() else value  # -0.004 rounds to -0.00: publish 0.00

    return published


def _ranked_expressions(tier: m.Tier) -> list[tuple[m.Expr, str]]:
    """The expressions a ranking is by (a plain total, points, share or output name is read as published), each
    with the name of the first ranking by it."""
    found: dict[m.Expr, str] = {}
    for ranking in tier.rankings:
        for ref in (ranking.by, *(t.ref for t in ranking.tiebreaks)):
            published = isinstance(tier.ranked_value(ref), (m.TotalRef, m.PointsRef, m.ShareRef, m.OutputRef))
            if not published:
                found.setdefault(ref, ranking.name)
    return list(found.items())


def _post_order(nodes: tuple[m.Node, ...]) -> list[str]:
    """Node ids, each group after its children."""
    return [node_id for node in nodes for node_id in (*_post_order(node.children), node.id)]


def computed(fn: ExprFn, env: Env, owner: str) -> Decimal:
    """A formula's value, which must stay within the limits every number read meets (model.numbers)."""
    try:
        value = _as_number(fn(env), owner)
    except decimal.DecimalException:  # the engine's context traps overflow: far beyond any limit
        value = None
    if value is None or value.copy_abs() >= MAX_MAGNITUDE:
        raise EvaluationError(owner, "the formula gives a value beyond ±10^15, the most the engine computes with; "
                                     "check the formula's scale")
    return value if value else value.copy_abs()  # 0 × -1 is 0, not -0


def _as_number(value: Any, node_id: str) -> Decimal:
    if isinstance(value, bool):
        return ONE if value else ZERO
    return value  # type: ignore[no-any-return]


def _band_text(band: m.Band) -> str:
    comparator = {">=": "≥", ">": ">", "=": "="}[band.comparator]
    return f"{comparator} {band.threshold.value}{'%' if band.threshold.percent else ''}"
