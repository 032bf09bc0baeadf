"""The checked ruleset model: frozen attrs classes, Decimal numbers, spans ignored by equality."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, Union, cast

import attrs

from cqdt_rules.errors import Span

NO_SPAN = Span("<memory>", 0, 0, 0, 0)


class Model:
    """What every class of the model shares: equality and hash on the fields that take part in equality (spans,
    paths and hashes do not), in the class and not across classes, and a repr of the fields shown. attrs would
    write and compile these three methods for each of the sixty classes (``repr=False, eq=False`` here and in
    ``amendment``), which was about half of making them, paid by every process that imports the model. The classes
    are not slotted (``slots=False``): attrs would make each class a second time with slots, a fifth of what is
    left, for a few thousand objects per ruleset."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = _equality_key(self.__class__)
        return bool(key(self) == key(other))

    def __hash__(self) -> int:
        return hash((self.__class__, _equality_key(self.__class__)(self)))

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps: the fields, not what a cached property has worked out (``Tier.memo``)."""
        return {a.name: getattr(self, a.name) for a in _fields(self.__class__)}

    def __repr__(self) -> str:
        shown = ", ".join(f"{a.name}={(repr if a.repr is True else a.repr)(getattr(self, a.name))}"
                          for a in _fields(self.__class__) if a.repr is not False)
        return f"{self.__class__.__name__}({shown})"


_EQUALITY_KEYS: dict[type, Callable[[Any], Any]] = {}


def _equality_key(cls: type) -> Callable[[Any], Any]:
    """The values of an instance of a model class that equality compares: its fields that take part (one field:
    its value alone)."""
    key = _EQUALITY_KEYS.get(cls)
    if key is None:
        names = [a.name for a in _fields(cls) if a.eq]
        key = _EQUALITY_KEYS[cls] = operator.attrgetter(*names) if names else (lambda _: ())
    return key


def _fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    found: tuple[attrs.Attribute[Any], ...] = attrs.fields(cast("type[attrs.AttrsInstance]", cls))
    return found


def span_field() -> Span:
    return attrs.field(default=NO_SPAN, eq=False, repr=False)


Full = Literal["full"]
PointsSpec = Union[Decimal, Full]
"""Points in a rule: a number, or ``full`` (the node's maximum)."""

IndicatorKind = Literal["yesno", "count", "number", "percent", "pair", "score", "category"]
Grouping = Literal["tier", "district"]


MAX_DIGITS = 12
"""The most decimals a ruleset may round to; the checker refuses more, so every rounding fits the engine."""


@attrs.frozen(repr=False, eq=False, slots=False)
class Rounding(Model):
    digits: int
    mode: str = "half_up"
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Provenance(Model):
    status: str
    text: str


# ---------------------------------------------------------------- expressions
@attrs.frozen(repr=False, eq=False, slots=False)
class Number(Model):
    value: Decimal
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class IndicatorRef(Model):
    name: str
    part: str | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class TotalRef(Model):
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class FullRef(Model):
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class PointsRef(Model):
    node_id: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class ShareRef(Model):
    node_id: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class OutputRef(Model):
    name: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Binary(Model):
    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Negate(Model):
    operand: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Compare(Model):
    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class BoolOp(Model):
    op: str
    left: Expr
    right: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Not(Model):
    operand: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class IfExpr(Model):
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Call(Model):
    """A function applied to arguments. ``round`` holds (value, digits) and its mode; ``weighted_mean`` holds
    (value, weight, value, weight, ...)."""

    function: str
    args: tuple[Expr, ...]
    span: Span = span_field()
    mode: str = "half_up"


FUNCTIONS = ("sum", "mean", "weighted_mean", "geometric_mean", "minmax", "zscore", "rank", "to_target")
"""Functions called by name in expressions (``min``, ``max``, ``round``, ``points`` and ``share`` are keywords)."""
COHORT_FUNCTIONS = ("minmax", "zscore", "rank")
"""Functions of one value that read the same value of every unit of the cohort (tier, year and source)."""
ROOT_FUNCTIONS = ("geometric_mean", "zscore")
"""Functions whose value needs a root: only allowed where a rounding says their precision."""


Expr = Union[
    Number, IndicatorRef, TotalRef, FullRef, PointsRef, ShareRef, OutputRef,
    Binary, Negate, Compare, BoolOp, Not, IfExpr, Call,
]
ValueRef = Union[TotalRef, PointsRef, ShareRef, OutputRef]


# ---------------------------------------------------------------- indicators
@attrs.frozen(repr=False, eq=False, slots=False)
class Category(Model):
    name: str
    label: str | None = None


@attrs.frozen(repr=False, eq=False, slots=False)
class Indicator(Model):
    name: str
    kind: IndicatorKind
    label: str
    node_id: str
    unit: str | None = None
    range: tuple[Decimal, Decimal] | None = None
    categories: tuple[Category, ...] = ()
    a_may_exceed_b: bool = False
    evidence: str | None = None
    audit_only: bool = False
    default: object = None
    span: Span = span_field()

    @property
    def evidence_required(self) -> bool:
        return self.evidence is not None

    def needs_evidence(self, value: object) -> bool:
        """Whether ``value`` must come with evidence: a value that claims something. A "no" answer
        claims nothing, so it needs none (nor does a value not given)."""
        return self.evidence is not None and value is not None and not (self.kind == "yesno" and value is False)


# ---------------------------------------------------------------- rules
@attrs.frozen(repr=False, eq=False, slots=False)
class YesRule(Model):
    indicator: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class CategoryArm(Model):
    value: str
    points: PointsSpec
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class CategoryRule(Model):
    indicator: str
    arms: tuple[CategoryArm, ...]
    otherwise: PointsSpec | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class RatioRule(Model):
    indicator: str
    on_zero: PointsSpec | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Threshold(Model):
    value: Decimal
    percent: bool = False


@attrs.frozen(repr=False, eq=False, slots=False)
class Band(Model):
    comparator: str  # >=, >, =
    threshold: Threshold
    points: PointsSpec
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class BandsRule(Model):
    indicator: str
    bands: tuple[Band, ...]
    otherwise: PointsSpec | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class PerItemRule(Model):
    indicator: str
    each: Decimal
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class BestOfRule(Model):
    alternatives: tuple[Rule, ...]
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class NormalisedRule(Model):
    indicator: str
    within: Grouping
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class DirectRule(Model):
    indicator: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class InformationalRule(Model):
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class FormulaRule(Model):
    expr: Expr
    span: Span = span_field()


Rule = Union[
    YesRule, CategoryRule, RatioRule, BandsRule, PerItemRule, BestOfRule,
    NormalisedRule, DirectRule, InformationalRule, FormulaRule,
]


def rule_indicators(rule: Rule) -> tuple[str, ...]:
    """The indicators a rule reads directly (formula references included)."""
    if isinstance(rule, BestOfRule):
        names: list[str] = []
        for alternative in rule.alternatives:
            names.extend(n for n in rule_indicators(alternative) if n not in names)
        return tuple(names)
    if isinstance(rule, FormulaRule):
        return tuple(dict.fromkeys(r.name for r in walk_expr(rule.expr) if isinstance(r, IndicatorRef)))
    if isinstance(rule, InformationalRule):
        return ()
    return (rule.indicator,)


def walk_expr(expr: Expr) -> list[Expr]:
    """Every sub-expression of ``expr``, itself first."""
    found: list[Expr] = [expr]
    for child in _expr_children(expr):
        found.extend(walk_expr(child))
    return found


def _expr_children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, (Binary, Compare, BoolOp)):
        return (expr.left, expr.right)
    if isinstance(expr, (Negate, Not)):
        return (expr.operand,)
    if isinstance(expr, IfExpr):
        return (expr.condition, expr.then, expr.otherwise)
    if isinstance(expr, Call):
        return expr.args
    return ()


