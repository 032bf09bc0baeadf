"""Hypothesis strategies and invariant checks for any ruleset: install with ``cqdt-rules[testing]``.

The strategies generate unit data that a ruleset accepts, for any tier, with values drawn often
on and around every band boundary, ratio edge (0, a = b, b = 0) and level cut-off; the
``assert_*`` helpers check what must hold whatever the data. A user's test reads::

    from hypothesis import given
    from cqdt_rules import load, score
    from cqdt_rules.testing import assert_invariants, cohorts

    RULESET = load("my_ruleset.cqdt")

    @given(cohorts(RULESET, "xa"))
    def test_invariants(units):
        assert_invariants(RULESET, score(RULESET, units))

Strategies (each takes the ruleset: a ``CheckedRuleset``, a model ``Ruleset``, a path or a shipped
id, and a tier id):

- ``indicator_values(ruleset, tier, name)``: one indicator's value, boundaries drawn often;
- ``boundary_values(ruleset, tier, name)``: the list of those boundary values (no Hypothesis);
- ``unit_values(ruleset, tier)``: a value for every indicator of the tier;
- ``assessments(ruleset, tier)``: one unit (an ``Assessment``), evidence present;
- ``cohorts(ruleset, tier)``: several units of one tier, year and source, spread over districts;
- ``units_near_cutoffs(ruleset, tier)``: a unit whose total lies on a level cut-off or one
  published step (e.g. 0.001) either side of it;
- ``monotone_steps(ruleset, tier)``: (unit, indicator, higher value) for the indicators whose
  rules are monotone by declaration (yes, ratio, per_item, direct, normalised, bands whose points
  do not increase down the list), for ``assert_monotone``.

Invariant checks (each raises ``AssertionError`` naming the unit and node):
``assert_points_within_bounds``, ``assert_groups_are_capped_sums``, ``assert_levels_follow_cutoffs``,
``assert_ranks_follow_values``, ``assert_monotone``, ``assert_order_independent``, and
``assert_invariants`` (all the checks that need only the results).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

from hypothesis import assume
from hypothesis import strategies as st

from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.compiler import round_to
from cqdt_rules.engine.evaluator import published_value
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.errors import CqdtError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import is_whole
from cqdt_rules.model.units import Assessment, Pair, audit_only_absent
from cqdt_rules.model.checking import direct_limits, groups_by_district, number_bounds

__all__ = [
    "RulesetLike",
    "assert_groups_are_capped_sums",
    "assert_invariants",
    "assert_levels_follow_cutoffs",
    "assert_monotone",
    "assert_order_independent",
    "assert_points_within_bounds",
    "assert_ranks_follow_values",
    "assessments",
    "boundary_values",
    "cohorts",
    "cutoff_totals",
    "indicator_values",
    "monotone_indicators",
    "monotone_steps",
    "unit_values",
    "units_near_cutoffs",
]

RulesetLike = Union[loading.CheckedRuleset, m.Ruleset, str, Path]
EVIDENCE = ("(generated)",)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_PAIR_BASES = (1, 3, 7, 20, 100, 1000)


# ---------------------------------------------------------------- ruleset access
_BY_MODEL: dict[int, tuple[m.Ruleset, loading.CheckedRuleset]] = {}
_BY_NAME: dict[str, loading.CheckedRuleset] = {}


def checked_ruleset(ruleset: RulesetLike) -> loading.CheckedRuleset:
    """A checked, compiled ruleset from a ``CheckedRuleset``, a model ``Ruleset``, a path or an id
    (loaded once and kept)."""
    if isinstance(ruleset, loading.CheckedRuleset):
        return ruleset
    if isinstance(ruleset, m.Ruleset):
        cached = _BY_MODEL.get(id(ruleset))
        if cached is None or cached[0] is not ruleset:
            cached = _BY_MODEL[id(ruleset)] = (ruleset, loading.CheckedRuleset(ruleset, (), ""))
        return cached[1]
    name = str(ruleset)
    if name not in _BY_NAME:
        _BY_NAME[name] = loading.load(ruleset)
    return _BY_NAME[name]


def _tier(ruleset: RulesetLike, tier: str) -> tuple[loading.CheckedRuleset, m.Tier]:
    checked = checked_ruleset(ruleset)
    try:
        return checked, checked.ruleset.tier(tier)
    except KeyError:
        known = ", ".join(t.id for t in checked.ruleset.tiers)
        raise ValueError(f"ruleset '{checked.ruleset.id}' has no tier '{tier}' (tiers: {known})") from None


def _flat(rule: m.Rule | None) -> list[m.Rule]:
    if rule is None:
        return []
    if isinstance(rule, m.BestOfRule):
        return [rule] + [r for alt in rule.alternatives for r in _flat(alt)]
    return [rule]


def _rules_reading(tier: m.Tier, name: str) -> list[tuple[m.Node, m.Rule]]:
    found: list[tuple[m.Node, m.Rule]] = []
    for node in tier.walk():
        for rule in _flat(node.rule):
            if not isinstance(rule, m.BestOfRule) and name in m.rule_indicators(rule):
                found.append((node, rule))
    return found


def _indicator(tier: m.Tier, name: str) -> m.Indicator:
    for ind in tier.indicators:
        if ind.name == name:
            return ind
    raise ValueError(f"tier '{tier.id}' has no indicator '{name}'")


def _digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# ---------------------------------------------------------------- valid values and their boundaries
def _number_bounds(tier: m.Tier, ind: m.Indicator) -> tuple[Decimal, Decimal]:
    """The values generated for an indicator: those the checker accepts (``number_bounds``), made finite
    (an open end becomes 0, or 1,000 above the low end; 10,000 for the parts of a pair)."""
    low, high = number_bounds(ind, direct_limits(tier))
    if ind.kind == "pair":  # the checker bounds a pair's parts on its own: they are never negative
        low = max(low, _ZERO)
    if not low.is_finite():
        low = _ZERO
    if not high.is_finite():
        high = low + Decimal(10000 if ind.kind == "pair" else 1000)
    return low, high


def _valid(tier: m.Tier, ind: m.Indicator, value: Any) -> bool:
    low, high = _number_bounds(tier, ind)
    if isinstance(value, Pair):
        if value.a < 0 or value.b < 0 or (value.a > value.b and not ind.a_may_exceed_b):
            return False
        if ind.range is None and not (is_whole(value.a) and is_whole(value.b)):
            return False  # the parts of a pair are counts unless the ruleset declares a range
        return ind.range is None or (low <= value.a <= high and low <= value.b <= high)
    if isinstance(value, Decimal):
        if ind.kind == "count" and value != value.to_integral_value():
            return False
        return low <= value <= high
    return True


def boundary_values(ruleset: RulesetLike, tier: str, name: str) -> list[Any]:
    """Values of indicator ``name`` on and around every boundary its rules declare: band
    thresholds and the values just either side, ratio edges (0, a = b, a = b − 1, b = 0, a > b
    where allowed), per-item caps, direct-score limits, the declared range's ends; every category
    and both answers. Every value returned is one the ruleset accepts."""
    _, t = _tier(ruleset, tier)
    ind = _indicator(t, name)
    found: list[Any] = []

    def add(value: Any) -> None:
        if value not in found and _valid(t, ind, value):
            found.append(value)

    if ind.kind == "yesno":
        return [True, False]
    if ind.kind == "category":
        return [c.name for c in ind.categories]
    low, high = _number_bounds(t, ind)
    rules = [rule for _, rule in _rules_reading(t, name)]
    if ind.kind == "pair":
        for base in _PAIR_BASES:
            add(Pair(_ZERO, Decimal(base)))
            add(Pair(Decimal(base), Decimal(base)))
            add(Pair(Decimal(base - 1), Decimal(base)))
            add(Pair(_ONE, Decimal(base)))
            if ind.a_may_exceed_b:
                add(Pair(Decimal(base + 1), Decimal(base)))
        add(Pair(_ZERO, _ZERO))
        for rule in rules:
            if isinstance(rule, m.BandsRule):
                for band in rule.bands:
                    t_value = band.threshold.value
                    scale = Decimal(10) ** _digits(t_value)
                    for k in (1, 3):
                        whole = _HUNDRED * scale * k
                        part = t_value * scale * k
                        for offset in (-1, 0, 1):
                            add(Pair(part + offset, whole))
        return found
    step = _ONE if ind.kind == "count" else Decimal("0.01") if ind.kind == "percent" else Decimal("0.001")
    for value in (low, high, low + step, high - step):
        add(value)
    for rule in rules:
        if isinstance(rule, m.BandsRule):
            for band in rule.bands:
                t_value = band.threshold.value
                for delta in (-step, _ZERO, step):
                    add(t_value + delta)
        elif isinstance(rule, m.PerItemRule) and rule.each > 0:
            node = next(n for n, r in _rules_reading(t, name) if r is rule)
            cap = node.max / rule.each
            if ind.kind == "count":
                cap = cap.to_integral_value()
            for delta in (-step, _ZERO, step):
                add(cap + delta)
        elif isinstance(rule, m.DirectRule):
            for value in (_ZERO, high, high - step):
                add(value)
    add(_ZERO)
    return found


def _random_value(tier: m.Tier, ind: m.Indicator) -> st.SearchStrategy[Any]:
    low, high = _number_bounds(tier, ind)
    if ind.kind == "yesno":
        return st.booleans()
    if ind.kind == "category":
        return st.sampled_from([c.name for c in ind.categories])
    if ind.kind == "count":
        return st.integers(int(low.to_integral_value(rounding="ROUND_CEILING")),
                           int(high.to_integral_value(rounding="ROUND_FLOOR"))).map(Decimal)
    if ind.kind == "pair":
        top = int(high) if ind.range is not None else 5000

        @st.composite
        def pair(draw: st.DrawFn) -> Pair:
            first = int(low) if ind.range is not None else 0
            b = draw(st.integers(first, top))
            a_top = top if ind.a_may_exceed_b else b
            a = draw(st.integers(first, max(first, a_top)))
            if a > b and not ind.a_may_exceed_b:
                a = b
            return Pair(Decimal(a), Decimal(b))

        return pair()
    places = 2 if ind.kind == "percent" else 3
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False)


def indicator_values(ruleset: RulesetLike, tier: str, name: str) -> st.SearchStrategy[Any]:
    """One valid value of indicator ``name``: a boundary value half of the time, else any valid value."""
    _, t = _tier(ruleset, tier)
    ind = _indicator(t, name)
    boundaries = boundary_values(ruleset, tier, name)
    if ind.kind in ("yesno", "category"):
        return st.sampled_from(boundaries)
    return st.one_of(st.sampled_from(boundaries), _random_value(t, ind)) if boundaries else _random_value(t, ind)


def unit_values(ruleset: RulesetLike, tier: str, *, source: str = "audit") -> st.SearchStrategy[dict[str, Any]]:
    """A value for every indicator of ``tier`` (audit-only indicators are left out of a
    self-assessment, as the data model requires)."""
    _, t = _tier(ruleset, tier)
    names = [ind.name for ind in t.indicators if not (ind.audit_only and audit_only_absent(source))]
    return st.fixed_dictionaries({name: indicator_values(ruleset, tier, name) for name in names})


def _default_year(checked: loading.CheckedRuleset) -> int:
    years = checked.ruleset.header.years
    return years[0] if years else 2000


def _evidence(t: m.Tier, draw: st.DrawFn | None, mode: str) -> dict[str, tuple[str, ...]]:
    required = [ind.name for ind in t.indicators if ind.evidence_required]
    if mode == "none":
        return {}
    if mode == "random" and draw is not None:
        return {name: EVIDENCE for name in required if draw(st.booleans())}
    return {name: EVIDENCE for name in required}


def assessments(ruleset: RulesetLike, tier: str, *, code: str = "U1", year: int | None = None,
                source: str = "audit", parent: str | None = None,
                evidence: str = "all") -> st.SearchStrategy[Assessment]:
    """One unit of ``tier``. ``evidence``: 'all' (every required evidence present), 'random'
    (each present or not) or 'none'. ``parent`` defaults to 'D1' where the tier works within districts."""
    checked, t = _tier(ruleset, tier)
    if parent is None and groups_by_district(t):
        parent = "D1"

    @st.composite
    def build(draw: st.DrawFn) -> Assessment:
        values = draw(unit_values(checked, tier, source=source))
        return Assessment(code=code, name=f"Đơn vị {code}", tier=tier, year=year or _default_year(checked),
                          source=source, values=values, evidence=_evidence(t, draw, evidence), parent=parent)

    return build()


def cohorts(ruleset: RulesetLike, tier: str, *, min_size: int = 1, max_size: int = 8, districts: int = 3,
            year: int | None = None, source: str = "audit", evidence: str = "all") -> st.SearchStrategy[list[Assessment]]:
    """Several units of one tier, year and source (one cohort): unique codes, spread over up to
    ``districts`` districts (parent codes D1, D2, ...) so that rules and rankings within a
    district have groups of several units; values drawn on boundaries often, so ties, equal
    bests and all-zero groups occur."""
    checked, t = _tier(ruleset, tier)
    units = st.tuples(unit_values(checked, tier, source=source), st.integers(1, max(1, districts)))

    @st.composite
    def build(draw: st.DrawFn) -> list[Assessment]:
        drawn = draw(st.lists(units, min_size=min_size, max_size=max_size))
        found = []
        for index, (values, district) in enumerate(drawn):
            code = f"U{index + 1:03d}"
            found.append(Assessment(code=code, name=f"Đơn vị {code}", tier=tier, year=year or _default_year(checked),
                                    source=source, values=values, evidence=_evidence(t, draw, evidence),
                                    parent=f"D{district}"))
        return found

    return build()


# ---------------------------------------------------------------- units on and around level cut-offs
class _TierPlan:
    """What it takes to steer a unit's total: each criterion's lowest and highest scoring values,
    and the criteria whose points can be set to any multiple of their rounding step."""

    def __init__(self, checked: loading.CheckedRuleset, tier: m.Tier):
        self.checked = checked
        self.tier = tier
        header = checked.ruleset.header
        rounding = tier.total_rounding or header.rounding
        self.step = Decimal(1).scaleb(-rounding.digits) if rounding is not None else Decimal("0.001")
        self.low: dict[str, Any] = {}
        self.high: dict[str, Any] = {}
        self.low_points: dict[str, Decimal] = {}
        self.gain: dict[str, Decimal] = {}
        self.tunable: dict[str, tuple[m.Indicator, Decimal]] = {}  # criterion → (pair or score indicator, max)
        self._analyse()

    def _candidates(self) -> dict[str, list[Any]]:
        return {ind.name: boundary_values(self.checked, self.tier.id, ind.name) or [_ZERO] for ind in self.tier.indicators}

    def _analyse(self) -> None:
        candidates = self._candidates()
        width = max((len(v) for v in candidates.values()), default=1)
        seen: dict[str, list[tuple[Decimal, dict[str, Any]]]] = {}
        criteria = [n for n in self.tier.walk() if n.rule is not None]
        for j in range(width):
            values = {name: options[j % len(options)] for name, options in candidates.items()}
            unit = self._score(values)
            if unit is None:
                continue
            for node in criteria:
                reads = m.rule_indicators(node.rule) or tuple(i.name for i in node.inputs)  # type: ignore[arg-type]
                seen.setdefault(node.id, []).append((unit.nodes[node.id].points, {n: values[n] for n in reads}))
        shared = self._shared_indicators(criteria)
        for node in criteria:
            scored = sorted(seen[node.id], key=lambda item: item[0])
            (low_points, low_values), (high_points, high_values) = scored[0], scored[-1]
            self.low[node.id], self.high[node.id] = low_values, high_values
            self.low_points[node.id] = low_points
            self.gain[node.id] = high_points - low_points
            rule = node.rule
            if isinstance(rule, (m.RatioRule, m.DirectRule)) and node.max > 0 and rule.indicator not in shared:
                ind = _indicator(self.tier, rule.indicator)
                if ind.kind == "score" or (ind.kind == "pair" and ind.range is None):
                    self.tunable[node.id] = (ind, node.max)

    def _shared_indicators(self, criteria: list[m.Node]) -> set[str]:
        count: dict[str, int] = {}
        for node in criteria:
            for name in set(m.rule_indicators(node.rule) or ()):  # type: ignore[arg-type]
                count[name] = count.get(name, 0) + 1
        return {name for name, n in count.items() if n > 1}

    def _score(self, values: dict[str, Any]) -> UnitResult | None:
        unit = Assessment(code="PLAN", name="plan", tier=self.tier.id, year=_default_year(self.checked), source="audit",
                          values=values, evidence=_evidence(self.tier, None, "all"), parent="D1")
        try:
            return scoring.score(self.checked, [unit], run_at="-").units[0]
        except CqdtError:
            return None

    def values_for(self, target: Decimal, order: Sequence[str]) -> dict[str, Any] | None:
        """Values whose total should be ``target``: steps taken greedily in ``order``, the rest filled
        by the tunable criteria; None when this order cannot reach the target."""
        values: dict[str, Any] = {}
        for node_id in self.low:
            values.update(self.low[node_id])
        base = self._score(values)
        if base is None:
            return None
        remaining = target - base.total
        if remaining < 0:
            return None
        for node_id in order:
            if node_id in self.tunable:
                continue
            if self.gain[node_id] > 0 and self.gain[node_id] <= remaining:
                values.update(self.high[node_id])
                remaining -= self.gain[node_id]
        for node_id in order:
            if node_id not in self.tunable or remaining <= 0:
                continue
            ind, maximum = self.tunable[node_id]
            node = self.tier.node(node_id)
            rounding = node.rounding or self.checked.ruleset.header.rounding
            resolution = Decimal(1).scaleb(-rounding.digits) if rounding is not None else self.step
            start = self.low_points[node_id]
            take = min(maximum - start, remaining)
            take = take - (take % resolution)
            if take <= 0:
                continue
            points = start + take
            if ind.kind == "score":
                values[ind.name] = points
            else:  # a/b × max = points exactly: a = points × 10^k, b = max × 10^k
                scale = Decimal(10) ** max(_digits(points), _digits(maximum))
                values[ind.name] = Pair(points * scale, maximum * scale)
            remaining -= take
        if remaining != 0:
            return None
        final = self._score(values)
        return values if final is not None and final.total == target else None


_PLANS: dict[tuple[int, str], tuple[loading.CheckedRuleset, _TierPlan]] = {}


def _plan(checked: loading.CheckedRuleset, tier: m.Tier) -> _TierPlan:
    key = (id(checked), tier.id)
    cached = _PLANS.get(key)
    if cached is None or cached[0] is not checked:
        cached = _PLANS[key] = (checked, _TierPlan(checked, tier))
    return cached[1]


def cutoff_totals(ruleset: RulesetLike, tier: str) -> list[tuple[str, str, Decimal]]:
    """(scale, level id, cut-off as a total): the smallest total that reaches each level of a scale
    that reads the total, or an index output computed as the total divided by a constant (the DTI =
    total / 1000, rounded as declared: 0,9 is reached from a total of 899,95 when 4 decimals are kept)."""
    _, t = _tier(ruleset, tier)
    found = []
    for scale in t.levels:
        to_total = _as_total(t, scale.on)
        if to_total is None:
            continue
        for level in scale.levels:
            found.append((scale.name, level.id, to_total(level.threshold)))
    return found


def _as_total(tier: m.Tier, ref: m.ValueRef) -> Callable[[m.Threshold], Decimal] | None:
    """How a cut-off on ``ref`` reads as a total, when ``ref`` is the total or total / constant."""
    if isinstance(ref, m.TotalRef):
        return lambda threshold: threshold.value * tier.max / _HUNDRED if threshold.percent else threshold.value
    output = next((o for o in tier.outputs if isinstance(ref, m.OutputRef) and o.name == ref.name), None)
    if output is None or not _is_total_over_constant(output.expr):
        return None
    assert isinstance(output.expr, m.Binary) and isinstance(output.expr.right, m.Number)
    divisor = output.expr.right.value
    rounding = output.rounding
    # half up: a value reaches c once it is at least c minus half a unit of the last kept decimal;
    # for the other modes the unrounded cut-off itself is aimed at (reached, if not the smallest)
    half_unit = Decimal(5).scaleb(-(rounding.digits + 1)) if rounding and rounding.mode == "half_up" else _ZERO

    def to_total(threshold: m.Threshold) -> Decimal:
        value = threshold.value / _HUNDRED if threshold.percent else threshold.value
        return (value - half_unit) * divisor

    return to_total


def _is_total_over_constant(expr: m.Expr) -> bool:
    return (isinstance(expr, m.Binary) and expr.op == "/" and isinstance(expr.left, m.TotalRef)
            and isinstance(expr.right, m.Number) and expr.right.value > 0)


def units_near_cutoffs(ruleset: RulesetLike, tier: str, *, code: str = "C1",
                       year: int | None = None) -> st.SearchStrategy[Assessment]:
    """A unit whose total is a level cut-off of ``tier``, or one published step (e.g. 0.001) below
    or above it: the values where an off-by-one in a comparison or a float rounding shows.
    Only scales that read the total or an index of it (see ``cutoff_totals``) are used; each unit is
    audited, with every evidence."""
    checked, t = _tier(ruleset, tier)
    cutoffs = cutoff_totals(checked, tier)
    if not cutoffs:
        raise ValueError(f"tier '{tier}' has no level scale on the total or an index of it: no cut-offs to aim at")
    plan = _plan(checked, t)
    criteria = [n.id for n in t.walk() if n.rule is not None]

    @st.composite
    def build(draw: st.DrawFn) -> Assessment:
        _, _, cut = draw(st.sampled_from(cutoffs))
        offset = draw(st.sampled_from((-plan.step, _ZERO, plan.step)))
        target = cut + offset
        seed = draw(st.integers(0, 2**32 - 1))
        order = list(criteria)
        random.Random(seed).shuffle(order)
        values = plan.values_for(target, order) or plan.values_for(target, criteria)
        assume(values is not None)
        assert values is not None
        return Assessment(code=code, name=f"Đơn vị {code}", tier=tier, year=year or _default_year(checked),
                          source="audit", values=values, evidence=_evidence(t, None, "all"), parent="D1")

    return build()


# ---------------------------------------------------------------- monotone steps
def _monotone_rule(tier: m.Tier, node: m.Node, rule: m.Rule, ind: m.Indicator) -> bool:
    if isinstance(rule, (m.YesRule, m.RatioRule, m.DirectRule, m.NormalisedRule, m.InformationalRule)):
        return True
    if isinstance(rule, m.PerItemRule):
        return rule.each >= 0
    if isinstance(rule, m.BandsRule):
        return _bands_monotone(tier, node, rule, ind)
    return False


def _band_points(node: m.Node, rule: m.BandsRule, left: Decimal) -> Decimal:
    """The points of the first band a value (a number, or a pair's percentage) meets."""
    for band in rule.bands:
        right = band.threshold.value
        hit = left >= right if band.comparator == ">=" else left > right if band.comparator == ">" else left == right
        if hit:
            return node.max if band.points == "full" else Decimal(band.points)
    otherwise = rule.otherwise if rule.otherwise is not None else _ZERO
    return node.max if otherwise == "full" else Decimal(otherwise)


def _bands_monotone(tier: m.Tier, node: m.Node, rule: m.BandsRule, ind: m.Indicator) -> bool:
    """Bands score monotonically when, read at every threshold and just either side of it, a higher
    value never falls in a band with fewer points."""
    step = _ONE if ind.kind == "count" else Decimal("0.001")
    samples = {_ZERO}
    for band in rule.bands:
        for delta in (-step, _ZERO, step):
            samples.add(band.threshold.value + delta)
    if ind.kind != "pair":
        low, high = _number_bounds(tier, ind)
        samples = {x for x in samples if low <= x <= high} | {low, high}
    points = [_band_points(node, rule, x) for x in sorted(samples)]
    return all(x <= y for x, y in zip(points, points[1:]))


def monotone_indicators(ruleset: RulesetLike, tier: str) -> tuple[str, ...]:
    """Indicators of ``tier`` that every rule reading them scores monotonically (a higher value
    never gives fewer points): yes, ratio (in a), per_item, direct, normalised (for the unit
    itself), and bands whose thresholds and points both fall down the list. Indicators read by a
    formula or a category rule are left out: no order is declared for them."""
    _, t = _tier(ruleset, tier)
    found = []
    for ind in t.indicators:
        if ind.kind == "category":
            continue
        rules = _rules_reading(t, ind.name)
        if rules and all(_monotone_rule(t, node, rule, ind) for node, rule in rules):
            found.append(ind.name)
    return tuple(found)


def _higher(t: m.Tier, ind: m.Indicator, value: Any) -> st.SearchStrategy[Any]:
    low, high = _number_bounds(t, ind)
    if ind.kind == "yesno":
        return st.just(True)
    if isinstance(value, Pair):
        top = value.b if not ind.a_may_exceed_b else max(value.b * 2, value.a + 1)
        if ind.range is not None:
            top = min(top, high)
        if value.a >= top:
            return st.just(value)
        return st.integers(int(value.a), int(top)).map(lambda a: Pair(Decimal(a), value.b))
    if value is None:
        return st.just(value)
    if ind.kind == "count":
        return st.integers(int(value), int(high)).map(Decimal) if value < high else st.just(value)
    places = 2 if ind.kind == "percent" else 3
    return st.decimals(min_value=value, max_value=high, places=places, allow_nan=False, allow_infinity=False)


def monotone_steps(ruleset: RulesetLike, tier: str, *, source: str = "audit") -> st.SearchStrategy[tuple[Assessment, str, Any]]:
    """(unit, indicator, a value at least as high as the unit's) for a monotone indicator;
    pass it to ``assert_monotone``."""
    checked, t = _tier(ruleset, tier)
    names = [n for n in monotone_indicators(checked, tier)
             if not (_indicator(t, n).audit_only and audit_only_absent(source))]
    if not names:
        raise ValueError(f"tier '{tier}' has no indicator with a monotone rule")

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Assessment, str, Any]:
        unit = draw(assessments(checked, tier, source=source))
        name = draw(st.sampled_from(names))
        higher = draw(_higher(t, _indicator(t, name), unit.values.get(name)))
        return unit, name, higher

    return build()


