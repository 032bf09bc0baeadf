"""Static checks on a parsed ruleset: every error and warning in one run, each with its position."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from cqdt_rules.errors import Diagnostic, Span, did_you_mean
from cqdt_rules.language.value_range import value_range
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.checking import coerce_value

_KINDS_FOR_RULE: dict[type, tuple[str, ...]] = {
    m.YesRule: ("yesno",),
    m.CategoryRule: ("category",),
    m.RatioRule: ("pair", "percent"),
    m.BandsRule: ("pair", "percent", "count", "number", "score"),
    m.PerItemRule: ("count", "number"),
    m.NormalisedRule: ("count", "number", "percent"),
    m.DirectRule: ("score",),
}
_RULE_WORD = {
    m.YesRule: "yes", m.CategoryRule: "category", m.RatioRule: "ratio", m.BandsRule: "bands",
    m.PerItemRule: "per_item", m.NormalisedRule: "normalised", m.DirectRule: "direct",
}
_NON_NEGATIVE = ("pair", "percent", "count", "score")
_INF = Decimal("Infinity")


def check(ruleset: m.Ruleset) -> list[Diagnostic]:
    """All problems found in ``ruleset``: errors and warnings, sorted by position."""
    found: list[Diagnostic] = []
    found.extend(_check_header(ruleset))
    found.extend(_check_digits(ruleset))
    if not ruleset.tiers:
        found.append(Diagnostic(ruleset.header.span, f"ruleset '{ruleset.id}' has no tier",
                                hint="a ruleset scores the units of at least one tier: add e.g. 'tier xa \"UBND xã\" max 100 { ... }'"))
    seen_tiers: dict[str, m.Tier] = {}
    for tier in ruleset.tiers:
        if tier.id in seen_tiers:
            found.append(Diagnostic(tier.span, f"tier '{tier.id}' is declared twice",
                                    hint=f"first declared at {seen_tiers[tier.id].span}"))
        seen_tiers[tier.id] = tier
        found.extend(_TierChecker(ruleset, tier).run())
    found.extend(_check_statistics(ruleset))
    return sorted(found, key=lambda d: (d.span.path, d.span.line, d.span.column, d.message))


def _check_statistics(ruleset: m.Ruleset) -> Iterator[Diagnostic]:
    """Each statistic: a known name once, tiers that exist, unit values read only inside sum/mean, and
    every value it reads declared by every tier it covers; its text names no other field than {value}."""
    tiers = {t.id: t for t in ruleset.tiers}
    seen: set[str] = set()
    for stat in ruleset.statistics:
        if stat.name in seen:
            yield Diagnostic(stat.span, f"statistic '{stat.name}' is declared twice")
        seen.add(stat.name)
        for tier_id in stat.tiers:
            if tier_id not in tiers:
                yield Diagnostic(stat.span, f"statistic '{stat.name}' is over tier '{tier_id}', which the ruleset "
                                            "does not define", hint=did_you_mean(tier_id, tiers) or f"tiers: {', '.join(tiers)}")
        aggregates, stray = m.statistic_parts(stat.expr)
        for sub in stray:
            yield Diagnostic(sub.span, f"statistic '{stat.name}' reads a unit's value outside sum(...) or mean(...)",
                             hint="a statistic adds up or averages over the units: write sum(x) or mean(x)")
        if not aggregates:
            yield Diagnostic(stat.span, f"statistic '{stat.name}' reads no unit's value",
                             hint="write sum(x) (a total over the units) or mean(x) (their average)")
        for tier in [tiers[t] for t in stat.tiers if t in tiers] or list(ruleset.tiers):
            checker = _TierChecker(ruleset, tier)
            checker._collect_names()
            for call in aggregates:
                for arg in call.args:
                    checker._check_expr(arg, None, set(), allow_indicators=True, rounded=True)
            for problem in checker.found:
                if problem.severity == "error":
                    yield attrs.evolve(problem, message=f"statistic '{stat.name}', tier '{tier.id}': {problem.message}")
        if stat.text is not None:
            try:
                stat.text.format(value="", year="")
            except (KeyError, IndexError, ValueError):
                yield Diagnostic(stat.span, f"the text of statistic '{stat.name}' has a field other than {{value}} "
                                            "and {year}", hint='write e.g. text "đạt {value} trên tổng số hồ sơ"')


def _check_digits(ruleset: m.Ruleset) -> Iterator[Diagnostic]:
    """Every declared rounding must fit the engine's precision."""
    header = ruleset.header
    found: list[tuple[Span, int]] = []
    def at(rounding: m.Rounding, fallback: Span) -> Span:
        return fallback if rounding.span == m.NO_SPAN else rounding.span

    if header.rounding is not None:
        found.append((at(header.rounding, header.span), header.rounding.digits))
    for tier in ruleset.tiers:
        if tier.total_rounding is not None:
            found.append((at(tier.total_rounding, tier.span), tier.total_rounding.digits))
        for output in tier.outputs:
            if output.rounding is not None:
                found.append((at(output.rounding, output.span), output.rounding.digits))
            found.extend((c.span, int(c.args[1].value)) for c in m.walk_expr(output.expr)
                         if isinstance(c, m.Call) and c.function == "round" and isinstance(c.args[1], m.Number))
        for node in tier.walk():
            if node.rounding is not None:
                found.append((at(node.rounding, node.span), node.rounding.digits))
            if node.share_digits is not None:
                found.append((node.span, node.share_digits))
            for rule in _flat_rules(node.rule):
                if isinstance(rule, m.FormulaRule):
                    found.extend((c.span, int(c.args[1].value)) for c in m.walk_expr(rule.expr)
                                 if isinstance(c, m.Call) and c.function == "round" and isinstance(c.args[1], m.Number))
    for span, digits in found:
        if digits > m.MAX_DIGITS:
            yield Diagnostic(span, f"rounding to {digits} decimals is more than the engine keeps ({m.MAX_DIGITS})",
                             hint=f"round to at most {m.MAX_DIGITS} decimals")


