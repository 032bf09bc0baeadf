"""A checked tier compiled to one SQL query (a sqlglot tree): points per criterion and group, total,
outputs, levels and ranks, with the arithmetic of ``docs/language.md`` in integers (``arith``).

The query is a chain of common table expressions:

``src``   the tier's rows of the input table, values as trimmed text;
``wide``  one row per unit (unit_code, year, source), every indicator's text side by side;
``parsed`` every number's text checked against the limits and parsed once (NULL when it is not one);
``vals``  each value as an integer (in 10^-12, or itself when whole); a unit with any problem the Python
          engine refuses makes the query fail (``checks``), so nothing invalid is ever scored;
``best``  the best value of the cohort (or district) for ``normalised`` criteria (window MAX);
``s0``…   one stage per depth of the criteria tree: a node's points are computed once its
          children (and the nodes its formula reads) are, and published as a fixed-point integer;
``tot``   the total; ``outs`` the outputs; the final SELECT adds levels and ranks (window functions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_CEILING, Decimal
from typing import Union

import attrs
from sqlglot import exp

from cqdt_rules.engine.compiler import shown_max
from cqdt_rules.engine.sql import checks
from cqdt_rules.engine.sql.arith import (
    INTEGER,
    Q,
    TooWide,
    case,
    cmp,
    lit,
    one_if,
    q_add,
    q_case,
    q_cmp,
    q_div,
    q_min,
    q_mul,
    q_neg,
    q_round,
    constant,
    fraction,
    mul,
    sub,
)
from cqdt_rules.engine.sql.inputs import (
    NAME_COLUMN,
    Slot,
    SqlUnsupported,
    UNIT_KEYS,
    col,
    number_of,
    slots,
    source_cte,
    text,
    typed_value,
    parsed_cte,
    wide_cte,
)
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.checking import direct_limits, groups_by_district, rules_of

Value = Union[Q, exp.Expr]
"""A compiled formula value: a number (Q) or a condition (a boolean SQL expression)."""
Branches = list[tuple[Union[exp.Expr, None], Q]]
"""A rule's outcome before rounding: (condition, points) arms in order, the last with condition None."""

INPUT_TABLE = "cqdt_input"
ERROR_COLUMN = "cqdt_error"
PART_COLUMN = "cqdt_part"
"""The part of the input a row is in (``pivot_parts``)."""


@attrs.frozen
class Published:
    """A column of the query's result: its name and how to read it (numerator over 10**digits)."""

    column: str
    digits: int


@attrs.frozen
class TierQuery:
    tier: m.Tier
    tree: exp.Expr
    points: dict[str, Published]
    total: Published
    outputs: dict[str, Published]
    levels: dict[str, str]  # scale name -> column (the level id, NULL below the lowest level)
    ranks: dict[str, tuple[str, str, str]]  # ranking -> (rank column, count column, group column)
    problems: exp.Expr  # the companion query: one row per unit and problem
    keys: dict[m.Expr, Published]  # rankings by an expression: its exact value
    wide_table: str | None = None  # the table of the tier's pivot it reads, when made beforehand


def compile_tier(ruleset: m.Ruleset, tier: m.Tier, table: str = INPUT_TABLE, *, explain: bool = False,
                 any_year: bool = False, lang: str = "en", wide_table: str | None = None) -> TierQuery:
    """One tier's query; ``any_year`` drops the check that the data's years are the ruleset's; with ``explain``
    a comment on each criterion's column, in ``lang``. With ``wide_table`` the queries read the tier's pivot
    (``wide``) from that table, made beforehand from ``pivot_parts``, instead of pivoting the input, and carry each
    unit's name (``NAME_COLUMN``) to the result."""
    return _TierSql(ruleset, tier, table, explain, any_year, lang, wide_table).build()


def pivot_parts(tier: m.Tier, table: str, parts: Iterable[exp.Expr | None]) -> Iterator[exp.Select]:
    """The tier's pivot (``wide``: one row per unit) one part of ``table`` at a time, each made when asked for: a
    part is the rows a condition of ``parts`` selects (None: every row), every row of a unit in one part. Run one
    after the other, each pivot holds only its own units at once: DuckDB keeps a grouping of text whole in memory,
    and one of every unit of a large cohort would not fit. Each unit also gets its name (``NAME_COLUMN``) and the
    smallest of the names its rows give (``LOWEST_NAME_COLUMN``): two differ when its rows disagree."""
    tier_slots = slots(tier, direct_limits(tier))
    for part in parts:
        rows = source_cte(exp.to_table(table), tier, named=True)
        if part is not None:
            rows = rows.where(part, copy=False)
        yield wide_cte(tier_slots, named=True).with_("src", as_=rows, copy=False)


def _fixed_digits(q: Q) -> int:
    assert isinstance(q.den, int)
    return len(str(q.den)) - 1


def _decimal_q(value: Decimal) -> Q:
    return Q.const(value)


COHORT_SIZE = 10**9
"""A bound on the units of one cohort (what ``rank(E)`` can reach), far above the units of one tier of a country."""


@contextmanager
def _refusing(what: str) -> Iterator[None]:
    """A value that could pass 38 digits (``arith.TooWide``) refuses the ruleset, naming where."""
    try:
        yield
    except TooWide:
        raise SqlUnsupported(f"{what} could exceed 38 digits for data within the limits (numbers below 10^15 with up to "
                             "12 decimals), more than the SQL back end computes exactly; declare a 'range' on the "
                             "indicators it reads, or score this ruleset with the Python engine") from None


def _comment(text_: str) -> str:
    # untrusted text from a ruleset: it must not close the comment it sits in
    return " " + " ".join(text_.replace("*/", "* /").replace("/*", "/ *").split()) + " "