# ---------------------------------------------------------------- invariants
def _where(unit: UnitResult) -> str:
    a = unit.assessment
    return f"unit {a.code} ({unit.tier.id}, {a.year}, {a.source})"


def assert_points_within_bounds(results: Results) -> None:
    """0 ≤ points ≤ max for every node, and 0 ≤ total ≤ the tier's maximum."""
    for unit in results:
        for node_id, node in unit.nodes.items():
            assert _ZERO <= node.points <= node.max, \
                f"{_where(unit)}: {node_id} has {node.points} points, outside 0..{node.max}"
        assert _ZERO <= unit.total <= unit.max, f"{_where(unit)}: total {unit.total} outside 0..{unit.max}"


def assert_groups_are_capped_sums(results: Results) -> None:
    """Every group has the sum of its children's points, capped at its maximum; the total is the
    sum of the top nodes (rounded as declared)."""
    for unit in results:
        for node in unit.tier.walk():
            if node.rule is not None:
                continue
            children = sum((unit.nodes[c.id].points for c in node.children), _ZERO)
            expected = min(children, node.max)
            got = unit.nodes[node.id].points
            assert got == expected, f"{_where(unit)}: group {node.id} has {got}, its children sum to {children} " \
                                    f"(max {node.max})"
        top = sum((unit.nodes[n.id].points for n in unit.tier.nodes), _ZERO)
        header = results.ruleset.header
        rounding = unit.tier.total_rounding or header.rounding
        assert unit.total == round_to(top, rounding), f"{_where(unit)}: total {unit.total} is not the sum {top}"