def _check_header(ruleset: m.Ruleset) -> Iterator[Diagnostic]:
    header = ruleset.header
    if header.years is None:
        yield Diagnostic(header.span, "the ruleset declares no assessment years", "warning",
                         hint="add e.g. 'years 2020..2022' so a year can pick its ruleset")
    elif header.years[1] is not None and header.years[1] < header.years[0]:
        yield Diagnostic(header.span, f"assessment years {header.years[0]}..{header.years[1]} run backwards")
    kinds: dict[str, dict[str, str]] = {t.id: {i.name: i.kind for i in t.indicators} for t in ruleset.tiers}  # per tier, not per node
    uses_ratio = any(_needs_zero_rule(r, kinds[t.id]) for t in ruleset.tiers for n in t.walk() for r in _flat_rules(n.rule))
    if uses_ratio and header.on_zero_denominator is None:
        yield Diagnostic(header.span, "ratio rules or bands on pairs are used but the header does not say what b = 0 gives",
                         hint="add 'on_zero_denominator 0' (or 'full') to the ruleset header")
    uses_evidence = any(ind.evidence_required for t in ruleset.tiers for ind in t.indicators)
    if uses_evidence and header.on_missing_evidence is None:
        yield Diagnostic(header.span, "inputs require evidence but the header does not say what missing evidence does",
                         hint="add 'on_missing_evidence zero' (the criterion scores 0, shown) or 'on_missing_evidence error'")


def _needs_zero_rule(rule: m.Rule, kinds: dict[str, str]) -> bool:
    """Only a pair has a b that can be 0 (a ratio on another kind is refused on its own, once)."""
    if isinstance(rule, m.RatioRule):
        return rule.on_zero is None and kinds.get(rule.indicator) == "pair"
    return isinstance(rule, m.BandsRule) and kinds.get(rule.indicator) == "pair"


def _flat_rules(rule: m.Rule | None) -> list[m.Rule]:
    if rule is None:
        return []
    if isinstance(rule, m.BestOfRule):
        return [rule] + [r for alt in rule.alternatives for r in _flat_rules(alt)]
    return [rule]


