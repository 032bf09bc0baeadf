"""A deliberately naive reference evaluator, kept in tests/ to check the compiled engine against.

It imports nothing from ``cqdt_rules.engine.compiler`` or ``cqdt_rules.engine.evaluator``: it reads the checked
model (``cqdt_rules.model.ruleset``) and the checked unit values (``cqdt_rules.model.units``), then for every
unit walks the criteria tree recursively, computing each node from scratch every time it is asked
for (no caching, no closures, no cleverness).

Arithmetic: inside a criterion everything is exact (``fractions.Fraction``: a/b, a/b × max,
percentages, comparisons); the criterion's points are rounded once, to the declared digits and
mode (half-up unless declared otherwise), and from then on are ``Decimal``. Groups add their
children's points and cap the sum at their maximum.

Semantics written down from the specs (shared/spec/domain.md, data-model.md, ruleset-2020-egov.md):
- an indicator the criterion reads that is not assessed (audit-only, self-assessment) → 0 points;
- required evidence missing and ``on_missing_evidence zero`` → 0 points; a yes/no answered "no"
  claims nothing and needs no evidence (docs/language.md, "Missing evidence");
- a rule's result is rounded as declared and then kept inside 0..max; a group's capped sum is
  rounded as declared too (its own ``round``, else the header's);
- in formulas a percent input is a share (85 → 0.85, like the literal ``85%``); ``total`` is the
  published (rounded) total; an output that reads a value not assessed has no value (None);
- levels compare the published value (a percentage of the maximum where the value has one);
- ranks: "shared" = 1 + the number of units strictly ahead; "dense" = 1 + the number of distinct
  values strictly ahead; units without a value rank behind every unit with one; a ranking by an
  expression compares its exact value;
- a name in an expression that is an output of the tier reads that output's published value;
- functions (docs/language.md, "Functions"): sum, mean, weighted_mean and to_target are exact
  fractions; minmax, rank and zscore read the same expression for every unit of the cohort whose
  value is assessed (minmax and zscore give 0 when all those values are equal); zscore (population
  standard deviation) and geometric_mean are roots, found here by bisection on whole numbers and
  rounded once to the digits and mode of the enclosing round(...) or of the output.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import check_assessments


@dataclass
class RefUnit:
    code: str
    year: int
    source: str
    parent: str | None
    points: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)
    outputs: dict[str, Decimal | None] = field(default_factory=dict)
    levels: dict[str, str | None] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- rounding
def round_fraction(value: Fraction, digits: int, mode: str = "half_up") -> Decimal:
    """Round an exact value to ``digits`` decimals; half-up rounds halves away from zero."""
    scaled = value * 10**digits
    low = math.floor(scaled)
    rest = scaled - low
    if mode == "down":  # towards zero
        whole = low if scaled >= 0 else math.ceil(scaled)
    elif mode == "up":  # away from zero
        whole = math.ceil(scaled) if scaled >= 0 else low
    elif rest > Fraction(1, 2):
        whole = low + 1
    elif rest < Fraction(1, 2):
        whole = low
    elif mode == "half_even":
        whole = low if low % 2 == 0 else low + 1
    else:  # half_up on a tie: away from zero
        whole = low + 1 if scaled >= 0 else low
    return Decimal(whole).scaleb(-digits)


_SIXTY_DIGITS = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)  # docs/language.md, "Arithmetic"


def rounded_root_by_bisection(radicand: Fraction, n: int, digits: int, mode: str) -> Decimal:
    """The n-th root of ``radicand`` rounded to ``digits``: bisection for the largest k with
    (k / 10^digits)^n <= radicand, then the same tie rules as ``round_fraction``."""
    step = Fraction(1, 10**digits)
    low, high = 0, 1
    while (high * step) ** n <= radicand:
        high *= 2
    while high - low > 1:  # (low·step)^n <= radicand < (high·step)^n
        middle = (low + high) // 2
        if (middle * step) ** n <= radicand:
            low = middle
        else:
            high = middle
    exact = (low * step) ** n == radicand
    halfway = ((low + Fraction(1, 2)) * step) ** n
    if exact or mode == "down":
        whole = low
    elif mode == "up":
        whole = low + 1
    elif radicand > halfway:
        whole = low + 1
    elif radicand < halfway:
        whole = low
    else:
        whole = low + 1 if mode == "half_up" or low % 2 == 1 else low
    return Decimal(whole).scaleb(-digits)


def to_decimal(value: Fraction, rounding: m.Rounding | None) -> Decimal:
    """The exact value rounded as declared; with no rounding declared, to 60 significant digits, as the
    language reference says a quotient is kept (whatever the caller's decimal context)."""
    if rounding is not None:
        return round_fraction(value, rounding.digits, rounding.mode)
    if value.denominator == 1:
        return Decimal(value.numerator)
    return _SIXTY_DIGITS.divide(Decimal(value.numerator), Decimal(value.denominator))


def frac(x: Any) -> Fraction:
    if isinstance(x, bool):
        return Fraction(int(x))
    if isinstance(x, Fraction):
        return x
    return Fraction(x)  # Decimal or int: exact


# ---------------------------------------------------------------- one unit
class _NotAssessed(Exception):
    pass


class _Unit:
    """Scores one unit of one cohort, walking the tree on every question."""

    def __init__(self, ruleset: m.Ruleset, tier: m.Tier, unit: Assessment, cohort: list[Assessment]):
        self.ruleset = ruleset
        self.header = ruleset.header
        self.tier = tier
        self.unit = unit
        self.cohort = cohort
        self.by_id = {node.id: node for node in tier.walk()}
        self.indicators = {ind.name: ind for ind in tier.indicators}

    # -------------------------------------------------- nodes
    def points(self, node_id: str) -> Decimal:
        node = self.by_id[node_id]
        rounding = node.rounding or self.header.rounding
        if node.children:
            raw = frac(sum((self.points(child.id) for child in node.children), Decimal(0)))
        else:
            raw = self.criterion_raw(node)
        points = to_decimal(raw, rounding)
        if points > node.max:
            points = node.max
        if points < 0:
            points = Decimal(0)
        return points

    def criterion_raw(self, node: m.Node) -> Fraction:
        assert node.rule is not None
        names = read_by(node.rule) or [ind.name for ind in node.inputs]
        values = self.unit.values
        if any(values.get(name) is None for name in names):
            return Fraction(0)  # not assessed
        if self.header.on_missing_evidence == "zero":
            for name in names:
                ind = self.indicators.get(name)
                answered_no = ind is not None and ind.kind == "yesno" and values[name] is False
                if ind is not None and ind.evidence is not None and not answered_no and not self.unit.evidence.get(name):
                    return Fraction(0)  # missing evidence, declared zero
        return self.rule(node.rule, node)

    def spec(self, points: m.PointsSpec | None, node: m.Node) -> Fraction:
        if points == "full":
            return frac(node.max)
        return frac(points)

    def zero_denominator(self, own: m.PointsSpec | None, node: m.Node) -> Fraction:
        if own is not None:
            return self.spec(own, node)
        if self.header.on_zero_denominator is not None:
            return self.spec(self.header.on_zero_denominator, node)
        return Fraction(0)

    def rule(self, rule: m.Rule, node: m.Node) -> Fraction:
        values = self.unit.values
        maximum = frac(node.max)
        if isinstance(rule, m.YesRule):
            return maximum if values[rule.indicator] else Fraction(0)
        if isinstance(rule, m.CategoryRule):
            chosen = values[rule.indicator]
            for arm in rule.arms:
                if arm.value == chosen:
                    return self.spec(arm.points, node)
            return self.spec(rule.otherwise, node)
        if isinstance(rule, m.RatioRule):
            value = values[rule.indicator]
            a, b = (frac(value.a), frac(value.b)) if isinstance(value, Pair) else (frac(value), Fraction(100))
            if b == 0:
                return self.zero_denominator(rule.on_zero, node)
            return min(a / b, Fraction(1)) * maximum
        if isinstance(rule, m.BandsRule):
            value = values[rule.indicator]
            if isinstance(value, Pair):
                if value.b == 0:
                    return self.zero_denominator(None, node)
                x = frac(value.a) / frac(value.b) * 100
            else:
                x = frac(value)
            for band in rule.bands:
                t = frac(band.threshold.value)
                if (band.comparator == ">=" and x >= t) or (band.comparator == ">" and x > t) or (band.comparator == "=" and x == t):
                    return self.spec(band.points, node)
            return self.spec(rule.otherwise, node) if rule.otherwise is not None else Fraction(0)
        if isinstance(rule, m.PerItemRule):
            return frac(values[rule.indicator]) * frac(rule.each)
        if isinstance(rule, m.BestOfRule):
            return max(self.rule(alternative, node) for alternative in rule.alternatives)
        if isinstance(rule, m.NormalisedRule):
            mates = [u for u in self.cohort if rule.within == "tier" or u.parent == self.unit.parent]
            seen = [frac(u.values[rule.indicator]) for u in mates if u.values.get(rule.indicator) is not None]
            best = max(seen, default=Fraction(0))
            if best <= 0:
                return Fraction(0)
            return frac(values[rule.indicator]) / best * maximum
        if isinstance(rule, m.DirectRule):
            return frac(values[rule.indicator])
        if isinstance(rule, m.InformationalRule):
            return Fraction(0)
        if isinstance(rule, m.FormulaRule):
            return frac(self.expr(rule.expr, node))
        raise TypeError(f"unknown rule {rule!r}")

    # -------------------------------------------------- expressions
    def expr(self, e: m.Expr, node: m.Node | None) -> Fraction | bool:
        if isinstance(e, m.Number):
            return frac(e.value)
        if isinstance(e, m.OutputRef) or (isinstance(e, m.IndicatorRef) and e.part is None
                                          and any(o.name == e.name for o in self.tier.outputs)
                                          and e.name not in self.indicators):
            published = self.output(next(o for o in self.tier.outputs if o.name == e.name))
            if published is None:
                raise _NotAssessed(e.name)
            return frac(published)
        if isinstance(e, m.IndicatorRef):
            value = self.unit.values[e.name]
            if value is None:
                raise _NotAssessed(e.name)
            if self.indicators[e.name].kind == "percent":
                return frac(value) / 100  # a percentage is a share in formulas, like the literal 50%
            if isinstance(value, Pair):
                if e.part == "a":
                    return frac(value.a)
                if e.part == "b":
                    return frac(value.b)
                return frac(value.a) / frac(value.b)
            return frac(value)
        if isinstance(e, m.TotalRef):
            return frac(self.total())
        if isinstance(e, m.FullRef):
            return frac(node.max) if node is not None else Fraction(0)
        if isinstance(e, m.PointsRef):
            return frac(self.points(e.node_id))
        if isinstance(e, m.ShareRef):
            target = self.by_id[e.node_id]
            return Fraction(0) if target.max == 0 else frac(self.points(e.node_id)) / frac(target.max)
        if isinstance(e, m.Binary):
            left, right = frac(self.expr(e.left, node)), frac(self.expr(e.right, node))
            if e.op == "+":
                return left + right
            if e.op == "-":
                return left - right
            if e.op == "*":
                return left * right
            return left / right
        if isinstance(e, m.Negate):
            return -frac(self.expr(e.operand, node))
        if isinstance(e, m.Compare):
            left, right = frac(self.expr(e.left, node)), frac(self.expr(e.right, node))
            return {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right,
                    "==": left == right, "!=": left != right}[e.op]
        if isinstance(e, m.BoolOp):
            left_true = bool(self.expr(e.left, node))
            if e.op == "and":
                return left_true and bool(self.expr(e.right, node))
            return left_true or bool(self.expr(e.right, node))
        if isinstance(e, m.Not):
            return not self.expr(e.operand, node)
        if isinstance(e, m.IfExpr):
            return self.expr(e.then, node) if self.expr(e.condition, node) else self.expr(e.otherwise, node)
        if isinstance(e, m.Call):
            return self.call(e, node)
        raise TypeError(f"unknown expression {e!r}")

    def call(self, e: m.Call, node: m.Node | None) -> Fraction:
        if e.function == "round":
            assert isinstance(e.args[1], m.Number)
            digits = int(e.args[1].value)
            inner = e.args[0]
            if isinstance(inner, m.Call) and inner.function in ("geometric_mean", "zscore"):
                return frac(self.root(inner, node, digits, e.mode))
            return frac(round_fraction(frac(self.expr(inner, node)), digits, e.mode))
        if e.function in ("minmax", "rank"):
            mine = frac(self.expr(e.args[0], node))
            seen = self.cohort_values(e.args[0], node)
            if e.function == "rank":
                return Fraction(1 + len([v for v in seen if v > mine]))
            low, high = min(seen), max(seen)
            return Fraction(0) if low == high else (mine - low) / (high - low)
        args = [frac(self.expr(a, node)) for a in e.args]
        if e.function == "min":
            return min(args)
        if e.function == "max":
            return max(args)
        if e.function == "sum":
            return sum(args, Fraction(0))
        if e.function == "mean":
            return sum(args, Fraction(0)) / len(args)
        if e.function == "weighted_mean":
            values, weights = args[0::2], args[1::2]
            return sum((v * w for v, w in zip(values, weights)), Fraction(0)) / sum(weights, Fraction(0))
        if e.function == "to_target":
            return args[0] / args[1]
        raise TypeError(f"{e.function} is only computed inside a rounding")

    def cohort_values(self, e: m.Expr, node: m.Node | None) -> list[Fraction]:
        """The expression for every unit of the cohort whose value is assessed, each scored from scratch."""
        found = []
        for other in self.cohort:
            try:
                found.append(frac(_Unit(self.ruleset, self.tier, other, self.cohort).expr(e, node)))
            except _NotAssessed:
                continue
        return found

    def root(self, e: m.Call, node: m.Node | None, digits: int, mode: str) -> Decimal:
        """geometric_mean or zscore rounded to ``digits`` in ``mode``."""
        if e.function == "geometric_mean":
            product = Fraction(1)
            for a in e.args:
                product *= frac(self.expr(a, node))
            return rounded_root_by_bisection(product, len(e.args), digits, mode)
        mine = frac(self.expr(e.args[0], node))
        seen = self.cohort_values(e.args[0], node)
        mean = sum(seen, Fraction(0)) / len(seen)
        variance = sum(((v - mean) ** 2 for v in seen), Fraction(0)) / len(seen)
        if variance == 0:
            return round_fraction(Fraction(0), digits, mode)
        magnitude = rounded_root_by_bisection((mine - mean) ** 2 / variance, 2, digits, mode)
        return -magnitude if mine < mean else magnitude

    # -------------------------------------------------- unit level
    def total(self) -> Decimal:
        raw = sum((self.points(n.id) for n in self.tier.nodes), Decimal(0))
        rounding = self.tier.total_rounding or self.header.rounding
        return to_decimal(frac(raw), rounding)

    def output(self, output: m.Output) -> Decimal | None:
        try:
            expr, rounding = output.expr, output.rounding
            if isinstance(expr, m.Call) and expr.function in ("geometric_mean", "zscore") and rounding is not None:
                return self.root(expr, None, rounding.digits, rounding.mode)
            return to_decimal(frac(self.expr(expr, None)), rounding)
        except _NotAssessed:
            return None  # an output reading a value that was not assessed has no value

    def published(self, ref: m.ValueRef) -> tuple[Fraction | None, Fraction | None]:
        """A value as published, and the maximum it is a share of (None when it has none)."""
        if isinstance(ref, m.TotalRef):
            return frac(self.total()), frac(self.tier.max)
        if isinstance(ref, m.OutputRef) and any(o.name == ref.name for o in self.tier.outputs):
            output = next(o for o in self.tier.outputs if o.name == ref.name)
            value = self.output(output)
            return (None if value is None else frac(value)), None
        if not isinstance(ref, (m.PointsRef, m.ShareRef)):  # a ranking by an expression: its exact value
            try:
                written = m.IndicatorRef(ref.name) if isinstance(ref, m.OutputRef) else ref  # 'by x', x an input
                return frac(self.expr(written, None)), None
            except _NotAssessed:
                return None, None
        node = self.by_id[ref.node_id]
        points = self.points(ref.node_id)
        if isinstance(ref, m.PointsRef):
            return frac(points), frac(node.max)
        if node.max == 0:
            return None, None
        share = frac(points) / frac(node.max)
        if node.share_digits is not None:
            share = frac(round_fraction(share, node.share_digits))
        return share, None

    def meets(self, ref: m.ValueRef, threshold: m.Threshold) -> bool:
        value, maximum = self.published(ref)
        if value is None:
            return False
        t = frac(threshold.value)
        if not threshold.percent:
            return value >= t
        if maximum is not None:
            return maximum > 0 and value / maximum * 100 >= t
        return value * 100 >= t

    def level(self, scale: m.LevelScale) -> str | None:
        for level in scale.levels:
            if self.meets(scale.on, level.threshold) and all(self.meets(r.ref, r.threshold) for r in level.requires):
                return level.id
        return None


def read_by(rule: m.Rule) -> list[str]:
    """Indicators a rule reads, written out here rather than taken from the model helpers."""
    if isinstance(rule, m.BestOfRule):
        found: list[str] = []
        for alternative in rule.alternatives:
            found += [n for n in read_by(alternative) if n not in found]
        return found
    if isinstance(rule, m.InformationalRule):
        return []
    if isinstance(rule, m.FormulaRule):
        found = []

        def visit(e: m.Expr) -> None:
            if isinstance(e, m.IndicatorRef) and e.name not in found:
                found.append(e.name)
            for attr in ("left", "right", "operand", "condition", "then", "otherwise"):
                child = getattr(e, attr, None)
                if child is not None:
                    visit(child)
            for arg in getattr(e, "args", ()):
                visit(arg)

        visit(rule.expr)
        return found
    return [rule.indicator]


# ---------------------------------------------------------------- everything
def reference_scores(ruleset: m.Ruleset, assessments: Iterable[Assessment]) -> dict[tuple[str, int, str], RefUnit]:
    """Every unit's points, total, outputs, levels and ranks, keyed by (code, year, source). Sums of unrounded
    values are Decimal additions at 60 digits, as the language states (not the caller's 28)."""
    with decimal.localcontext(_SIXTY_DIGITS):
        return _reference_scores(ruleset, assessments)


def _reference_scores(ruleset: m.Ruleset, assessments: Iterable[Assessment]) -> dict[tuple[str, int, str], RefUnit]:
    checked = check_assessments(ruleset, assessments)
    out: dict[tuple[str, int, str], RefUnit] = {}
    cohorts: dict[tuple[str, int, str], list[Assessment]] = {}
    for a in checked:
        cohorts.setdefault((a.tier, a.year, a.source), []).append(a)
    for (tier_id, year, source), members in cohorts.items():
        tier = ruleset.tier(tier_id)
        scorers = {a.code: _Unit(ruleset, tier, a, members) for a in members}
        for a in members:
            s = scorers[a.code]
            result = RefUnit(a.code, year, source, a.parent)
            result.points = {node.id: s.points(node.id) for node in tier.walk()}
            result.total = s.total()
            result.outputs = {o.name: s.output(o) for o in tier.outputs}
            result.levels = {scale.name: s.level(scale) for scale in tier.levels}
            out[(a.code, year, source)] = result
        for ranking in tier.rankings:
            groups: dict[str, list[Assessment]] = {}
            for a in members:
                group = (a.parent or "") if ranking.within == "district" else tier.id
                groups.setdefault(group, []).append(a)
            for group_members in groups.values():
                keys = {a.code: _rank_key(ranking, scorers[a.code]) for a in group_members}
                for a in group_members:
                    mine = keys[a.code]
                    better = [k for k in keys.values() if _better(k, mine)]
                    if ranking.ties == "dense":
                        better = list(set(better))
                    out[(a.code, year, source)].ranks[ranking.name] = len(better) + 1
    return out


def _rank_key(ranking: m.Ranking, scorer: _Unit) -> tuple[tuple[int, Fraction], ...]:
    """Per criterion: (has a value, the value turned so that larger is better)."""
    parts = [(ranking.by, ranking.direction)] + [(t.ref, t.direction) for t in ranking.tiebreaks]
    key = []
    for ref, direction in parts:
        value, _ = scorer.published(ref)
        if value is None:
            key.append((0, Fraction(0)))
        else:
            key.append((1, value if direction == "descending" else -value))
    return tuple(key)


def _better(a: tuple[tuple[int, Fraction], ...], b: tuple[tuple[int, Fraction], ...]) -> bool:
    return a > b  # lexicographic: the first criterion decides, ties go to the next
