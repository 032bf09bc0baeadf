"""One straight-line Python function per tier, generated from the checked model and compiled once.

The closures of ``compiler`` call one function per node and build a ``NodeResult`` object for each node
of each unit. For the rule kinds most rulesets are made of (yes/no, category, ratio, bands, per item,
direct, normalised, informational) this module writes the same arithmetic out as two functions per tier
that keep every intermediate value in a local variable: ``score_unit`` computes the points of every node
(in the tier's reading order) and their total, which is all scoring needs; ``explain_unit`` computes the
same points and also why, flags and raw value of every node, which ``NodeResults`` asks for only when a
node's details are read. A tier with a formula or a best-of rule, or with outputs (which read nodes
through an ``Env``), keeps the closures.

No text of the ruleset reaches the generated source: node ids, indicator names, numbers, band texts and
outcomes are entries of a constants table ``K``, unpacked into the names ``k0``, ``k1``, ... The source is
made only of this module's own fragments and names made from positions (``p3``, ``v3_0``, ``k12``). ``tests/test_codegen.py`` checks it against the closures and the reference evaluator."""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import CodeType, ModuleType
from typing import Any

from cqdt_rules.language.resources import private_cache_dir, write_private
from cqdt_rules.model import readergen
from cqdt_rules.model import ruleset as m

_TierCompiler = Any
"""``compiler._TierCompiler``, which calls this module (so this module does not import it): its ``header``,
``tier``, ``indicators`` and ``_points`` give the same values the closures use."""

Points = tuple[Decimal, ...]
UnitFn = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]], Mapping[tuple[str, str], Decimal]],
                  tuple[Points, Decimal]]
"""values, evidence, cohort maxima → the points of every node, in the tier's reading order, and the sum of the
top-level nodes' points (the total before its rounding)."""
DetailsFn = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]], Mapping[tuple[str, str], Decimal]],
                     tuple[Points, tuple[Any, ...], tuple[tuple[str, ...], ...], tuple[Any, ...]]]
"""values, evidence, cohort maxima → (points, why, flags, raw) of every node, in the tier's reading order."""

_INLINE = (m.YesRule, m.CategoryRule, m.RatioRule, m.BandsRule, m.PerItemRule, m.DirectRule, m.NormalisedRule,
           m.InformationalRule)


def can_generate(tier: m.Tier) -> bool:
    """Whether every node of the tier is written out by this module (else the tier keeps its closures)."""
    return not tier.outputs and all(node.rule is None or isinstance(node.rule, _INLINE) for node in tier.walk())


class _Source:
    """The lines of the generated functions and their constants table. ``details`` says which function is being
    written: the one that keeps why, flags and raw value of every node, or the one that computes points only."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: list[Any] = []
        self._index: dict[int, int] = {}
        self.details = True

    def k(self, value: Any) -> str:
        """A reference to ``value`` in the constants table (the only way a ruleset's values get in)."""
        key = id(value)
        if key not in self._index:
            self._index[key] = len(self.constants)
            self.constants.append(value)
        return f"k{self._index[key]}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def generate(compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
             c: ModuleType) -> tuple[str, list[Any]]:
    """The source of the tier's two functions (``score_unit``: points only, as scoring needs them;
    ``explain_unit``: points, why, flags and raw of every node, as explanations need them) and their constants
    table; ``c`` is the ``compiler`` module, whose helpers (rounding steps, outcomes for missing values) the
    generated code shares."""
    src = _Source()
    for details in (False, True):
        src.details = details
        _function(src, compiler, order, post_order, c)
    # the constants are the factory's locals, which the functions read as fast as their own
    head = ["def factory(K):"] + ([f"    {', '.join(f'k{i}' for i in range(len(src.constants)))}, = K"]
                                 if src.constants else [])
    body = ["    " + line for line in src.lines]
    return "\n".join(head + body + ["    return score_unit, explain_unit"]) + "\n", src.constants


def _function(src: _Source, compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
              c: ModuleType) -> None:
    index = {node_id: i for i, node_id in enumerate(order)}
    nodes = {node.id: node for node in compiler.tier.walk()}
    src.add(0, f"def {'explain_unit' if src.details else 'score_unit'}(values, evidence, cohort_max):")
    src.add(1, "get = values.get")
    for node_id in post_order:
        node, i = nodes[node_id], index[node_id]
        if node.rule is None:
            _group(src, compiler, node, i, [index[child.id] for child in node.children], c)
        else:
            _criterion(src, compiler, node, i, c)
    if src.details:
        for name in ("p", "w", "f", "r"):
            src.add(1, f"{name}_all = (" + "".join(f"{name}{i}, " for i in range(len(order))) + ")")
        src.add(1, "return p_all, w_all, f_all, r_all")
    else:
        top = "".join(f" + p{index[node.id]}" for node in compiler.tier.nodes)
        src.add(1, "return (" + "".join(f"p{i}, " for i in range(len(order))) + f"), {src.k(c.ZERO)}{top}")