# ---------------------------------------------------------------- tree
@attrs.frozen(repr=False, eq=False, slots=False)
class Node(Model):
    id: str
    title: str
    max: Decimal
    children: tuple[Node, ...] = ()
    inputs: tuple[Indicator, ...] = ()
    rule: Rule | None = None
    title_en: str | None = None
    provenance: Provenance | None = None
    rounding: Rounding | None = None
    share_digits: int | None = None
    note: str | None = None
    capped: bool = False
    span: Span = span_field()

    @property
    def is_group(self) -> bool:
        return self.rule is None

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@attrs.frozen(repr=False, eq=False, slots=False)
class Requirement(Model):
    ref: ValueRef
    threshold: Threshold
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Level(Model):
    id: str
    label: str
    threshold: Threshold
    requires: tuple[Requirement, ...] = ()
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class LevelScale(Model):
    name: str
    label: str
    on: ValueRef
    levels: tuple[Level, ...]
    below: str
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class TieBreak(Model):
    ref: ValueRef | Expr
    direction: str = "descending"


@attrs.frozen(repr=False, eq=False, slots=False)
class Ranking(Model):
    """``by`` and each tie-break is a published value (total, points, share, an output) or any expression."""

    name: str
    label: str
    by: ValueRef | Expr
    direction: str = "descending"
    within: Grouping = "tier"
    ties: str = "shared"
    tiebreaks: tuple[TieBreak, ...] = ()
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Output(Model):
    name: str
    label: str
    expr: Expr
    rounding: Rounding | None = None
    span: Span = span_field()