def _meets(value: Decimal | None, maximum: Decimal | None, threshold: m.Threshold) -> bool:
    if value is None:
        return False
    if threshold.percent:
        limit = threshold.value * (maximum if maximum is not None else _ONE) / _HUNDRED
        return value >= limit
    return value >= threshold.value


def assert_levels_follow_cutoffs(results: Results) -> None:
    """Each unit is at the highest level whose cut-off its value meets (and whose prerequisites it
    meets); and, for scales without prerequisites, a higher value never gets a lower level."""
    for unit in results:
        for scale in unit.tier.levels:
            value, maximum = published_value(unit, scale.on)
            expected = None
            for level in scale.levels:
                if _meets(value, maximum, level.threshold) and all(
                        _meets(*published_value(unit, r.ref), r.threshold) for r in level.requires):
                    expected = level.id
                    break
            got = unit.levels[scale.name].id
            assert got == expected, f"{_where(unit)}: {scale.name} level is {got}, but the value {value} gives {expected}"
    by_scale: dict[tuple[str, str], list[tuple[Decimal, int, UnitResult]]] = {}
    for unit in results:
        for scale in unit.tier.levels:
            if any(level.requires for level in scale.levels):
                continue
            value, _ = published_value(unit, scale.on)
            if value is None:
                continue
            ids = [level.id for level in scale.levels] + [None]
            by_scale.setdefault((unit.tier.id, scale.name), []).append((value, ids.index(unit.levels[scale.name].id), unit))
    for (tier, scale_name), entries in by_scale.items():
        entries.sort(key=lambda e: e[0])
        for (v1, i1, u1), (v2, i2, u2) in zip(entries, entries[1:]):
            assert i2 <= i1 or v1 == v2, f"{_where(u2)} (value {v2}) is at a lower {scale_name} level than " \
                                         f"{_where(u1)} (value {v1})"