class _TierChecker:
    def __init__(self, ruleset: m.Ruleset, tier: m.Tier):
        self.ruleset = ruleset
        self.tier = tier
        self.nodes: dict[str, m.Node] = {}
        self.indicators: dict[str, m.Indicator] = {}
        self.found: list[Diagnostic] = []

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic(span, message, hint=hint))

    def warn(self, span: Span, message: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic(span, message, "warning", hint=hint))

    def run(self) -> list[Diagnostic]:
        self._collect_names()
        self._check_sums()
        read: set[str] = set()
        for node in self.tier.walk():
            self._check_node(node, read)
        for output in self.tier.outputs:
            self._check_expr(output.expr, None, read, allow_indicators=True, rounded=output.rounding is not None)
        for ind in self.indicators.values():
            if ind.name not in read:
                self.warn(ind.span, f"indicator '{ind.name}' is declared but no rule reads it",
                          hint="use it in a rule or an output, or remove it")
        self._check_levels()
        self._check_total_rounding()
        self._check_rankings(read)
        self._check_headline()
        self._check_cycles()
        self._check_output_cycles()
        return self.found

    # ------------------------------------------------------------ names and sums
    def _collect_names(self) -> None:
        for node in self.tier.walk():
            if node.id in self.nodes:
                self.error(node.span, f"duplicate id '{node.id}' in tier '{self.tier.id}'",
                           hint=f"first used at {self.nodes[node.id].span}")
            else:
                self.nodes[node.id] = node
            for ind in node.inputs:
                if ind.name in self.indicators:
                    self.error(ind.span, f"indicator '{ind.name}' is declared twice in tier '{self.tier.id}'",
                               hint=f"first declared at {self.indicators[ind.name].span}; declare it once and read it from any criterion")
                else:
                    self.indicators[ind.name] = ind
        for output in self.tier.outputs:
            if output.name in self.indicators:
                self.error(output.span, f"output '{output.name}' has the name of an input of tier '{self.tier.id}'",
                           hint="a name in a formula must mean one thing: rename the output or the input")
        for kind, items in (("levels", self.tier.levels), ("ranking", self.tier.rankings), ("output", self.tier.outputs)):
            names: set[str] = set()
            for item in items:
                if item.name in names:
                    self.error(item.span, f"{kind} '{item.name}' is declared twice in tier '{self.tier.id}'")
                names.add(item.name)
        for scale in self.tier.levels:
            levels: dict[str, m.Level] = {}
            for level in scale.levels:
                if level.id in levels:
                    self.error(level.span, f"level '{level.id}' is declared twice in scale '{scale.name}'",
                               hint=f"first declared at {levels[level.id].span}; give each level its own id")
                else:
                    levels[level.id] = level

    def _check_sums(self) -> None:
        top = sum((n.max for n in self.tier.nodes), Decimal(0))
        if top != self.tier.max:
            self.error(self.tier.span, f"tier '{self.tier.id}' has max {self.tier.max} but its top nodes add up to {top}",
                       hint="make the maxima agree")
        for node in self.tier.walk():
            if node.max < 0:
                self.error(node.span, f"{node.id} has a negative maximum")
            if not node.is_group:
                continue
            if not node.children:
                self.error(node.span, f"group {node.id} has no criteria", hint="add criteria, or make it a criterion with a rule")
                continue
            total = sum((c.max for c in node.children), Decimal(0))
            if node.capped:
                if total < node.max:
                    self.error(node.span, f"{node.id} is 'capped' at {node.max} but its children add up to only {total}")
            elif total != node.max:
                self.error(node.span, f"{node.id} has max {node.max} but its children add up to {total}",
                           hint=f"change the maximum to {total}, fix a child's maximum, or write 'max {node.max} capped' "
                                "if the children may exceed it")

    # ------------------------------------------------------------ nodes and rules
    def _check_node(self, node: m.Node, read: set[str]) -> None:
        if node.provenance is None:
            self.warn(node.span, f"{node.id} has no provenance",
                      hint='add e.g. provenance reconstructed "..." or provenance official "Phụ lục ..., mục ..."')
        for ind in node.inputs:
            self._check_indicator(ind)
        if node.rule is not None:
            self._check_rule(node.rule, node, read)

    def _check_indicator(self, ind: m.Indicator) -> None:
        if ind.range is not None and ind.range[0] > ind.range[1]:
            self.error(ind.span, f"range {ind.range[0]}..{ind.range[1]} of '{ind.name}' is empty")
        if ind.a_may_exceed_b and ind.kind != "pair":
            self.error(ind.span, f"'a_may_exceed_b' is for pair indicators only; '{ind.name}' is a {ind.kind} indicator")
        if ind.default is not None:
            problems: list[str] = []
            coerce_value(ind, ind.default, {}, lambda message, hint=None: problems.append(message))
            if problems:
                self.error(ind.span, f"default of '{ind.name}': {problems[0]}")
            elif ind.audit_only:
                self.warn(ind.span, f"'{ind.name}' is audit-only and has a default: the default is used when the audit team leaves it empty")

    def _indicator(self, name: str, span: Span) -> m.Indicator | None:
        ind = self.indicators.get(name)
        if ind is None:
            self.error(span, f"unknown indicator '{name}'",
                       hint=did_you_mean(name, self.indicators) or "declare it with 'input NAME TYPE \"label\"' in a criterion")
        return ind

    def _check_points(self, points: m.PointsSpec | None, node: m.Node, span: Span, what: str) -> None:
        if isinstance(points, Decimal) and (points > node.max or points < 0):
            self.error(span, f"{what} gives {points} points, outside 0..{node.max} (the maximum of {node.id})")

    def _check_rule(self, rule: m.Rule, node: m.Node, read: set[str]) -> None:
        if isinstance(rule, m.BestOfRule):
            for alternative in rule.alternatives:
                self._check_rule(alternative, node, read)
            return
        if isinstance(rule, m.InformationalRule):
            if node.max != 0:
                self.error(rule.span, f"{node.id} is informational (scored 0) but declares max {node.max}",
                           hint="write 'max 0' for an informational criterion")
            read.update(i.name for i in node.inputs)
            return
        if isinstance(rule, m.FormulaRule):
            self._check_expr(rule.expr, node, read, allow_indicators=True)
            return
        ind = self._indicator(rule.indicator, rule.span)
        read.add(rule.indicator)
        if ind is None:
            return
        allowed = _KINDS_FOR_RULE[type(rule)]
        if ind.kind not in allowed:
            self.error(rule.span, f"'{_RULE_WORD[type(rule)]}' cannot read '{ind.name}', which is {ind.kind}",
                       hint=f"'{_RULE_WORD[type(rule)]}' reads {' or '.join(allowed)} indicators")
            return
        if isinstance(rule, m.CategoryRule):
            self._check_category(rule, ind, node)
        elif isinstance(rule, m.RatioRule):
            self._check_points(rule.on_zero, node, rule.span, "on_zero_denominator")
        elif isinstance(rule, m.BandsRule):
            self._check_bands(rule, ind, node)
        elif isinstance(rule, m.PerItemRule) and rule.each <= 0:
            self.error(rule.span, "'each' must be more than 0 points")

    def _check_category(self, rule: m.CategoryRule, ind: m.Indicator, node: m.Node) -> None:
        names = [c.name for c in ind.categories]
        given: set[str] = set()
        for arm in rule.arms:
            if arm.value not in names:
                self.error(arm.span, f"'{arm.value}' is not a category of '{ind.name}'",
                           hint=did_you_mean(arm.value, names) or f"categories: {', '.join(names)}")
            if arm.value in given:
                self.error(arm.span, f"category '{arm.value}' is given points twice")
            given.add(arm.value)
            self._check_points(arm.points, node, arm.span, f"category '{arm.value}'")
        missing = [n for n in names if n not in given]
        if missing and rule.otherwise is None:
            self.error(rule.span, f"categories without points: {', '.join(missing)}",
                       hint="give each its points, or add 'else -> 0'")
        self._check_points(rule.otherwise, node, rule.span, "else")

    def _check_bands(self, rule: m.BandsRule, ind: m.Indicator, node: m.Node) -> None:
        percent_kind = ind.kind in ("pair", "percent")
        for band in rule.bands:
            if band.threshold.percent != percent_kind:
                if percent_kind:
                    self.error(band.span, f"'{ind.name}' is a {ind.kind}: write the threshold as a percentage",
                               hint=f"e.g. '{band.comparator} {band.threshold.value}%'")
                else:
                    self.error(band.span, f"'{ind.name}' is a {ind.kind}, not a percentage: drop the '%'")
            self._check_points(band.points, node, band.span, "band")
        self._check_points(rule.otherwise, node, rule.span, "else")
        earlier = _Coverage()
        for band in rule.bands:
            if earlier.covers(band):
                self.error(band.span, f"band '{band.comparator} {_threshold_text(band.threshold)}' can never apply: "
                                      "earlier bands already take every value it matches",
                           hint="order bands from the highest threshold down")
            elif not _reachable_in_range(band, ind):
                self.warn(band.span, f"no value of '{ind.name}' in its range can reach band "
                                     f"'{band.comparator} {_threshold_text(band.threshold)}'")
            earlier.add(band)
        if rule.otherwise is None:
            low = Decimal(0) if ind.kind in _NON_NEGATIVE else (ind.range[0] if ind.range else -_INF)
            if ind.range is not None:
                low = max(low, ind.range[0])
            gap = _first_gap(rule.bands, low, integral=ind.kind == "count")
            if gap is not None:
                self.error(rule.span, f"values of '{ind.name}' {gap} fall in no band",
                           hint="add 'else -> 0' (or the points those values get)")

    def _check_expr(self, expr: m.Expr, node: m.Node | None, read: set[str], allow_indicators: bool,
                    rounded: bool = False) -> None:
        """``rounded``: the whole expression is published with a rounding (an output's ``round``)."""
        for sub in m.walk_expr(expr):
            if isinstance(sub, m.IndicatorRef):
                if self.tier.reads_output(sub):
                    if node is not None:
                        self.error(sub.span, f"criterion {node.id} cannot read output '{sub.name}'",
                                   hint="outputs are computed from the criteria; read the inputs or points(ID) instead")
                    continue
                ind = self._indicator(sub.name, sub.span)
                read.add(sub.name)
                if ind is not None and sub.part is not None and ind.kind != "pair":
                    self.error(sub.span, f"'{sub.name}.{sub.part}': '{sub.name}' is {ind.kind}, not a pair")
                if ind is not None and ind.kind == "category":
                    self.error(sub.span, f"'{sub.name}' is a category and has no number to compute with",
                               hint=f"score it with 'category {sub.name} {{ ... }}' in its own criterion and use points(ID)")
            elif isinstance(sub, (m.PointsRef, m.ShareRef)):
                self._node_ref(sub.node_id, sub.span)
            elif isinstance(sub, m.OutputRef):
                self._value_ref(sub)
            elif isinstance(sub, m.FullRef) and node is None:
                self.error(sub.span, "'full' means the criterion's maximum and is only allowed in a criterion's formula")
            elif isinstance(sub, m.TotalRef) and node is not None:
                self.error(sub.span, "a criterion cannot read the total it is part of")
            elif isinstance(sub, m.Call):
                self._check_call(sub)
            elif isinstance(sub, m.Binary) and sub.op == "/" and isinstance(sub.right, m.Number) and sub.right.value == 0:
                self.error(sub.right.span, "division by the number 0: the formula has no value for any unit",
                           hint="divide by the value meant, or leave the division out")
        self._check_roots(expr, rounded)

    def _check_call(self, call: m.Call) -> None:
        wanted = {"minmax": 1, "zscore": 1, "rank": 1, "to_target": 2}.get(call.function)
        if wanted is not None and len(call.args) != wanted:
            given = len(call.args)
            self.error(call.span, f"{call.function} takes 1 value, not {given}" if wanted == 1 else
                       f"{call.function} takes {wanted} values, not {given}", hint=_FUNCTION_HINTS[call.function])

    def _check_roots(self, expr: m.Expr, rounded: bool) -> None:
        """A root (geometric_mean, zscore) is only computed where a rounding says its precision."""
        allowed: set[int] = set()
        if rounded and isinstance(expr, m.Call):
            allowed.add(id(expr))
        for sub in m.walk_expr(expr):
            if isinstance(sub, m.Call) and sub.function == "round" and isinstance(sub.args[0], m.Call):
                allowed.add(id(sub.args[0]))
        for sub in m.walk_expr(expr):
            if isinstance(sub, m.Call) and sub.function in m.ROOT_FUNCTIONS and id(sub) not in allowed:
                self.error(sub.span, f"{sub.function} needs a root, which has no exact value: say to how many "
                                     "decimals it is computed",
                           hint=f"write round({sub.function}(...), 4) (or give the output 'round 4')")

    def _node_ref(self, node_id: str, span: Span) -> m.Node | None:
        node = self.nodes.get(node_id)
        if node is None:
            self.error(span, f"unknown node '{node_id}' in tier '{self.tier.id}'", hint=did_you_mean(node_id, self.nodes))
        return node

    def _value_ref(self, ref: m.ValueRef) -> None:
        if isinstance(ref, (m.PointsRef, m.ShareRef)):
            self._node_ref(ref.node_id, ref.span)
        elif isinstance(ref, m.OutputRef):
            names = [o.name for o in self.tier.outputs]
            if ref.name not in names:
                self.error(ref.span, f"unknown output '{ref.name}' in tier '{self.tier.id}'",
                           hint=did_you_mean(ref.name, names + ["total"]) or "declare it with 'output NAME \"label\" = ...'")

    # ------------------------------------------------------------ levels, rankings, cycles
    def _check_levels(self) -> None:
        for scale in self.tier.levels:
            self._value_ref(scale.on)
            previous: m.Level | None = None
            for level in scale.levels:
                if level.threshold.percent and level.threshold.value > 100:
                    self.error(level.span, f"cut-off {level.threshold.value}% of level '{level.label}' is above 100%")
                if previous is not None and level.threshold.value == previous.threshold.value:
                    self.error(level.span, f"levels '{previous.label}' and '{level.label}' overlap: both have the "
                                           f"cut-off {_threshold_text(level.threshold)}, so '{level.label}' can never be given",
                               hint="give each level its own cut-off, from the highest down")
                elif previous is not None and not _threshold_value(level.threshold) < _threshold_value(previous.threshold):
                    self.error(level.span, f"cut-offs out of order: '{level.label}' must be below '{previous.label}'",
                               hint="list levels from the highest cut-off down")
                if previous is not None and level.threshold.percent != previous.threshold.percent:
                    self.error(level.span, "mix of percentage and point cut-offs in one scale")
                for requirement in level.requires:
                    self._value_ref(requirement.ref)
                previous = level
            self._check_reach(scale)

    def _check_reach(self, scale: m.LevelScale) -> None:
        """Warn on a cut-off the value can never reach, and on a level no published value falls in."""
        if not self._known_ref(scale.on):
            return
        low, high = value_range(self.tier, scale.on)
        step = self._published_step(scale.on)
        upper: Decimal | None = None  # the cut-off of the level above
        for level in scale.levels:
            cutoff = self._absolute_cutoff(scale.on, level.threshold)
            name = _ref_name(scale.on)
            if cutoff > high:
                self.warn(level.span, f"level '{level.label}' can never be reached: {name} lies in "
                                      f"{_number(low)}..{_number(high)} and the cut-off is {_threshold_text(level.threshold)}",
                          hint="check the cut-off (a share is written 0.9 or 90%, not 90)")
            elif upper is not None and step is not None and cutoff < upper and not _multiple_between(step, max(cutoff, low), upper):
                self.warn(level.span, f"no published value of {name} ({_digits_text(step)}) falls in level "
                                      f"'{level.label}': its cut-offs {_number(cutoff)} and {_number(upper)} are closer "
                                      "than the published precision",
                          hint="cut-offs should be values the published figure can take")
            upper = cutoff

    def _known_ref(self, ref: m.ValueRef) -> bool:
        if isinstance(ref, (m.PointsRef, m.ShareRef)):
            return ref.node_id in self.nodes
        if isinstance(ref, m.OutputRef):
            return self.tier.output(ref.name) is not None
        return True

    def _absolute_cutoff(self, ref: m.ValueRef, threshold: m.Threshold) -> Decimal:
        """A cut-off as a value of ``ref``: a percentage of the maximum for total and points, else a fraction."""
        if not threshold.percent:
            return threshold.value
        if isinstance(ref, m.TotalRef):
            return threshold.value * self.tier.max / 100
        if isinstance(ref, m.PointsRef):
            return threshold.value * self.nodes[ref.node_id].max / 100
        return threshold.value / 100

    def _published_step(self, ref: m.ValueRef) -> Decimal | None:
        """The smallest difference between two published values of ``ref`` (None: exact, any value)."""
        header = self.ruleset.header
        rounding: m.Rounding | None
        if isinstance(ref, m.TotalRef):
            rounding = self.tier.total_rounding or header.rounding
        elif isinstance(ref, m.PointsRef):
            rounding = self.nodes[ref.node_id].rounding or header.rounding
        elif isinstance(ref, m.ShareRef):
            digits = self.nodes[ref.node_id].share_digits
            rounding = m.Rounding(digits) if digits is not None else None
        else:
            output = self.tier.output(ref.name)
            rounding = output.rounding if output is not None else None
        return None if rounding is None else Decimal(1).scaleb(-rounding.digits)

    def _check_total_rounding(self) -> None:
        """The header's rounding also rounds each tier's total: warn when that is coarser than the criteria it
        adds up, and an output, level or ranking reads the total (PDTI: 702.445 → 702.45, index 0.7025)."""
        header = self.ruleset.header
        if self.tier.total_rounding is not None or header.rounding is None:
            return
        finest = max((n.rounding.digits for n in self.tier.walk() if n.rounding is not None), default=None)
        if finest is None or finest <= header.rounding.digits:
            return
        readers = [o.name for o in self.tier.outputs if any(isinstance(x, m.TotalRef) for x in m.walk_expr(o.expr))]
        if not readers:
            return
        self.warn(self.tier.span, f"tier '{self.tier.id}': the header's 'rounding {header.rounding.digits}' rounds the "
                                  f"total to {header.rounding.digits} decimals, but its criteria have {finest}, and "
                                  f"output '{readers[0]}' reads the rounded total",
                  hint=f"add 'total round {finest}' to the tier if the total is published with {finest} decimals")

    def _check_rankings(self, read: set[str]) -> None:
        for ranking in self.tier.rankings:
            for written in (ranking.by, *(t.ref for t in ranking.tiebreaks)):
                ref = self.tier.ranked_value(written)
                if isinstance(ref, m.IndicatorRef) and ref.name not in self.indicators:
                    self._value_ref(m.OutputRef(ref.name, span=ref.span))  # 'by dti': an output, or a typo
                elif isinstance(ref, (m.TotalRef, m.PointsRef, m.ShareRef, m.OutputRef)):
                    self._value_ref(ref)
                else:
                    self._check_expr(ref, None, read, allow_indicators=True)

    def _check_headline(self) -> None:
        if self.tier.headline is not None:
            span = self.tier.span if self.tier.headline_span == m.NO_SPAN else self.tier.headline_span
            self._value_ref(m.OutputRef(self.tier.headline, span=span))

    def _check_output_cycles(self) -> None:
        """An output may read other outputs, but not (through them) itself."""
        reads = {o.name: [r.name for r in m.walk_expr(o.expr)
                          if isinstance(r, m.IndicatorRef) and self.tier.reads_output(r)] for o in self.tier.outputs}
        reported: set[frozenset[str]] = set()
        for output in self.tier.outputs:
            cycle = _find_cycle(output.name, reads)
            if cycle is not None and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                self.error(output.span, "outputs read each other in a cycle: " + " → ".join(cycle),
                           hint="an output can read outputs declared from other values, not (through them) itself")

    def _check_cycles(self) -> None:
        graph: dict[str, list[str]] = {}
        for node in self.tier.walk():
            edges = [c.id for c in node.children]
            for rule in _flat_rules(node.rule):
                if isinstance(rule, m.FormulaRule):
                    edges.extend(s.node_id for s in m.walk_expr(rule.expr) if isinstance(s, (m.PointsRef, m.ShareRef)))
            graph[node.id] = edges
        for node_id, target in _back_edges(graph):
            self.error(self.nodes[node_id].span, "reference cycle: " + " → ".join(target),
                       hint="a formula cannot depend on its own points or on a group containing it")