@attrs.frozen(repr=False, eq=False, slots=False)
class Tier(Model):
    id: str
    title: str
    max: Decimal
    nodes: tuple[Node, ...]
    title_en: str | None = None
    levels: tuple[LevelScale, ...] = ()
    rankings: tuple[Ranking, ...] = ()
    outputs: tuple[Output, ...] = ()
    total_rounding: Rounding | None = None
    headline: str | None = None
    """The output tables and reports show for each unit in place of the total (an index tier)."""
    span: Span = span_field()
    headline_span: Span = span_field()

    def walk(self) -> list[Node]:
        found: list[Node] = []
        for node in self.nodes:
            found.extend(node.walk())
        return found

    def node(self, node_id: str) -> Node:
        return self._node_index[node_id]

    @functools.cached_property
    def _node_index(self) -> dict[str, Node]:
        """Every node by id (the first, if an unchecked model repeats one), built on first lookup:
        explanations and reports look nodes up for every unit."""
        index: dict[str, Node] = {}
        for node in self.walk():
            index.setdefault(node.id, node)
        return index

    @functools.cached_property
    def memo(self) -> dict[Any, Any]:
        """What a later stage works out once per tier (the checks of its values, the fixed text of its
        explanations), keyed by that stage's own keys; it lives as long as the tier and is no part of its value."""
        return {}

    @functools.cached_property
    def depths(self) -> dict[str, int]:
        """How deep each node sits: 0 for a top-level node, 1 for its children, and so on."""
        found: dict[str, int] = {}
        for node in self.walk():
            found.setdefault(node.id, 0)
            for child in node.children:
                found[child.id] = found[node.id] + 1
        return found

    @functools.cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for node in self.walk() for ind in node.inputs)

    def output(self, name: str) -> Output | None:
        return next((o for o in self.outputs if o.name == name), None)

    def ranked_value(self, ref: ValueRef | Expr) -> ValueRef | Expr:
        """What a ranking's value is: a published value, or an expression (a name is an output if the tier
        declares one, else an input)."""
        if isinstance(ref, OutputRef) and self.output(ref.name) is None:
            return IndicatorRef(ref.name, span=ref.span)
        return ref

    def reads_output(self, ref: IndicatorRef) -> bool:
        """Whether a name in an expression is an output of this tier (outputs and inputs share one namespace)."""
        return ref.part is None and self.output(ref.name) is not None and all(i.name != ref.name for i in self.indicators)


@attrs.frozen(repr=False, eq=False, slots=False)
class Header(Model):
    id: str
    title: str
    title_en: str | None = None
    legal_source: str | None = None
    version: str | None = None
    status: str | None = None
    issued: dt.date | None = None
    effective: dt.date | None = None
    years: tuple[int, int | None] | None = None
    note: str | None = None
    rounding: Rounding | None = None
    on_zero_denominator: PointsSpec | None = None
    on_missing_evidence: str | None = None
    span: Span = span_field()

    def covers(self, year: int) -> bool:
        if self.years is None:
            return False
        first, last = self.years
        return first <= year and (last is None or year <= last)


STATISTIC_FUNCTIONS = ("sum", "mean")
"""In a statistic, these aggregate their argument over every unit of the tiers named (Σ, mean over units)."""


@attrs.frozen(repr=False, eq=False, slots=False)
class Statistic(Model):
    """A province-wide figure over the units' values: ``sum(E)``/``mean(E)`` over the units of ``tiers``
    (every tier when empty), combined by arithmetic; shown with ``text`` ("{value}" is the figure)."""

    name: str
    label: str
    expr: Expr
    tiers: tuple[str, ...] = ()
    percent: bool = False  # shown × 100 with "%"
    rounding: Rounding | None = None  # of the value shown
    unit: str | None = None
    heading: str | None = None  # the subsection of section II it belongs to
    text: str | None = None
    span: Span = span_field()


def statistic_parts(expr: Expr) -> tuple[list[Call], list[Expr]]:
    """A statistic's aggregations (``sum``/``mean`` calls, whose arguments are read per unit) and the parts
    outside them that are not arithmetic on numbers (which a statistic cannot read)."""
    aggregates: list[Call] = []
    stray: list[Expr] = []

    def visit(sub: Expr) -> None:
        if isinstance(sub, Call) and sub.function in STATISTIC_FUNCTIONS:
            aggregates.append(sub)
        elif isinstance(sub, Binary):
            visit(sub.left)
            visit(sub.right)
        elif isinstance(sub, Negate):
            visit(sub.operand)
        elif isinstance(sub, Call) and sub.function in ("min", "max", "round"):
            for arg in sub.args[:1] if sub.function == "round" else sub.args:
                visit(arg)
        elif not isinstance(sub, Number):
            stray.append(sub)

    visit(expr)
    return aggregates, stray


@attrs.frozen(repr=False, eq=False, slots=False)
class Ruleset(Model):
    header: Header
    tiers: tuple[Tier, ...]
    statistics: tuple[Statistic, ...] = ()
    path: str = attrs.field(default="<memory>", eq=False)
    content_hash: str = attrs.field(default="", eq=False)
    amends: tuple[str, ...] = attrs.field(default=(), eq=False)
    """For a ruleset resolved from an amendment: the ids of the rulesets it amends, nearest first."""

    @property
    def id(self) -> str:
        return self.header.id

    def tier(self, tier_id: str) -> Tier:
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)