def assert_ranks_follow_values(results: Results) -> None:
    """Within each ranking group, a better value never ranks behind a worse one, and (without
    tie-breaks) equal published values share a rank."""
    for ranking_tier in {u.tier.id: u.tier for u in results}.values():
        for ranking in ranking_tier.rankings:
            groups: dict[tuple[int, str, str], list[UnitResult]] = {}
            for unit in results.tier_units(ranking_tier.id):
                if ranking.name in unit.ranks:
                    key = (unit.assessment.year, unit.assessment.source, unit.ranks[ranking.name].group)
                    groups.setdefault(key, []).append(unit)
            for members in groups.values():
                for a in members:
                    for b in members:
                        va, _ = published_value(a, ranking.by)
                        vb, _ = published_value(b, ranking.by)
                        if va is None or vb is None:
                            continue
                        better = va > vb if ranking.direction == "descending" else va < vb
                        ra, rb = a.ranks[ranking.name].rank, b.ranks[ranking.name].rank
                        if better:
                            assert ra < rb or (ranking.tiebreaks and ra <= rb), \
                                f"ranking {ranking.name}: {_where(a)} ({va}) ranks {ra}, behind or level with " \
                                f"{_where(b)} ({vb}) at {rb}"
                        if va == vb and not ranking.tiebreaks:
                            assert ra == rb, f"ranking {ranking.name}: {_where(a)} and {_where(b)} both have {va} " \
                                             f"but ranks {ra} and {rb}"