def node_comment(node: m.Node, lang: str) -> str:
    """What `cqdt sql --explain` says of a criterion's column: its title, maximum and provenance."""
    title = node.title_en if lang == "en" and node.title_en else node.title
    provenance = node.provenance
    where = f"{translate(provenance.status, lang)}: {provenance.text}" if provenance else translate("no provenance", lang)
    return translate("{id} {title} (max {max}); provenance {where}", lang).format(
        id=node.id, title=title, max=format_number(node.max, lang), where=where)


class _TierSql:
    def __init__(self, ruleset: m.Ruleset, tier: m.Tier, table: str, explain: bool, any_year: bool, lang: str = "en",
                 wide_table: str | None = None):
        self.ruleset, self.header, self.tier, self.table, self.explain = ruleset, ruleset.header, tier, table, explain
        self.any_year, self.lang, self.wide_table = any_year, lang, wide_table
        self.carried = (*UNIT_KEYS, "parent") + ((NAME_COLUMN,) if wide_table else ())
        """The columns of ``wide`` every later stage keeps."""
        self.slots = slots(tier, direct_limits(tier))
        self.by_name = {s.name: s for s in self.slots}
        self.nodes = {n.id: n for n in tier.walk()}
        self.published: dict[str, Q] = {}
        self.errors: list[tuple[exp.Expr, str]] = []  # (condition, "node|message") of formulas
        self.best_columns: dict[tuple[str, str], str] = {}
        self.total: Q | None = None
        self.outputs: dict[str, Q | None] = {}
        self.clamped: list[m.Node] = []
        self.keys: dict[m.Expr, Q] = {}
        self.formula_owner = "output"  # what a formula outside a node is, in its errors: set as each is compiled

    # ------------------------------------------------------------ the query
    def build(self) -> TierQuery:
        ctes: list[tuple[str, exp.Select]] = [
            ("src", source_cte(exp.to_table(self.table), self.tier)),
            ("wide", self._wide()),
            ("parsed", parsed_cte(self.slots)),
            ("checked", self._checked()),
            ("vals", self._vals()),
            ("best", self._best()),
        ]
        previous = "best"
        stages = self._stages()
        for depth, stage in enumerate(stages):
            projections: list[exp.Expr] = [exp.Star()]
            errors_before = len(self.errors)
            for node in stage:
                projections.append(self._node_column(node))
            stage_errors = self.errors[errors_before:]
            projections.append(self._error_column(stage_errors, f"err{depth}"))
            ctes.append((f"s{depth}", exp.select(*projections).from_(previous, copy=False)))
            previous = f"s{depth}"
            if self.clamped:
                # the rounded points were published as r…; limit them to 0..max reading that column once
                limits = [self._clamp(node) for node in self.clamped]
                self.clamped = []
                ctes.append((f"c{depth}", exp.select(exp.Star(), *limits).from_(previous, copy=False)))
                previous = f"c{depth}"
        depth_count = len(stages)
        ctes.append(("tot", exp.select(exp.Star(), self._total().as_("total", copy=False)).from_(previous, copy=False)))
        errors_before = len(self.errors)
        previous = "tot"
        for index, output in enumerate(_output_order(self.tier.outputs)):
            # one stage per output: an output may read another (``dti = chi_so * 10``)
            ctes.append((f"o{index}", exp.select(exp.Star(), self._output(output)).from_(previous, copy=False)))
            previous = f"o{index}"
        key_columns = [self._ranking_key(k, r) for r in self.tier.rankings for k in [r.by, *(t.ref for t in r.tiebreaks)]]
        output_errors = self._error_column(self.errors[errors_before:], "err_out")
        ctes.append(("outs", exp.select(exp.Star(), *[k for k in key_columns if k is not None], output_errors)
                     .from_(previous, copy=False)))
        final, levels, ranks = self._final(depth_count)
        query = final
        for name, cte in ctes:
            query = query.with_(name, as_=cte, copy=False)
        points = {node_id: Published(f"points {node_id}", _fixed_digits(q)) for node_id, q in self.published.items()}
        assert self.total is not None
        outputs = {name: Published(f"output {name}", _fixed_digits(q) if q is not None else 0)
                   for name, q in self.outputs.items()}
        keys = {ref: Published(f"rank key {index}", _fixed_digits(q)) for index, (ref, q) in enumerate(self.keys.items())}
        return TierQuery(self.tier, query, points, Published("total", _fixed_digits(self.total)), outputs, levels, ranks,
                         self._problems_query(), keys, self.wide_table)

    def _wide(self) -> exp.Select:
        if self.wide_table is None:
            return wide_cte(self.slots)
        return exp.select(exp.Star()).from_(exp.to_table(self.wide_table), copy=False)

    def _checked(self) -> exp.Select:
        """Every unit's problem codes (NULL when fine), one column per indicator and unit-level check."""
        return exp.select(exp.Star(), *[e.as_(f"q{i}", copy=False) for i, (_, e) in enumerate(self._problem_columns())]
                          ).from_("parsed", copy=False)

    def _vals(self) -> exp.Select:
        projections: list[exp.Expr] = [col(k) for k in self.carried]
        for slot in self.slots:
            projections.extend(typed_value(slot))
            projections.append(slot.raw("e"))
        count = len(self._problem_columns())
        problem = _any([exp.Not(this=exp.Is(this=col(f"q{i}"), expression=exp.Null())) for i in range(count)])
        guard = exp.Case(ifs=[exp.If(this=problem, true=exp.Cast(
            this=exp.DPipe(this=text("cqdt: invalid data for unit "), expression=col("unit_code")),
            to=exp.DataType.build("INT")))], default=lit(1))
        return exp.select(*projections).from_("checked", copy=False).where(cmp("=", guard, lit(1)), copy=False)

    def _problem_columns(self) -> list[tuple[str, exp.Expr]]:
        limits = direct_limits(self.tier)
        columns = [(slot.name, checks.slot_problem(slot, limits)) for slot in self.slots]
        columns.extend(checks.unit_problems(self.ruleset, self.tier, groups_by_district(self.tier), self.any_year))
        return columns

    def _problems_query(self) -> exp.Expr:
        """The companion query: every problem the Python engine would refuse, one row per unit and indicator
        (unit_code, year, source, indicator, problem, value, value_b)."""
        columns = self._problem_columns()
        checked = self._checked()
        texts = {name: (self.by_name[name].raw("v"), self.by_name[name].raw("b")) for name, _ in columns
                 if name in self.by_name}
        per_unit = _unpivot("checked", [(name, col(f"q{i}"), *texts.get(name, (exp.Null(), exp.Null())))
                                         for i, (name, _) in enumerate(columns)])
        known = [text(s.name) for s in self.slots] or [text("")]
        unknown = (exp.select(*[col(k) for k in UNIT_KEYS], col("indicator"), text("unknown_indicator").as_("problem", copy=False),
                              col("v").as_("value", copy=False), col("b").as_("value_b", copy=False))
                   .from_("src", copy=False).where(exp.Not(this=exp.In(this=col("indicator"), expressions=known)), copy=False))
        union = exp.Union(this=unknown, expression=per_unit, distinct=False)
        query = exp.select(exp.Star()).from_(exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("problems"))), copy=False)
        query = query.with_("src", as_=source_cte(exp.to_table(self.table), self.tier), copy=False)
        query = query.with_("wide", as_=self._wide(), copy=False).with_("parsed", as_=parsed_cte(self.slots), copy=False)
        query = query.with_("checked", as_=checked, copy=False)
        required = [s for s in self.slots if s.indicator.evidence_required]
        if self.header.on_missing_evidence == "error" and required:
            unguarded = self._vals()
            unguarded.set("where", None)
            evidence = exp.select(*[col(k) for k in self.carried],
                                  *[checks.evidence_problem(s).as_(f"ev{s.index}", copy=False) for s in required]
                                  ).from_("vals", copy=False)
            query = query.with_("vals", as_=unguarded, copy=False).with_("evidence", as_=evidence, copy=False)
            lacking = _unpivot("evidence", [(s.name, col(f"ev{s.index}"), exp.Null(), exp.Null()) for s in required])
            union.set("expression", exp.Union(this=per_unit, expression=lacking, distinct=False))
        return query

    def _best(self) -> exp.Select:
        projections: list[exp.Expr] = [exp.Star()]
        for node in self.tier.walk():
            for rule in rules_of(node.rule):
                if isinstance(rule, m.NormalisedRule) and (rule.indicator, rule.within) not in self.best_columns:
                    slot = self.by_name[rule.indicator]
                    name = f"best{slot.index}{rule.within[0]}"
                    self.best_columns[(rule.indicator, rule.within)] = name
                    partition = [col("year"), col("source")] + ([col("parent")] if rule.within == "district" else [])
                    best = exp.Window(this=exp.Max(this=col(f"x{slot.index}")), partition_by=partition)
                    projections.append(case(cmp(">", best, lit(0)), best.copy(), lit(0)).as_(name, copy=False))
        return exp.select(*projections).from_("vals", copy=False)

    def _stages(self) -> list[list[m.Node]]:
        depth: dict[str, int] = {}

        def depth_of(node: m.Node) -> int:
            if node.id not in depth:
                deps = [c.id for c in node.children] + _formula_refs(node.rule)
                depth[node.id] = 0 if not deps else 1 + max(depth_of(self.nodes[d]) for d in deps)
            return depth[node.id]

        for node in self.tier.walk():
            depth_of(node)
        stages: list[list[m.Node]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for node in self.tier.walk():
            stages[depth[node.id]].append(node)
        return stages

    def _error_column(self, errors: list[tuple[exp.Expr, str]], name: str) -> exp.Expr:
        if not errors:
            return exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR")).as_(name, copy=False)
        return exp.Case(ifs=[exp.If(this=c, true=text(message)) for c, message in errors]).as_(name, copy=False)

    # ------------------------------------------------------------ nodes
    def _node_column(self, node: m.Node) -> exp.Expr:
        with _refusing(f"{'group' if node.rule is None else 'criterion'} {node.id}"):
            value = self._group(node) if node.rule is None else self._criterion(node)
        name = f"{'r' if node in self.clamped else 'p'}{self._index(node)}"
        clamped = node in self.clamped
        self.published[node.id] = Q(col(name), value.den, True,
                                    bound=value.bound if clamped else min(value.bound, self._points_bound(node, value)))
        projection = value.num.as_(name, copy=False)
        if self.explain:
            projection.add_comments([_comment(node_comment(node, self.lang))])
        return projection

    def _points_bound(self, node: m.Node, value: Q) -> int:
        """Published points lie in 0..max (as shown): a tighter bound than the arithmetic that made them."""
        assert isinstance(value.den, int)
        largest = max(node.max, shown_max(node.max, self._rounding(node)))
        return int((largest * value.den).to_integral_value(rounding=ROUND_CEILING))

    def _index(self, node: m.Node) -> int:
        return list(self.nodes).index(node.id)

    def _rounding(self, node: m.Node) -> m.Rounding | None:
        return node.rounding or self.header.rounding

    def _publish(self, q: Q, rounding: m.Rounding | None, what: str) -> Q:
        if rounding is not None:
            return q_round(q, rounding.digits, rounding.mode)
        digits = q.digits()
        if digits is None:
            raise SqlUnsupported(f"{what} may have endless decimals and the ruleset declares no rounding for it; "
                                 "the SQL back end computes in exact fixed point: declare 'rounding' in the header")
        return q_round(q, digits)

    def _group(self, node: m.Node) -> Q:
        total = _sum([self.published[c.id] for c in node.children])
        rounding = self._rounding(node)
        ceiling = _decimal_q(shown_max(node.max, rounding))
        rounded = self._publish(total, rounding, f"group {node.id}")
        capped = q_min(rounded, ceiling)
        return _common_case(q_cmp(">", total, _decimal_q(node.max)), ceiling, capped)

    def _criterion(self, node: m.Node) -> Q:
        assert node.rule is not None
        rounding = self._rounding(node)
        names = m.rule_indicators(node.rule) or tuple(i.name for i in node.inputs)
        arms: Branches = []
        read = [self.by_name[n] for n in names if n in self.by_name]
        unassessed = [exp.Is(this=col(f"x{s.index}"), expression=exp.Null()) for s in read]
        if unassessed:
            arms.append((_any(unassessed), Q.const(0)))
        if self.header.on_missing_evidence == "zero":
            lacking = [exp.And(this=checks.needs_evidence(s), expression=cmp("=", s.raw("e"), lit(0)))
                       for s in read if s.indicator.evidence_required]
            if lacking:
                arms.append((_any(lacking), Q.const(0)))
        arms.extend(self._rule(node.rule, node))
        published = [(c, self._publish(q, rounding, f"criterion {node.id}")) for c, q in arms]
        points = _fold_case(published)
        if self._within_range(node, published):
            return points
        self.clamped.append(node)
        return points

    def _within_range(self, node: m.Node, published: list[tuple[exp.Expr | None, Q]]) -> bool:
        """Whether the rule's points provably lie in 0..max, so the query need not limit them: constants
        the checker kept in 0..max, or a ratio (a < b, rounded at no fewer decimals than max has)."""
        rounding = self._rounding(node)
        digits = -int(node.max.normalize().as_tuple().exponent)
        if isinstance(node.rule, m.RatioRule) and (rounding is None or rounding.digits >= digits):
            return True
        values = [constant(q.num) for _, q in published]
        return all(v is not None and 0 <= Decimal(v) / (q.den if isinstance(q.den, int) else 1) <= node.max
                   for v, (_, q) in zip(values, published))

    def _clamp(self, node: m.Node) -> exp.Expr:
        """Points limited to 0..max after rounding, reading the rounded points of the stage before."""
        raw = self.published[node.id]
        rounding = self._rounding(node)
        ceiling = _decimal_q(shown_max(node.max, rounding))
        floor = self._publish(Q.const(0), rounding, node.id)
        with _refusing(f"criterion {node.id}"):
            clamped = _fold_case([(q_cmp(">", raw, _decimal_q(node.max)), ceiling), (q_cmp("<", raw, Q.const(0)), floor),
                                  (None, raw)])
        self.published[node.id] = Q(col(f"p{self._index(node)}"), clamped.den, True, bound=self._points_bound(node, clamped))
        return clamped.num.as_(f"p{self._index(node)}", copy=False)

    def _points_of(self, spec: m.PointsSpec | None, node: m.Node) -> Q:
        if spec is None:
            spec = self.header.on_zero_denominator if self.header.on_zero_denominator is not None else Decimal(0)
        return _decimal_q(node.max if spec == "full" else Decimal(spec))

    # ------------------------------------------------------------ rules
    def _rule(self, rule: m.Rule, node: m.Node) -> Branches:
        method: Callable[[m.Rule, m.Node], Branches] = getattr(self, "_rule_" + type(rule).__name__)
        return method(rule, node)

    def _rule_YesRule(self, rule: m.YesRule, node: m.Node) -> Branches:
        return [(col(f"x{self.by_name[rule.indicator].index}"), _decimal_q(node.max)), (None, Q.const(0))]

    def _rule_CategoryRule(self, rule: m.CategoryRule, node: m.Node) -> Branches:
        value = col(f"x{self.by_name[rule.indicator].index}")
        arms: Branches = [(cmp("=", value, text(arm.value)), self._points_of(arm.points, node)) for arm in rule.arms]
        if rule.otherwise is not None:
            arms.append((None, self._points_of(rule.otherwise, node)))
        else:  # the checker proved every category covered; the last arm takes what is left
            last_condition, last_points = arms.pop()
            arms.append((None, last_points))
        return arms

    def _rule_RatioRule(self, rule: m.RatioRule, node: m.Node) -> Branches:
        slot = self.by_name[rule.indicator]
        maximum = _decimal_q(node.max)
        if slot.indicator.kind == "percent":
            a, b = number_of(slot), Q.const(100)
            zero: Branches = []
        else:
            a, b = number_of(slot), number_of(slot, "y")
            zero = [(cmp("=", b.num, lit(0)), self._points_of(rule.on_zero, node))]
        return zero + [(q_cmp(">=", a, b), maximum), (None, _over_positive(q_mul(a, maximum), b, node.max))]

    def _rule_BandsRule(self, rule: m.BandsRule, node: m.Node) -> Branches:
        slot = self.by_name[rule.indicator]
        arms: Branches = []
        if slot.indicator.kind == "pair":
            a, b = number_of(slot), number_of(slot, "y")
            arms.append((cmp("=", b.num, lit(0)), self._points_of(None, node)))
            left, scale = q_mul(a, Q.const(100)), b
        else:
            left, scale = number_of(slot), Q.const(1)
        for band in rule.bands:
            right = q_mul(_decimal_q(band.threshold.value), scale)
            arms.append((q_cmp(band.comparator, left, right), self._points_of(band.points, node)))
        otherwise = self._points_of(rule.otherwise, node) if rule.otherwise is not None else Q.const(0)
        arms.append((None, otherwise))
        return arms

    def _rule_PerItemRule(self, rule: m.PerItemRule, node: m.Node) -> Branches:
        return [(None, q_mul(number_of(self.by_name[rule.indicator]), _decimal_q(rule.each)))]

    def _rule_BestOfRule(self, rule: m.BestOfRule, node: m.Node) -> Branches:
        # rounding is monotone, so the best rounded alternative has the points of the best raw one
        rounding = self._rounding(node)
        scored = [self._publish_branches(self._rule(alt, node), rounding, node) for alt in rule.alternatives]
        best = scored[0]
        for other in scored[1:]:
            best = q_min(best, other, largest=True)
        return [(None, best)]

    def _publish_branches(self, arms: Branches, rounding: m.Rounding | None, node: m.Node) -> Q:
        return _fold_case([(c, self._publish(q, rounding, f"criterion {node.id}")) for c, q in arms])

    def _rule_NormalisedRule(self, rule: m.NormalisedRule, node: m.Node) -> Branches:
        slot = self.by_name[rule.indicator]
        best = Q(col(self.best_columns[(rule.indicator, rule.within)]), slot.den, True, bound=slot.bound)
        value = number_of(slot)
        return [(cmp("=", best.num, lit(0)), Q.const(0)),
                (None, _over_positive(q_mul(value, _decimal_q(node.max)), best, node.max))]

    def _rule_DirectRule(self, rule: m.DirectRule, node: m.Node) -> Branches:
        return [(None, number_of(self.by_name[rule.indicator]))]

    def _rule_InformationalRule(self, rule: m.InformationalRule, node: m.Node) -> Branches:
        return [(None, Q.const(0))]

    def _rule_FormulaRule(self, rule: m.FormulaRule, node: m.Node) -> Branches:
        return [(None, self._number(self._expr(rule.expr, node, exp.true()), node))]

    # ------------------------------------------------------------ formulas
    def _number(self, value: Value, node: m.Node | None) -> Q:
        return value if isinstance(value, Q) else Q(one_if(value), bound=1)

    def _condition(self, value: Value) -> exp.Expr:
        return value if not isinstance(value, Q) else cmp("!=", value.num, lit(0))

    def _expr(self, expr: m.Expr, node: m.Node | None, guard: exp.Expr) -> Value:
        method: Callable[[m.Expr, m.Node | None, exp.Expr], Value] = getattr(self, "_x_" + type(expr).__name__)
        return method(expr, node, guard)

    def _fail(self, guard: exp.Expr, condition: exp.Expr, node: m.Node | None, message: str) -> None:
        self.errors.append((exp.And(this=exp.Paren(this=guard), expression=exp.Paren(this=condition)),
                            f"{node.id if node else self.formula_owner}|{message}"))

    def _x_Number(self, expr: m.Number, node: m.Node | None, guard: exp.Expr) -> Value:
        return _decimal_q(expr.value)

    def _x_IndicatorRef(self, expr: m.IndicatorRef, node: m.Node | None, guard: exp.Expr) -> Value:
        if expr.name not in self.by_name and expr.name in self.outputs:  # an output read by name
            return self._x_OutputRef(m.OutputRef(expr.name), node, guard)
        slot = self.by_name[expr.name]
        kind = slot.indicator.kind
        if kind == "percent":
            return Q(col(f"x{slot.index}"), slot.den * 100, True, bound=slot.bound)
        if kind == "pair":
            if expr.part is not None:
                return number_of(slot, "x" if expr.part == "a" else "y")
            b = col(f"y{slot.index}")
            self._fail(guard, cmp("=", b, lit(0)), node,
                       f"'{expr.name}' has b = 0: write the formula with '{expr.name}.a' and '{expr.name}.b' "
                       "and say what b = 0 gives")
            return Q(col(f"x{slot.index}"), b, True, bound=slot.bound, den_bound=slot.bound)
        if kind == "yesno":
            return col(f"x{slot.index}")
        return number_of(slot)

    def _x_OutputRef(self, expr: m.OutputRef, node: m.Node | None, guard: exp.Expr) -> Value:
        found = self.outputs.get(expr.name)
        assert found is not None, expr.name  # outputs are compiled in the order they read each other
        return found

    def _x_TotalRef(self, expr: m.TotalRef, node: m.Node | None, guard: exp.Expr) -> Value:
        assert self.total is not None
        return self.total

    def _x_FullRef(self, expr: m.FullRef, node: m.Node | None, guard: exp.Expr) -> Value:
        return _decimal_q(node.max if node else Decimal(0))

    def _x_PointsRef(self, expr: m.PointsRef, node: m.Node | None, guard: exp.Expr) -> Value:
        return self.published[expr.node_id]

    def _x_ShareRef(self, expr: m.ShareRef, node: m.Node | None, guard: exp.Expr) -> Value:
        return self._share(expr.node_id) or Q.const(0)

    def _share(self, node_id: str) -> Q | None:
        """points / max, exact; None for a node with max 0 (an informational node has no share)."""
        maximum = self.nodes[node_id].max
        if maximum == 0:
            return None
        points = self.published[node_id]
        num, den = fraction(maximum)
        assert isinstance(points.den, int)
        return Q(mul(points.num, den), points.den * num, True, bound=points.bound * den)

    def _x_Binary(self, expr: m.Binary, node: m.Node | None, guard: exp.Expr) -> Value:
        left = self._number(self._expr(expr.left, node, guard), node)
        right = self._number(self._expr(expr.right, node, guard), node)
        if expr.op == "+":
            return q_add(left, right)
        if expr.op == "-":
            return q_add(left, right, minus=True)
        if expr.op == "*":
            return q_mul(left, right)
        if constant(right.num) in (None, 0):  # a nonzero constant divisor needs no check
            self._fail(guard, cmp("=", right.num, lit(0)), node,
                       "division by zero in a formula; guard it with 'if ... then ... else ...'")
        return q_div(left, right)

    def _x_Negate(self, expr: m.Negate, node: m.Node | None, guard: exp.Expr) -> Value:
        return q_neg(self._number(self._expr(expr.operand, node, guard), node))

    def _x_Compare(self, expr: m.Compare, node: m.Node | None, guard: exp.Expr) -> Value:
        left = self._number(self._expr(expr.left, node, guard), node)
        right = self._number(self._expr(expr.right, node, guard), node)
        return q_cmp(expr.op, left, right)

    def _x_BoolOp(self, expr: m.BoolOp, node: m.Node | None, guard: exp.Expr) -> Value:
        left = self._condition(self._expr(expr.left, node, guard))
        # the right side is evaluated only when the left does not decide (as Python's and/or)
        reached = left if expr.op == "and" else exp.Not(this=exp.Paren(this=left))
        right = self._condition(self._expr(expr.right, node, exp.And(this=exp.Paren(this=guard), expression=exp.Paren(this=reached))))
        cls = exp.And if expr.op == "and" else exp.Or
        return exp.Paren(this=cls(this=exp.Paren(this=left), expression=exp.Paren(this=right)))

    def _x_Not(self, expr: m.Not, node: m.Node | None, guard: exp.Expr) -> Value:
        return exp.Not(this=exp.Paren(this=self._condition(self._expr(expr.operand, node, guard))))

    def _x_IfExpr(self, expr: m.IfExpr, node: m.Node | None, guard: exp.Expr) -> Value:
        condition = self._condition(self._expr(expr.condition, node, guard))
        then = self._expr(expr.then, node, exp.And(this=exp.Paren(this=guard), expression=exp.Paren(this=condition)))
        otherwise = self._expr(expr.otherwise, node, exp.And(this=exp.Paren(this=guard),
                                                             expression=exp.Not(this=exp.Paren(this=condition))))
        if not isinstance(then, Q) and not isinstance(otherwise, Q):
            return case(condition, then, otherwise)
        return q_case(condition, self._number(then, node), self._number(otherwise, node))

    def _x_Call(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Value:
        where = node.id if node else "an output"
        if expr.function in m.ROOT_FUNCTIONS:
            raise SqlUnsupported(f"{expr.function} needs a root ({where}): SQL has no exact root, and a floating-point "
                                 "root rounded afterwards can differ from the correctly rounded value in the last digit; "
                                 "score this ruleset with the Python engine")
        if expr.function == "round":
            assert isinstance(expr.args[1], m.Number)
            value = self._number(self._expr(expr.args[0], node, guard), node)
            return q_round(value, int(expr.args[1].value), expr.mode)
        method: Callable[[m.Call, m.Node | None, exp.Expr], Q] = getattr(self, "_fn_" + expr.function)
        return method(expr, node, guard)

    def _args(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> list[Q]:
        return [self._number(self._expr(a, node, guard), node) for a in expr.args]

    def _fn_min(self, expr: m.Call, node: m.Node | None, guard: exp.Expr, largest: bool = False) -> Q:
        args = self._args(expr, node, guard)
        found = args[0]
        for arg in args[1:]:
            found = q_min(found, arg, largest=largest)
        return found

    def _fn_max(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        return self._fn_min(expr, node, guard, largest=True)

    def _fn_sum(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        return _sum(self._args(expr, node, guard))

    def _fn_mean(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        total = _sum(self._args(expr, node, guard))
        count = len(expr.args)
        return Q(total.num, _den_times(total.den, count), total.nonneg, bound=total.bound, den_bound=total.dmax * count)

    def _fn_weighted_mean(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        args = self._args(expr, node, guard)
        values, weights = args[0::2], args[1::2]
        weighted = _sum([q_mul(v, w) for v, w in zip(values, weights)])
        weight = _sum(weights)
        self._fail(guard, cmp("=", weight.num, lit(0)), node, "the weights of weighted_mean add up to 0")
        return q_div(weighted, weight)

    def _fn_to_target(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        value, target = self._args(expr, node, guard)
        self._fail(guard, cmp("=", target.num, lit(0)), node, "to_target: the target is 0")
        return q_div(value, target)

    def _fn_minmax(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        """(E - lowest) / (highest - lowest) over the cohort (window MIN and MAX); 0 when all are equal."""
        value, member = self._cohort_value(expr, node, guard)
        low, high = self._over_cohort(exp.Min(this=member)), self._over_cohort(exp.Max(this=member.copy()))
        spread = Q(sub(value.num, low), sub(high, low.copy()), True, bound=2 * value.bound, den_bound=2 * value.bound)
        return q_case(cmp("=", high.copy(), low.copy()), Q.const(0), spread)

    def _fn_rank(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> Q:
        """1 + the units of the cohort with a higher E: RANK() (shared ties) ordered by E descending."""
        _, member = self._cohort_value(expr, node, guard)
        order = exp.Order(expressions=[exp.Ordered(this=member, desc=True, nulls_first=False)])
        ranked = exp.Window(this=exp.Rank(), partition_by=[col("year"), col("source")], order=order)
        whole = exp.Cast(this=ranked, to=INTEGER.copy())  # BIGINT times a large constant would overflow
        return Q(case(exp.Is(this=member.copy(), expression=exp.Null()), exp.Null(), whole), 1, True, bound=COHORT_SIZE)

    def _cohort_value(self, expr: m.Call, node: m.Node | None, guard: exp.Expr) -> tuple[Q, exp.Expr]:
        """The argument of a cohort function, and its numerator as the cohort sees it: NULL for a unit whose
        argument reads a value not assessed (it takes no part). Units compare by numerator, so the argument's
        denominator must be known when compiling."""
        if any(isinstance(e, m.Call) and e.function in m.COHORT_FUNCTIONS for e in m.walk_expr(expr.args[0])):
            raise SqlUnsupported(f"{expr.function} ({node.id if node else 'an output'}) reads another function of the "
                                 "cohort; SQL cannot nest them in one query: make the inner one an output and read it by "
                                 "name, or score this ruleset with the Python engine")
        (value,) = self._args(expr, node, guard)
        if not isinstance(value.den, int):
            raise SqlUnsupported(f"{expr.function} ({node.id if node else 'an output'}) compares a value whose "
                                 "denominator comes from the data (such as a pair read as a fraction) across units, "
                                 "which SQL cannot order exactly; score this ruleset with the Python engine")
        return value, self._unless_unassessed(expr, value.num.copy())

    def _unless_unassessed(self, expr: m.Expr, value: exp.Expr) -> exp.Expr:
        """``value``, or NULL where an indicator ``expr`` reads is not assessed."""
        read = [self.by_name[r.name] for r in m.walk_expr(expr) if isinstance(r, m.IndicatorRef) and r.name in self.by_name]
        if not read:
            return value
        return case(_any([exp.Is(this=col(f"x{s.index}"), expression=exp.Null()) for s in read]), exp.Null(), value)

    @staticmethod
    def _over_cohort(function: exp.Expr) -> exp.Expr:
        return exp.Window(this=function, partition_by=[col("year"), col("source")])

    # ------------------------------------------------------------ total, outputs
    def _total(self) -> exp.Expr:
        total = _sum([self.published[n.id] for n in self.tier.nodes])
        rounding = self.tier.total_rounding or self.header.rounding
        with _refusing("the total"):
            rounded = q_min(self._publish(total, rounding, "the total"), _decimal_q(self.tier.max))
        self.total = Q(col("total"), rounded.den, True, bound=rounded.bound)
        return rounded.num

    def _output(self, output: m.Output) -> exp.Expr:
        self.formula_owner = f"output '{output.name}'"
        with _refusing(f"output {output.name}"):
            value = self._number(self._expr(output.expr, None, exp.true()), None)
            published = self._publish(value, output.rounding, f"output {output.name}")
        column = f"out{len(self.outputs)}"
        self.outputs[output.name] = Q(col(column), published.den, bound=published.bound)
        return self._unless_unassessed(output.expr, published.num).as_(column, copy=False)

    # ------------------------------------------------------------ levels and ranks
    def _ranking_key(self, ref: m.ValueRef | m.Expr, ranking: m.Ranking) -> exp.Expr | None:
        """A ranking by an expression other than a published value: its exact value as a column ``k…``,
        scaled to a denominator known at compile time (so that ORDER BY compares integers)."""
        if isinstance(ref, (m.TotalRef, m.PointsRef, m.ShareRef)) or (isinstance(ref, m.OutputRef) and ref.name in self.outputs):
            return None
        self.formula_owner = f"ranking '{ranking.name}'"
        with _refusing("a ranking's expression"):
            value = self._number(self._expr(ref, None, exp.true()), None)
        digits = value.digits()
        if digits is None:
            raise SqlUnsupported("a ranking is by an expression whose value may have endless decimals; the SQL back end "
                                 "orders by exact integers: rank by an output with a declared 'round'")
        column = f"k{len(self.keys)}"
        with _refusing("a ranking's expression"):
            scaled = value.scaled_to(10**digits)
        self.keys[ref] = Q(col(column), 10**digits, bound=value.bound_over(10**digits))
        return self._unless_unassessed(ref, scaled).as_(column, copy=False)

    def _value_of(self, ref: m.ValueRef | m.Expr) -> tuple[Q | None, Q | None]:
        """A reference's published value and its maximum (None when it has none), as in ``published_value``."""
        if isinstance(ref, m.TotalRef):
            return self.total, _decimal_q(self.tier.max)
        if isinstance(ref, m.OutputRef) and ref.name in self.outputs:
            return self.outputs[ref.name], None
        if not isinstance(ref, (m.PointsRef, m.ShareRef)):
            return self.keys[ref], None
        node = self.nodes[ref.node_id]
        if isinstance(ref, m.PointsRef):
            return self.published[ref.node_id], _decimal_q(node.max)
        share = self._share(ref.node_id)
        if share is not None and node.share_digits is not None:
            share = q_round(share, node.share_digits)
        return share, None

    def _meets(self, ref: m.ValueRef, threshold: m.Threshold) -> exp.Expr:
        value, maximum = self._value_of(ref)
        if value is None:
            return exp.false()
        t = _decimal_q(threshold.value)
        if not threshold.percent:
            met = q_cmp(">=", value, t)
        elif maximum is not None:
            met = q_cmp(">=", q_mul(value, Q.const(100)), q_mul(t, maximum))
        else:
            met = q_cmp(">=", q_mul(value, Q.const(100)), t)
        # an output without a value (not assessed) meets nothing: NOT NULL is NULL, so say it
        return exp.And(this=exp.Not(this=exp.Is(this=value.num, expression=exp.Null())), expression=met)

    def _level(self, scale: m.LevelScale) -> exp.Expr:
        ifs = []
        for level in scale.levels:
            condition = self._meets(scale.on, level.threshold)
            for requirement in level.requires:
                condition = exp.And(this=condition, expression=self._meets(requirement.ref, requirement.threshold))
            ifs.append(exp.If(this=condition, true=text(level.id)))
        return exp.Case(ifs=ifs, default=exp.Null())

    def _rank(self, ranking: m.Ranking) -> tuple[exp.Expr, exp.Expr, exp.Expr]:
        group = (exp.func("COALESCE", col("parent"), text("")) if ranking.within == "district" else text(self.tier.id))
        partition = [col("year"), col("source")] + ([group.copy()] if ranking.within == "district" else [])
        order = []
        for ref, direction in [(ranking.by, ranking.direction)] + [(t.ref, t.direction) for t in ranking.tiebreaks]:
            value, _ = self._value_of(ref)
            key = value.num if value is not None else exp.Null()
            order.append(exp.Ordered(this=key, desc=direction == "descending", nulls_first=False))
        function = exp.DenseRank() if ranking.ties == "dense" else exp.Rank()
        rank = exp.Window(this=function, partition_by=partition, order=exp.Order(expressions=order))
        count = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[p.copy() for p in partition])
        return rank, count, group

    def _final(self, depth_count: int) -> tuple[exp.Select, dict[str, str], dict[str, tuple[str, str, str]]]:
        projections: list[exp.Expr] = [col(k) for k in self.carried]
        for node_id, q in self.published.items():
            projections.append(q.num.as_(f"points {node_id}", copy=False))
        projections.append(col("total"))
        for name, output in self.outputs.items():
            assert output is not None
            projections.append(output.num.as_(f"output {name}", copy=False))
        for index, key in enumerate(self.keys.values()):
            projections.append(key.num.as_(f"rank key {index}", copy=False))
        levels = {}
        for scale in self.tier.levels:
            levels[scale.name] = f"level {scale.name}"
            with _refusing(f"levels {scale.name}"):
                projections.append(self._level(scale).as_(levels[scale.name], copy=False))
        ranks = {}
        for ranking in self.tier.rankings:
            rank, count, group = self._rank(ranking)
            names = (f"rank {ranking.name}", f"rank {ranking.name} of", f"rank {ranking.name} group")
            ranks[ranking.name] = names
            projections.extend([rank.as_(names[0], copy=False), count.as_(names[1], copy=False), group.as_(names[2], copy=False)])
        errors = [col(f"err{d}") for d in range(depth_count)] + [col("err_out")]
        projections.append(exp.func("COALESCE", *errors).as_(ERROR_COLUMN, copy=False) if len(errors) > 1 else errors[0].as_(ERROR_COLUMN, copy=False))
        return exp.select(*projections).from_("outs", copy=False), levels, ranks


# ---------------------------------------------------------------- helpers
def _any(conditions: Sequence[exp.Expr]) -> exp.Expr:
    found = conditions[0]
    for condition in conditions[1:]:
        found = exp.Or(this=found, expression=condition)
    return exp.Paren(this=found)


def _fold_case(arms: list[tuple[exp.Expr | None, Q]]) -> Q:
    """CASE over published (fixed-point) values, in order; the last arm has no condition."""
    *guarded, (_, result) = arms
    for condition, value in reversed(guarded):
        assert condition is not None
        result = _common_case(condition, value, result)
    return result


def _common_case(condition: exp.Expr, then: Q, otherwise: Q) -> Q:
    return q_case(condition, then, otherwise)


def _sum(values: list[Q]) -> Q:
    total = values[0]
    for value in values[1:]:
        total = q_add(total, value)
    return total


def _den_times(den: exp.Expr | int, factor: int) -> exp.Expr | int:
    return den * factor if isinstance(den, int) else mul(den, factor)


def _over_positive(x: Q, y: Q, most: Decimal) -> Q:
    """x / y where the caller's CASE ensures y > 0 on this branch (a pair's b, a cohort's best), and the
    value is at most ``most`` (a part of its whole, times the maximum)."""
    assert isinstance(x.den, int) and isinstance(y.den, int) and y.nonneg
    return attrs.evolve(q_div(x, y), most=most)


def _unpivot(table: str, items: list[tuple[str, exp.Expr, exp.Expr, exp.Expr]]) -> exp.Select:
    """One row per (unit, item) whose problem is not NULL, in one scan of ``table``: a CROSS JOIN with a
    VALUES list of item numbers and CASE picking each item's columns (UNPIVOT is not in every dialect)."""
    def pick(position: int) -> exp.Expr:
        return exp.Case(this=col("item", "k"), ifs=[exp.If(this=lit(i), true=item[position]) for i, item in enumerate(items)])

    numbers = exp.values([(i, name) for i, (name, *_) in enumerate(items)], alias="k", columns=["item", "indicator"])
    inner = (exp.select(*[col(k) for k in UNIT_KEYS], col("indicator", "k").as_("indicator", copy=False),
                        exp.Cast(this=pick(1), to=exp.DataType.build("VARCHAR")).as_("problem", copy=False),
                        exp.Cast(this=pick(2), to=exp.DataType.build("VARCHAR")).as_("value", copy=False),
                        exp.Cast(this=pick(3), to=exp.DataType.build("VARCHAR")).as_("value_b", copy=False))
             .from_(table, copy=False).join(numbers, join_type="CROSS", copy=False))
    return (exp.select(exp.Star()).from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("items"))), copy=False)
            .where(exp.Not(this=exp.Is(this=col("problem"), expression=exp.Null())), copy=False))


def _output_order(outputs: tuple[m.Output, ...]) -> list[m.Output]:
    """Outputs so that each comes after the outputs it reads (the checker refuses cycles)."""
    by_name = {o.name: o for o in outputs}
    ordered: list[m.Output] = []

    def visit(output: m.Output) -> None:
        if output in ordered:
            return
        for ref in m.walk_expr(output.expr):
            if isinstance(ref, (m.OutputRef, m.IndicatorRef)) and ref.name in by_name:
                visit(by_name[ref.name])
        ordered.append(output)

    for output in outputs:
        visit(output)
    return ordered


def _formula_refs(rule: m.Rule | None) -> list[str]:
    refs: list[str] = []
    for r in rules_of(rule):
        if isinstance(r, m.FormulaRule):
            refs.extend(x.node_id for x in m.walk_expr(r.expr) if isinstance(x, (m.PointsRef, m.ShareRef)))
    return refs


__all__ = ["compile_tier", "pivot_parts", "TierQuery", "Published", "INPUT_TABLE", "ERROR_COLUMN"]