def compile_unit_fns(compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
                     c: ModuleType) -> tuple[UnitFn, DetailsFn]:
    source, constants = generate(compiler, order, post_order, c)
    namespace: dict[str, Any] = {}
    exec(_compiled(source), namespace)
    functions: tuple[UnitFn, DetailsFn] = namespace["factory"](tuple(constants))
    return functions


_KEPT_FILES = 256
"""At most this many compiled tiers and value readers stay in the cache folder (each is a few kilobytes)."""


def _compiled(source: str) -> CodeType:
    """The code of ``source``; compiling it takes about 10 ms a tier, so the code is kept in the private cache
    folder (by the source's digest and the Python version), as Python keeps bytecode next to a module."""
    key = hashlib.sha256(f"{sys.version}\0{source}".encode("utf-8")).hexdigest()[:40]
    folder = private_cache_dir()
    kept = folder / f"tier-{key}.marshal" if folder is not None else None
    if kept is not None:
        try:
            loaded: object = marshal.loads(kept.read_bytes())
            if isinstance(loaded, CodeType):
                return loaded
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not kept yet, or damaged: compile again
    code = compile(source, "<cqdt generated tier>", "exec")
    if kept is not None:
        write_private(kept, marshal.dumps(code), kept=_KEPT_FILES)
    return code


readergen.keep_code_with(_compiled)  # the tiers' value readers are kept the same way


def _rounded(src: _Source, indent: int, target: str, value: str, rounding: m.Rounding | None, c: Any) -> None:
    if rounding is None:
        src.add(indent, f"{target} = {value}")
        return
    src.add(indent, f"{target} = {value}.quantize({src.k(c._STEPS[rounding.digits])}, "
                    f"{src.k(c._MODES[rounding.mode])}, {src.k(c.ARITHMETIC)})")
    src.add(indent, f"if not {target}:")  # as compiler.round_to: a value that rounds to zero is 0, never -0
    src.add(indent + 1, f"{target} = {target}.copy_abs()")


def _group(src: _Source, compiler: _TierCompiler, node: m.Node, i: int, children: list[int], c: Any) -> None:
    rounding = node.rounding or compiler.header.rounding
    maximum, ceiling = src.k(node.max), src.k(c.shown_max(node.max, rounding))
    src.add(1, f"t = {src.k(c.ZERO)}" + "".join(f" + p{child}" for child in children))
    if src.details:
        src.add(1, f"r{i} = t")
    src.add(1, f"if t > {maximum}:")
    if src.details:
        src.add(2, f"p{i}, w{i}, f{i} = {ceiling}, ('sum {{}} capped at {{}}', t, {maximum}), {src.k(c._CAPPED)}")
    else:
        src.add(2, f"p{i} = {ceiling}")
    src.add(1, "else:")
    _rounded(src, 2, "t", "t", rounding, c)
    if src.details:
        src.add(2, f"p{i}, w{i}, f{i} = ({ceiling} if {ceiling} < t else t), {src.k(c._SUMMED)}, ()")  # as min(t, ceiling)
    else:
        src.add(2, f"p{i} = {ceiling} if {ceiling} < t else t")