def _back_edges(graph: dict[str, list[str]]) -> Iterator[tuple[str, list[str]]]:
    """Each edge that closes a cycle, as (the node it leaves, the cycle's node ids), found depth first without
    recursion (a chain of thousands of ``points(...)`` references must not exhaust Python's stack)."""
    state: dict[str, int] = {}  # 1 while on the current path, 2 when done
    for root in graph:
        if root in state:
            continue
        path, on_path = [root], {root: 0}
        state[root] = 1
        pending = [iter(graph[root])]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                done = path.pop()
                del on_path[done]
                state[done] = 2
                pending.pop()
            elif state.get(target) == 1:
                yield path[-1], path[on_path[target]:] + [target]
            elif target in graph and target not in state:
                on_path[target] = len(path)
                path.append(target)
                state[target] = 1
                pending.append(iter(graph[target]))


_FUNCTION_HINTS = {
    "minmax": "minmax(x): (x - lowest x of the cohort) / (highest - lowest)",
    "zscore": "zscore(x): (x - mean of the cohort) / its standard deviation, e.g. round(zscore(x), 4)",
    "rank": "rank(x): 1 + the number of units of the cohort with a higher x",
    "to_target": "to_target(x, TARGET): x / TARGET",
}


def _find_cycle(start: str, reads: dict[str, list[str]]) -> list[str] | None:
    """A path start → ... → start through ``reads``, or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, path = stack.pop()
        for target in reads.get(name, []):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                stack.append((target, path + [target]))
    return None


def _ref_name(ref: m.ValueRef) -> str:
    if isinstance(ref, m.TotalRef):
        return "the total"
    if isinstance(ref, m.PointsRef):
        return f"points({ref.node_id})"
    if isinstance(ref, m.ShareRef):
        return f"share({ref.node_id})"
    return f"'{ref.name}'"


def _number(value: Decimal) -> str:
    return "∞" if value.is_infinite() and value > 0 else "-∞" if value.is_infinite() else format(value.normalize(), "f")


def _digits_text(step: Decimal) -> str:
    digits = -step.as_tuple().exponent  # type: ignore[operator]
    return f"{digits} decimal{'s' if digits != 1 else ''}"


def _multiple_between(step: Decimal, low: Decimal, high: Decimal) -> bool:
    """Whether some multiple of ``step`` lies in [low, high)."""
    first = (low / step).to_integral_value(rounding="ROUND_CEILING") * step
    return first < high


def _threshold_text(threshold: m.Threshold) -> str:
    return f"{threshold.value}{'%' if threshold.percent else ''}"


def _threshold_value(threshold: m.Threshold) -> Decimal:
    return threshold.value


class _Coverage:
    """The values a set of bands matches, kept as the lowest ``>=`` and ``>`` thresholds and the ``=``
    thresholds, so that adding a band and asking about a value take constant time (a ruleset may have
    thousands of bands: checking them pairwise would be quadratic)."""

    def __init__(self, bands: Iterable[m.Band] = ()) -> None:
        self.lowest_at_least = _INF
        self.lowest_above = _INF
        self.points: set[Decimal] = set()
        for band in bands:
            self.add(band)

    def add(self, band: m.Band) -> None:
        t = band.threshold.value
        if band.comparator == ">=":
            self.lowest_at_least = min(self.lowest_at_least, t)
        elif band.comparator == ">":
            self.lowest_above = min(self.lowest_above, t)
        else:
            self.points.add(t)

    def matches(self, x: Decimal) -> bool:
        return x >= self.lowest_at_least or x > self.lowest_above or x in self.points

    def covers(self, band: m.Band) -> bool:
        """True when every value ``band`` matches is matched already."""
        t = band.threshold.value
        if band.comparator == "=":
            return self.matches(t)
        if band.comparator == ">":
            return self.lowest_at_least <= t or self.lowest_above <= t
        return self.lowest_at_least <= t or self.lowest_above < t or (self.lowest_above == t and t in self.points)


def _reachable_in_range(band: m.Band, ind: m.Indicator) -> bool:
    high = ind.range[1] if ind.range else (Decimal(100) if ind.kind in ("percent", "pair") and not ind.a_may_exceed_b else _INF)
    low = ind.range[0] if ind.range else (Decimal(0) if ind.kind in _NON_NEGATIVE else -_INF)
    t = band.threshold.value
    if band.comparator == "=":
        return low <= t <= high
    if band.comparator == ">":
        return t < high
    return t <= high


def _first_gap(bands: tuple[m.Band, ...], low: Decimal, integral: bool) -> str | None:
    """Describe values at or above ``low`` that no band matches, or None when all are covered."""
    if not bands:
        return "of any size"
    rays = [b.threshold.value for b in bands if b.comparator != "="]
    if not rays:
        return f"above {max(b.threshold.value for b in bands)}"
    lowest_ray = min(rays)
    if low == -_INF:
        return f"below {lowest_ray}"
    coverage = _Coverage(bands)
    if integral:
        start = low.to_integral_value(rounding="ROUND_CEILING")
        stop = min(lowest_ray, start + 10_000)
        candidates = [start + k for k in range(int(stop - start) + 1)]
    else:
        points = sorted({low} | {b.threshold.value for b in bands if b.threshold.value >= low})
        candidates = sorted(points + [(x + y) / 2 for x, y in zip(points, points[1:])])
    thresholds = {b.threshold.value for b in bands}
    for index, x in enumerate(candidates):
        if not coverage.matches(x):
            if integral or x in thresholds or x == low:
                return f"equal to {x}"
            return f"between {candidates[index - 1]} and {candidates[index + 1]}"
    return None