def assert_invariants(ruleset: RulesetLike, results: Results) -> None:
    """Every check that needs only the results: bounds, capped sums, levels, ranks."""
    del ruleset  # kept in the signature so that future checks can read the model
    assert_points_within_bounds(results)
    assert_groups_are_capped_sums(results)
    assert_levels_follow_cutoffs(results)
    assert_ranks_follow_values(results)


def _with_value(unit: Assessment, name: str, value: Any) -> Assessment:
    import attrs

    values = dict(unit.values)
    values[name] = value
    return attrs.evolve(unit, values=values)


def assert_monotone(ruleset: RulesetLike, unit: Assessment, indicator: str, higher: Any) -> None:
    """Raising ``indicator`` to ``higher`` (scored alone, as its own cohort) never lowers the
    points of any criterion that reads it, of any group, or the total."""
    checked = checked_ruleset(ruleset)
    before = scoring.score(checked, [unit], run_at="-").units[0]
    after = scoring.score(checked, [_with_value(unit, indicator, higher)], run_at="-").units[0]
    for node_id, node in before.nodes.items():
        assert after.nodes[node_id].points >= node.points, \
            f"{_where(before)}: raising {indicator} from {unit.values.get(indicator)} to {higher} lowers {node_id} " \
            f"from {node.points} to {after.nodes[node_id].points}"
    assert after.total >= before.total, f"{_where(before)}: raising {indicator} lowers the total"


def _snapshot(results: Results) -> dict[tuple[str, int, str], tuple[Any, ...]]:
    return {
        u.assessment.key: (
            tuple((k, v.points, v.flags) for k, v in sorted(u.nodes.items())), u.total,
            tuple(sorted(u.outputs.items())), tuple(sorted((k, v.id) for k, v in u.levels.items())),
            tuple(sorted((k, v.rank, v.of, v.group) for k, v in u.ranks.items())),
        )
        for u in results
    }


def assert_order_independent(ruleset: RulesetLike, units: Iterable[Assessment],
                             order: Sequence[int] | None = None) -> None:
    """Scoring the same units in another order (``order``: a permutation of their indices; by
    default reversed) gives every unit the same points, total, outputs, level and ranks."""
    checked = checked_ruleset(ruleset)
    first = list(units)
    permutation = list(order) if order is not None else list(reversed(range(len(first))))
    assert sorted(permutation) == list(range(len(first))), "order must be a permutation of the units' indices"
    a = _snapshot(scoring.score(checked, first, run_at="-"))
    b = _snapshot(scoring.score(checked, [first[i] for i in permutation], run_at="-"))
    for key in a:
        assert a[key] == b[key], f"unit {key[0]} scores differently when the units come in another order"