class _Criterion:
    """Writes one criterion: every branch ends with ``p, w, f, r`` (points, why, flags, raw) set, or in the
    points-only function with ``p`` set. A branch whose outcome is fixed takes it finished at compile time
    (rounded and kept within 0..max by ``compiler.finish``); any other branch rounds and bounds its raw value
    in the generated code."""

    def __init__(self, src: _Source, compiler: _TierCompiler, node: m.Node, c: ModuleType):
        self.src, self.compiler, self.node, self.c = src, compiler, node, c
        self.rounding = node.rounding or compiler.header.rounding
        self.maximum = src.k(node.max)
        self.ceiling, self.floor = c.shown_max(node.max, self.rounding), c.round_to(c.ZERO, self.rounding)

    def _finished(self, raw: Decimal, why: Any, flags: tuple[str, ...]) -> tuple[Decimal, Any, tuple[str, ...]]:
        finished: tuple[Decimal, Any, tuple[str, ...]] = self.c.finish(raw, why, flags, self.rounding, self.node.max,
                                                                       self.ceiling, self.floor)
        return finished

    def fixed(self, indent: int, outcome: tuple[Decimal, Any, tuple[str, ...]]) -> None:
        """A branch with a fixed outcome (raw points, why, flags)."""
        raw, why, flags = outcome
        points, why, flags = self._finished(raw, why, flags)
        if self.src.details:
            self.src.add(indent, f"p, w, f, r = {self.src.k((points, why, flags, raw))}")
        else:
            self.src.add(indent, f"p = {self.src.k(points)}")

    def fixed_points(self, indent: int, raw: Decimal, template: str, arguments: str) -> None:
        """A branch with fixed points whose why names the unit's values: ``(template, arguments...)``."""
        k = self.src.k
        points, why, flags = self._finished(raw, ("",), ())
        if not self.src.details:
            self.src.add(indent, f"p = {k(points)}")
            return
        self.src.add(indent, f"p, f, r = {k(points)}, {k(flags)}, {k(raw)}")
        suffix = f" + {k(why[0])}" if why[0] else ""
        self.src.add(indent, f"w = ({template!r}{suffix}, {arguments}" + "".join(f", {k(x)}" for x in why[1:]) + ")")

    def helper(self, indent: int, outcome: str, raw: Decimal) -> None:
        """A branch whose outcome (raw points ``raw``, why, flags) a helper of ``compiler`` gives at run time."""
        if self.src.details:
            self.src.add(indent, f"r, w, f = {outcome}")
            self._bounded(indent)
        else:
            self.src.add(indent, f"p = {self.src.k(self._finished(raw, ('',), ())[0])}")

    def computed(self, indent: int, raw: str, why: str, flags: str) -> None:
        """A branch whose points ``raw`` (with ``why`` and ``flags``) are computed from the unit's values: rounded
        and bounded here."""
        self.src.add(indent, f"r, w, f = {raw}, {why}, {flags}" if self.src.details else f"r = {raw}")
        self._bounded(indent)

    def _bounded(self, indent: int) -> None:
        """``p`` from ``r``: rounded, then kept within 0..max (why and flags say so), as ``compiler.finish``."""
        src, k = self.src, self.src.k
        details = src.details
        _rounded(src, indent, "p", "r", self.rounding, self.c)
        src.add(indent, f"if p > {self.maximum}:")
        if details:
            src.add(indent + 1, f"p, w, f = {k(self.ceiling)}, (w[0] + '; capped at {{}}', *w[1:], {self.maximum}), "
                                f"f + {k(self.c._CAPPED)}")
        else:
            src.add(indent + 1, f"p = {k(self.ceiling)}")
        src.add(indent, "elif p < 0:")
        if details:
            src.add(indent + 1, f"p, w, f = {k(self.floor)}, (w[0] + '; raised to 0', *w[1:]), f + {k(self.c._FLOORED)}")
        else:
            src.add(indent + 1, f"p = {k(self.floor)}")
        src.add(indent, "elif not p and p.is_signed():")  # -0.0004 rounds to -0.000: published as 0.000, as finish()
        src.add(indent + 1, f"p = {k(self.floor)}")


def _criterion(src: _Source, compiler: _TierCompiler, node: m.Node, i: int, c: ModuleType) -> None:
    assert node.rule is not None
    rule = node.rule
    names = m.rule_indicators(rule) or tuple(ind.name for ind in node.inputs)
    write = _Criterion(src, compiler, node, c)
    for j, name in enumerate(names):
        src.add(1, f"v{i}_{j} = get({src.k(name)})")
    required = tuple(compiler.indicators[n] for n in names if n in compiler.indicators
                     and compiler.indicators[n].evidence_required) if compiler.header.on_missing_evidence == "zero" else ()
    indent = 1
    # a value not assessed or evidence missing: 0 points (their helpers' why names what is missing)
    if names:
        src.add(1, "if " + " or ".join(f"v{i}_{j} is None" for j in range(len(names))) + ":")
        write.helper(2, f"{src.k(c._not_assessed)}({src.k(names)}, values)", c.ZERO)
        src.add(1, "else:")
        indent = 2
    if required:  # the evidence is looked at closely only when some is missing
        src.add(indent, "if " + " or ".join(f"not evidence.get({src.k(ind.name)})" for ind in required) + ":")
        src.add(indent + 1, f"o = {src.k(c._missing_evidence)}({src.k(required)}, values, evidence)")
        src.add(indent, "else:")
        src.add(indent + 1, "o = None")
        src.add(indent, "if o is not None:")
        write.helper(indent + 1, "o", c.ZERO)
        src.add(indent, "else:")
        indent += 1
    _rule(write, rule, f"v{i}_0", indent)
    src.add(1, f"p{i}, w{i}, f{i}, r{i} = p, w, f, r" if src.details else f"p{i} = p")


def _rule(write: _Criterion, rule: m.Rule, v: str, indent: int) -> None:
    """The branches of one rule, as its closure in ``compiler`` computes them."""
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    if isinstance(rule, m.YesRule):
        add(indent, f"if {v}:")
        write.fixed(indent + 1, (node.max, ("yes → full points",), ()))
        add(indent, "else:")
        write.fixed(indent + 1, (c.ZERO, ("no → 0",), ()))
    elif isinstance(rule, m.CategoryRule):
        _category(write, rule, v, indent)
    elif isinstance(rule, m.RatioRule):
        if compiler.indicators[rule.indicator].kind == "percent":
            add(indent, f"a, b = {v}, {k(c.HUNDRED)}")
        else:
            add(indent, f"a, b = {v}.a, {v}.b")
        add(indent, "if b == 0:")
        write.fixed(indent + 1, c._zero_denominator(compiler._points(rule.on_zero, node)))
        add(indent, "elif a >= b:")
        write.fixed_points(indent + 1, node.max, "{}/{} ≥ 100% → full points", "a, b")
        add(indent, "else:")
        write.computed(indent + 1, f"a * {write.maximum} / b", f"('{{}}/{{}} × {{}}', a, b, {write.maximum})", "()")
    elif isinstance(rule, m.BandsRule):
        _bands(write, rule, v, indent)
    elif isinstance(rule, m.PerItemRule):
        write.computed(indent, f"{v} * {k(rule.each)}", f"('{{}} × {{}}', {v}, {k(rule.each)})", "()")
    elif isinstance(rule, m.DirectRule):
        write.computed(indent, v, f"('assessed score {{}}', {v})", "()")
    elif isinstance(rule, m.NormalisedRule):
        within = k(rule.within)
        add(indent, f"best = cohort_max[{k((rule.indicator, rule.within))}]")
        add(indent, "if best == 0:")
        write.computed(indent + 1, k(c.ZERO), f"('every unit of the {{}} has 0 → 0', {within})", "('cohort best is 0',)")
        add(indent, "else:")
        write.computed(indent + 1, f"{v} * {write.maximum} / best",
                       f"('{{}} / {{}} (best of the {{}}) × {{}}', {v}, best, {within}, {write.maximum})", "()")
    else:
        assert isinstance(rule, m.InformationalRule)
        write.fixed(indent, (c.ZERO, ("informational: collected and shown, not scored",), ("informational",)))


def _category(write: _Criterion, rule: m.CategoryRule, v: str, indent: int) -> None:
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    finished = {}
    for arm in rule.arms:
        points = compiler._points(arm.points, node)
        raw, why, flags = points, ("'{}' → {}", arm.value, points), ()
        finished[arm.value] = (*write._finished(raw, why, flags), raw)
    otherwise = compiler._points(rule.otherwise, node) if rule.otherwise is not None else None
    if src.details:
        add(indent, f"o = {k(finished)}.get({v})")
        add(indent, "if o is not None:")
        add(indent + 1, "p, w, f, r = o")
        add(indent, "else:")
    else:
        add(indent, f"p = {k({value: outcome[0] for value, outcome in finished.items()})}.get({v})")
        add(indent, "if p is None:")
    write.computed(indent + 1, k(otherwise), f"(\"'{{}}' → else {{}}\", {v}, {k(otherwise)})", "()")


def _bands(write: _Criterion, rule: m.BandsRule, v: str, indent: int) -> None:
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    is_pair = compiler.indicators[rule.indicator].kind == "pair"
    if is_pair:
        add(indent, f"if {v}.b == 0:")
        write.fixed(indent + 1, c._zero_denominator(compiler._points(None, node)))
        add(indent, "else:")
        indent += 1
        add(indent, f"left, scale = {v}.a * {k(c.HUNDRED)}, {v}.b")
        shown, arguments = "{}/{}", f"{v}.a, {v}.b"
    else:
        add(indent, f"left = {v}")
        shown, arguments = "{}", v
    keyword = "if"
    for band in rule.bands:
        right = f"{k(band.threshold.value)} * scale" if is_pair else k(band.threshold.value)
        operator = {">=": ">=", ">": ">", "=": "=="}[band.comparator]
        points = compiler._points(band.points, node)
        add(indent, f"{keyword} left {operator} {right}:")
        write.fixed_points(indent + 1, points, shown + " {} → {}", f"{arguments}, {k(c._band_text(band))}, {k(points)}")
        keyword = "elif"
    otherwise = compiler._points(rule.otherwise, node) if rule.otherwise is not None else c.ZERO
    if rule.bands:
        add(indent, "else:")
        indent += 1
    write.fixed_points(indent, otherwise, shown + " below every band → {}", f"{arguments}, {k(otherwise)}")
