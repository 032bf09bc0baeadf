"""One straight-line Python function per tier, generated from the checked model and compiled once.

The closures of ``compiler`` call one function per node and build a ``NodeResult`` object for each node
of each unit. For the rule kinds most rulesets are made of (yes/no, category, ratio, bands, per item,
direct, normalised, informational) this module writes the same arithmetic out as two functions per tier
that keep every intermediate value in a local variable: ``score_unit`` computes the points of every node
(in the tier's reading order) and the published total, which is all scoring needs; ``explain_unit``
computes the same points and also why, flags and raw value of every node, which ``NodeResults`` asks for only
when a node's details are read. A tier with a formula or a best-of rule, or with outputs (which read nodes
through an ``Env``), keeps the closures.

``score_unit`` reads checked values only (``model.units``), and leaves out the steps they make idle, so that it
does no more than a hand-written scorer: they hold every indicator of the tier (None when not assessed); pair parts, counts, percents and scores are never negative and no
number is -0, so a ratio ``a/b × max`` with ``a < b`` is rounded and nothing else (no floor, no cap when the
maximum is at the rounding's precision); and a group whose children's points all have its number of decimals,
and whose children's maxima add up to at most its own, is the plain sum of its children (rounding it, capping
it, keeping it at most its shown maximum would change nothing, not even how it is written).

No text of the ruleset reaches the generated source: node ids, indicator names, numbers, band texts and
outcomes are entries of a constants table ``K``, unpacked into the names ``k0``, ``k1``, ... The source is
made only of this module's own fragments and names made from positions (``p3``, ``v3_0``, ``k12``). ``tests/test_codegen.py`` checks it against the closures and the reference evaluator."""

from __future__ import annotations

import marshal
import re
import string
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from importlib.util import source_hash
from types import CodeType, ModuleType
from typing import Any

from cqdt_rules.language.resources import private_cache_dir, write_private
from cqdt_rules.model import readergen
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.checking import values_index
from cqdt_rules.model.units import IndicatorValues, Pair

_TierCompiler = Any
"""``compiler._TierCompiler``, which calls this module (so this module does not import it): its ``header``,
``tier``, ``indicators`` and ``_points`` give the same values the closures use."""

Points = tuple[Decimal, ...]
UnitFn = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]], Mapping[tuple[str, str], Decimal]],
                  tuple[Points, Decimal]]
"""checked values, evidence, cohort maxima → the points of every node, in the tier's reading order, and the total
as published (rounded as the tier declares, at most the tier's maximum)."""
DetailsFn = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]], Mapping[tuple[str, str], Decimal]],
                     tuple[Points, tuple[Any, ...], tuple[tuple[str, ...], ...], tuple[Any, ...]]]
"""values, evidence, cohort maxima → (points, why, flags, raw) of every node, in the tier's reading order."""

_INLINE = (m.YesRule, m.CategoryRule, m.RatioRule, m.BandsRule, m.PerItemRule, m.DirectRule, m.NormalisedRule,
           m.InformationalRule)


def can_generate(tier: m.Tier) -> bool:
    """Whether every node of the tier is written out by this module (else the tier keeps its closures)."""
    return not tier.outputs and all(node.rule is None or isinstance(node.rule, _INLINE) for node in tier.walk())


class Source:
    """The lines of the generated functions and their constants table. ``details`` says which function is being
    written: the one that keeps why, flags and raw value of every node, or the one that computes points only."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: list[Any] = []
        self._index: dict[int, int] = {}
        self.details = True
        self.lean = False
        """Writing the details of one node for a writer (``NodeDetails``): the raw value is left out, and so are
        the steps checked values make idle, as in the points-only function."""
        self.base = 0
        """Added to every line's indent: writing a block inside another (``writergen``'s fused writers)."""

    def sharing(self) -> Source:
        """Another list of lines with the same constants table (its lines are added to these later)."""
        other = Source()
        other.constants, other._index = self.constants, self._index
        return other

    def k(self, value: Any) -> str:
        """A reference to ``value`` in the constants table (the only way a ruleset's values get in)."""
        key = id(value)
        if key not in self._index:
            self._index[key] = len(self.constants)
            self.constants.append(value)
        return f"k{self._index[key]}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * (indent + self.base) + line)


def generate(compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
             c: ModuleType) -> tuple[str, list[Any]]:
    """The source of the tier's two functions (``score_unit``: points only, as scoring needs them;
    ``explain_unit``: points, why, flags and raw of every node, as explanations need them) and their constants
    table; ``c`` is the ``compiler`` module, whose helpers (rounding steps, outcomes for missing values) the
    generated code shares."""
    src = Source()
    for details in (False, True):
        src.details = details
        _function(src, compiler, order, post_order, c)
    # the constants are the factory's locals, which the functions read as fast as their own
    head = ["def factory(K):"] + ([f"    {', '.join(f'k{i}' for i in range(len(src.constants)))}, = K"]
                                 if src.constants else [])
    body = ["    " + line for line in src.lines]
    return "\n".join(head + body + ["    return score_unit, explain_unit"]) + "\n", src.constants


def _function(src: Source, compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
              c: ModuleType) -> None:
    index = {node_id: i for i, node_id in enumerate(order)}
    nodes = {node.id: node for node in compiler.tier.walk()}
    src.add(0, f"def {'explain_unit' if src.details else 'score_unit'}(values, evidence, cohort_max):")
    if src.details:
        src.add(1, f"get = {src.k(values_getter)}(values)")
    else:
        _row(src, values_index(compiler.tier))
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
        _total(src, compiler, [index[node.id] for node in compiler.tier.nodes], c)
        src.add(1, "return (" + "".join(f"p{i}, " for i in range(len(order))) + "), t")


def _row(src: Source, index: Mapping[str, int]) -> None:
    """The points-only function's values in the tier's indicator order, as ``row``: the checker's
    ``IndicatorValues`` hands its tuple on as it is; any other mapping is read into one (the points are computed
    from checked values only, which hold every indicator of the tier)."""
    src.add(1, f"if values.__class__ is {src.k(IndicatorValues)} and values.index is {src.k(index)}:")
    src.add(2, "row = values.row")
    src.add(1, "else:")
    src.add(2, f"row = {src.k(_row_of)}({src.k(tuple(index))}, values)")


def _row_of(names: tuple[str, ...], values: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(values[name] for name in names)


def values_getter(values: Mapping[str, Any]) -> Callable[[str], Any]:
    """``values.get`` as the details' functions read a unit's values (``get``): the checker's ``IndicatorValues``
    read into a dictionary once, whose ``get`` runs in C (the view's own is Python code, run for every value)."""
    return values.as_dict().get if type(values) is IndicatorValues else values.get


def compile_unit_fns(compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str],
                     c: ModuleType) -> tuple[UnitFn, DetailsFn]:
    source, constants = generate(compiler, order, post_order, c)
    namespace: dict[str, Any] = {}
    exec(compile_kept(source), namespace)
    functions: tuple[UnitFn, DetailsFn] = namespace["factory"](tuple(constants))
    setattr(functions[1], _DETAILS, NodeDetails(compiler, order, post_order, c))
    return functions


class NodeDetails:
    """Writes the blocks of a tier's ``explain_unit`` one node at a time into another generated function: the
    writers of ``writergen`` that compute a node's details and write its text in one go. A block ends with
    ``p3, w3, f3, r3`` (points, why, flags, raw of node 3 in reading order) set, from ``p`` of its children for a
    group, from ``values``, ``evidence`` and ``cohort_max`` for a criterion; it needs ``get = values_getter(values)``
    and the engine's arithmetic as the current decimal context."""

    def __init__(self, compiler: _TierCompiler, order: tuple[str, ...], post_order: list[str], c: ModuleType):
        self.compiler, self.order, self.post_order, self.c = compiler, order, post_order, c
        self.index = {node_id: i for i, node_id in enumerate(order)}
        self.nodes = {node.id: node for node in compiler.tier.walk()}
        self.arithmetic: Any = c.ARITHMETIC
        self.writers: dict[object, Any] = {}
        """The writers made from these blocks, kept by their caller's key."""

    def block(self, src: Source, node_id: str) -> None:
        """Write node ``node_id``'s block at ``src``'s indent (``p3, w3, f3``; the raw value is left out)."""
        node, i, compiler, c = self.nodes[node_id], self.index[node_id], self.compiler, self.c
        src.details, src.lean = True, True
        try:
            if node.rule is not None:
                _criterion(src, compiler, node, i, c)
            elif self.fixed(node_id) is not None:  # never capped: its points as scoring adds them up
                _group_points(src, compiler, node, i, [self.index[child.id] for child in node.children],
                              node.rounding or compiler.header.rounding, c)
                src.add(1, f"w{i}, f{i} = {src.k(c._SUMMED)}, ()")
            else:
                _group(src, compiler, node, i, [self.index[child.id] for child in node.children], c)
        finally:
            src.lean = False

    def fixed(self, node_id: str) -> tuple[Any, tuple[str, ...]] | None:
        """The why and flags a node's block always sets (those very objects: a group that is never capped), or None:
        its writer's text after the values can be written once, when the writer is made."""
        node = self.nodes[node_id]
        if node.rule is None and _most(node.children, self.c) <= node.max:
            return self.c._SUMMED, ()
        return None

    def read(self, node_id: str) -> dict[str, str]:
        """The local names in which a criterion's block leaves the values it read, by indicator."""
        node = self.nodes[node_id]
        if node.rule is None:
            return {}
        i = self.index[node_id]
        return {name: f"v{i}_{j}" for j, name in reversed(list(enumerate(_names(node))))}

    def pair_texts(self, node_id: str) -> dict[str, tuple[str, str]]:
        """The local names in which a criterion's block leaves the texts (``str``) of the two parts of the pair it
        reads, by indicator: a ratio or bands of a pair, whose why shows them too."""
        node = self.nodes[node_id]
        if node.rule is None or not _shows_pair(self.compiler, node.rule):
            return {}
        i = self.index[node_id]
        return {_names(node)[0]: (f"s{i}_0", f"t{i}_0")}

    def depends_on(self, node_id: str) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...],
                                                tuple[str, str] | None]:
        """What a criterion's details depend on beyond the ruleset: the values it reads (name and kind), whether
        each indicator whose evidence is required has evidence, and the cohort maximum it reads (its key)."""
        node, compiler = self.nodes[node_id], self.compiler
        assert node.rule is not None
        names = _names(node)
        kinds = tuple((name, compiler.indicators[name].kind if name in compiler.indicators else None)
                      for name in names)
        cohort = (node.rule.indicator, node.rule.within) if isinstance(node.rule, m.NormalisedRule) else None
        return kinds, tuple(ind.name for ind in _required(compiler, names)), cohort


_DETAILS = "node_details"
"""The attribute of a generated ``explain_unit`` holding its tier's ``NodeDetails`` (kept as long as the function)."""


def node_details(explain_unit: DetailsFn) -> NodeDetails | None:
    """The ``NodeDetails`` of the tier whose generated ``explain_unit`` this is (None: not one of this module's)."""
    details: NodeDetails | None = getattr(explain_unit, _DETAILS, None)
    return details


def _shows_pair(compiler: _TierCompiler, rule: m.Rule) -> bool:
    """Whether the rule is a ratio or bands of a pair (its first indicator), whose why shows the pair's parts."""
    return isinstance(rule, (m.RatioRule, m.BandsRule)) and compiler.indicators[rule.indicator].kind == "pair"


def _pair_parts(write: _Criterion, v: str) -> list[str]:
    """The arguments of a why showing the parts of the pair ``v``: in a writer's block, their texts worked out once
    (``NodeDetails.pair_texts``), which the writer shows as the value read too (a value that is not a pair, which
    the writer shows as any other, gives none: the rule's own steps refuse it as they do without a writer)."""
    return [f"s{write.i}_0", f"t{write.i}_0"] if write.src.lean else [f"{v}.a", f"{v}.b"]


def _names(node: m.Node) -> tuple[str, ...]:
    """The indicators a criterion reads."""
    assert node.rule is not None
    return m.rule_indicators(node.rule) or tuple(ind.name for ind in node.inputs)


def _required(compiler: _TierCompiler, names: tuple[str, ...]) -> tuple[m.Indicator, ...]:
    """The indicators among ``names`` whose missing evidence scores 0."""
    if compiler.header.on_missing_evidence != "zero":
        return ()
    return tuple(compiler.indicators[n] for n in names if n in compiler.indicators
                 and compiler.indicators[n].evidence_required)


_KEPT_FILES = 256
"""At most this many compiled tiers and value readers stay in the cache folder (each is a few kilobytes)."""


def compile_kept(source: str) -> CodeType:
    """The code of ``source``; compiling it takes about 10 ms a tier, so the code is kept in the private cache
    folder, as Python keeps bytecode next to a module: named by a 64-bit hash of the source and the Python
    version (``importlib.util.source_hash``, as Python checks hash-based bytecode files; ``hashlib`` would add
    some 3 ms to every command that scores), and kept with its source, which must match in full."""
    key = source_hash(f"{sys.version}\0{source}".encode("utf-8")).hex()
    folder = private_cache_dir()
    kept = folder / f"tier-{key}.marshal" if folder is not None else None
    if kept is not None:
        try:
            loaded: object = marshal.loads(kept.read_bytes())
            if (isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == source
                    and isinstance(loaded[1], CodeType)):
                return loaded[1]
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not kept yet, or damaged: compile again
    code = compile(source, "<cqdt generated tier>", "exec")
    if kept is not None:
        write_private(kept, marshal.dumps((source, code)), kept=_KEPT_FILES)
    return code


readergen.keep_code_with(compile_kept)  # the tiers' value readers are kept the same way


def _rounded(src: Source, indent: int, target: str, value: str, rounding: m.Rounding | None, c: Any) -> None:
    if rounding is None:
        src.add(indent, f"{target} = {value}")
        return
    src.add(indent, f"{target} = {value}.quantize({src.k(c._STEPS[rounding.digits])}, "
                    f"{src.k(c._MODES[rounding.mode])}, {src.k(c.ARITHMETIC)})")
    src.add(indent, f"if not {target}:")  # as compiler.round_to: a value that rounds to zero is 0, never -0
    src.add(indent + 1, f"{target} = {target}.copy_abs()")


def _group(src: Source, compiler: _TierCompiler, node: m.Node, i: int, children: list[int], c: Any) -> None:
    rounding = node.rounding or compiler.header.rounding
    if not src.details:
        _group_points(src, compiler, node, i, children, rounding, c)
        return
    maximum, ceiling = src.k(node.max), src.k(c.shown_max(node.max, rounding))
    src.add(1, f"t = {src.k(c.ZERO)}" + "".join(f" + p{child}" for child in children))
    src.add(1, f"r{i} = t")
    src.add(1, f"if t > {maximum}:")
    src.add(2, f"p{i}, w{i}, f{i} = {ceiling}, ('sum {{}} capped at {{}}', t, {maximum}), {src.k(c._CAPPED)}")
    src.add(1, "else:")
    _rounded(src, 2, "t", "t", rounding, c)
    src.add(2, f"p{i}, w{i}, f{i} = ({ceiling} if {ceiling} < t else t), {src.k(c._SUMMED)}, ()")  # as min(t, ceiling)


def _group_points(src: Source, compiler: _TierCompiler, node: m.Node, i: int, children: list[int],
                  rounding: m.Rounding | None, c: Any) -> None:
    """A group's points in the points-only function: only the steps that can change the sum are written.
    Children whose points are all at the group's precision add up to a sum already rounded; children whose
    maxima add up to at most the group's never reach its cap."""
    ceiling = c.shown_max(node.max, rounding)
    capped = _most(node.children, c) > node.max
    # at the precision, a sum within the maximum is within the ceiling too: both are the maximum rounded down
    bounded = not _at_precision(compiler, node.children, rounding, c)
    target = "t" if capped or bounded else f"p{i}"
    _sum_of(src, compiler, node.children, [f"p{child}" for child in children], rounding, c, target)
    if capped:
        src.add(1, f"if t > {src.k(node.max)}:")
        src.add(2, f"t = {src.k(ceiling)}")
    if bounded:
        src.add(1, f"p{i} = {src.k(ceiling)} if {src.k(ceiling)} < t else t")  # as min(t, ceiling)
    elif capped:
        src.add(1, f"p{i} = t")


def _total(src: Source, compiler: _TierCompiler, top: list[int], c: Any) -> None:
    """``t``: the total as published (as ``evaluator``'s closures path: the top-level points added up, rounded,
    at most the tier's maximum), with only the steps that can change the sum written."""
    tier = compiler.tier
    _sum_of(src, compiler, tier.nodes, [f"p{i}" for i in top], tier.total_rounding or compiler.header.rounding, c, "t")
    if _most(tier.nodes, c) > tier.max:
        src.add(1, f"if t > {src.k(tier.max)}:")
        src.add(2, f"t = {src.k(tier.max)}")


def _sum_of(src: Source, compiler: _TierCompiler, nodes: tuple[m.Node, ...], terms: list[str],
            rounding: m.Rounding | None, c: Any, target: str) -> None:
    """``target`` = the points ``terms`` of ``nodes`` added up and rounded, as ``round_to(ZERO + ..., rounding)``
    (when every term is at the precision, that is their plain sum). Its callers cap it after the rounding;
    the closures cap a group's sum before, which gives the same points: rounding is monotonic, and the ceiling
    is the maximum rounded unless that would lift it above the maximum."""
    if _at_precision(compiler, nodes, rounding, c):
        src.add(1, f"{target} = " + " + ".join(terms))
        return
    src.add(1, f"{target} = {src.k(c.ZERO)}" + "".join(f" + {term}" for term in terms))
    _rounded(src, 1, target, target, rounding, c)


def _most(nodes: tuple[m.Node, ...], c: Any) -> Decimal:
    """The most points ``nodes`` can have together: their maxima added up (every node's points are at most its
    maximum)."""
    total: Decimal = c.ZERO
    for node in nodes:
        total = c.ARITHMETIC.add(total, node.max)
    return total


def _at_precision(compiler: _TierCompiler, nodes: tuple[m.Node, ...], rounding: m.Rounding | None, c: Any) -> bool:
    """Whether every points value of every node in ``nodes`` has exactly ``rounding``'s decimals (so their sum
    has them too, and rounding it changes nothing, not even how it is written)."""
    return rounding is not None and bool(nodes) and all(_exponent(compiler, node, c) == -rounding.digits
                                                        for node in nodes)


def _exponent(compiler: _TierCompiler, node: m.Node, c: Any) -> int | None:
    """The exponent every points value of ``node`` has, or None when it may vary. Every outcome of a rounded node
    is rounded (its exponent is minus the rounding's digits), capped to its shown maximum, or raised to its
    rounded 0; so all of them share that exponent when the shown maximum has it."""
    rounding = node.rounding or compiler.header.rounding
    if rounding is None:
        return None
    exponent = c.shown_max(node.max, rounding).as_tuple().exponent
    return exponent if exponent == -rounding.digits else None


def _lean_why(why: Any, flags: tuple[str, ...]) -> Any:
    """A fixed why as a writer's details block holds it: its text when the node has no flags (the text is all a
    writer reads of it then), else the why itself (read, with the flags, by the writers' own code)."""
    return why if flags else str(why[0]).format(*why[1:])


def _why_text(src: Source, template: str, arguments: list[str]) -> str:
    """An f-string writing the why ``(template, arguments...)`` as ``str.format`` does: ``{}`` of a number or a
    text is its ``str``, which the arguments of the rules' whys are."""
    texts = texts_between_fields(template)
    assert texts is not None and len(texts) == len(arguments) + 1, template
    fields, fixed = "", texts[0]
    for argument, text in zip(arguments, texts[1:]):
        if re.fullmatch(r"k\d+", argument):  # a constant: written here
            fixed += str(src.constants[int(argument[1:])]) + text
            continue
        fields += (f"{{{src.k(fixed)}}}" if fixed else "") + f"{{{argument}!s}}"
        fixed = text
    return f'f"{fields}' + (f"{{{src.k(fixed)}}}" if fixed else "") + '"'


def texts_between_fields(template: str) -> list[str] | None:
    """The texts around the fields of ``template`` if they are all plain ``{}`` (no name, conversion or format)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    texts = [""]
    for literal, field, spec, conversion in parsed:
        texts[-1] += literal
        if field is None:
            continue
        if field or spec or conversion:
            return None
        texts.append("")
    return texts


_NEVER_NEGATIVE = ("count", "percent", "score", "pair")
"""The kinds of indicator whose checked values are never negative (pairs: neither part); no checked number is -0."""


class _Criterion:
    """Writes one criterion: every branch ends with ``p, w, f, r`` (points, why, flags, raw) set, or in the
    points-only function with ``p3`` (the node's points) set. A branch whose outcome is fixed takes it finished at
    compile time (rounded and kept within 0..max by ``compiler.finish``); any other branch rounds and bounds its
    raw value in the generated code, leaving out, in the points-only function, the bounds that checked values
    cannot reach."""

    def __init__(self, src: Source, compiler: _TierCompiler, node: m.Node, i: int, c: ModuleType):
        self.src, self.compiler, self.node, self.c, self.i = src, compiler, node, c, i
        self.rounding = node.rounding or compiler.header.rounding
        self.maximum = src.k(node.max)
        self.ceiling, self.floor = c.shown_max(node.max, self.rounding), c.round_to(c.ZERO, self.rounding)
        self.target = "p" if src.details else f"p{i}"
        self.max_not_negative = node.max >= 0 and not node.max.is_signed()  # the checker refuses a negative maximum

    def _finished(self, raw: Decimal, why: Any, flags: tuple[str, ...]) -> tuple[Decimal, Any, tuple[str, ...]]:
        finished: tuple[Decimal, Any, tuple[str, ...]] = self.c.finish(raw, why, flags, self.rounding, self.node.max,
                                                                       self.ceiling, self.floor)
        return finished

    def fixed(self, indent: int, outcome: tuple[Decimal, Any, tuple[str, ...]]) -> None:
        """A branch with a fixed outcome (raw points, why, flags)."""
        raw, why, flags = outcome
        points, why, flags = self._finished(raw, why, flags)
        if self.src.lean:
            self.src.add(indent, f"p, w, f = {self.src.k((points, _lean_why(why, flags), flags))}")
        elif self.src.details:
            self.src.add(indent, f"p, w, f, r = {self.src.k((points, why, flags, raw))}")
        else:
            self.src.add(indent, f"{self.target} = {self.src.k(points)}")

    def fixed_points(self, indent: int, raw: Decimal, template: str, arguments: list[str]) -> None:
        """A branch with fixed points whose why names the unit's values: ``(template, arguments...)``."""
        k = self.src.k
        points, why, flags = self._finished(raw, ("",), ())
        if not self.src.details:
            self.src.add(indent, f"{self.target} = {k(points)}")
            return
        if self.src.lean and not flags:  # not capped nor floored: the why is the template's alone
            self.src.add(indent, f"p, f, w = {k(points)}, {k(flags)}, {_why_text(self.src, template, arguments)}")
            return
        self.src.add(indent, f"p, f, r = {k(points)}, {k(flags)}, {k(raw)}")
        suffix = f" + {k(why[0])}" if why[0] else ""
        self.src.add(indent, f"w = ({template!r}{suffix}, {', '.join(arguments)}"
                             + "".join(f", {k(x)}" for x in why[1:]) + ")")

    def helper(self, indent: int, outcome: str, raw: Decimal) -> None:
        """A branch whose outcome (raw points ``raw``, why, flags) a helper of ``compiler`` gives at run time."""
        if self.src.details:
            self.src.add(indent, f"r, w, f = {outcome}")
            self._bounded(indent)
        else:
            self.src.add(indent, f"{self.target} = {self.src.k(self._finished(raw, ('',), ())[0])}")

    def computed(self, indent: int, raw: str, template: str, arguments: list[str], flags: str, sure: str = "") -> None:
        """A branch whose points ``raw`` (with the why ``(template, arguments...)`` and ``flags``) are computed from
        the unit's values: rounded and bounded here. ``sure`` says what checked values guarantee of ``raw``: ""
        nothing, "not negative" (never below 0, never -0), "within" (that, and at most the maximum)."""
        why = f"({template!r}, {', '.join(arguments)})"
        if self.src.lean and sure:
            if flags == "()" and not self._may_cap(sure):  # nothing can change the why: its text at once
                why = _why_text(self.src, template, arguments)
            self.src.add(indent, f"w, f = {why}, {flags}")
            self._bounded_points(indent, raw, sure, capped=True)
        elif self.src.details:
            self.src.add(indent, f"r, w, f = {raw}, {why}, {flags}")
            self._bounded(indent)
        elif not sure:
            self.src.add(indent, f"r = {raw}")
            self._bounded(indent)
        else:
            self._bounded_points(indent, raw, sure)

    def _bounded(self, indent: int) -> None:
        """``p`` from ``r``: rounded, then kept within 0..max (why and flags say so), as ``compiler.finish``."""
        src, k = self.src, self.src.k
        details, target = src.details, self.target
        _rounded(src, indent, target, "r", self.rounding, self.c)
        src.add(indent, f"if {target} > {self.maximum}:")
        if details:
            src.add(indent + 1, f"p, w, f = {k(self.ceiling)}, (w[0] + '; capped at {{}}', *w[1:], {self.maximum}), "
                                f"f + {k(self.c._CAPPED)}")
        else:
            src.add(indent + 1, f"{target} = {k(self.ceiling)}")
        src.add(indent, f"elif {target} < 0:")
        if details:
            src.add(indent + 1, f"p, w, f = {k(self.floor)}, (w[0] + '; raised to 0', *w[1:]), f + {k(self.c._FLOORED)}")
        else:
            src.add(indent + 1, f"{target} = {k(self.floor)}")
        src.add(indent, f"elif not {target} and {target}.is_signed():")  # -0.0004 rounds to -0.000: published as 0.000, as finish()
        src.add(indent + 1, f"{target} = {k(self.floor)}")

    def _may_cap(self, sure: str) -> bool:
        """Whether the points of a raw value that ``sure`` says is never negative may be above the maximum."""
        return sure != "within" or self.c.round_to(self.node.max, self.rounding) != self.node.max

    def _bounded_points(self, indent: int, raw: str, sure: str, capped: bool = False) -> None:
        """The points of ``raw``, which is never negative nor -0: rounded (a rounded value that is not negative
        stays so), then capped unless ``raw`` is within the maximum and rounding leaves the maximum as it is (rounding
        cannot then lift a value above it: 1.4 out of 1.5 rounded up to 0 decimals is 2). ``capped``: the cap says
        so in ``w`` and ``f``, as ``_bounded``."""
        src, target, rounding = self.src, self.target, self.rounding
        if rounding is None:
            src.add(indent, f"{target} = {raw}")
        else:
            src.add(indent, f"{target} = ({raw}).quantize({src.k(self.c._STEPS[rounding.digits])}, "
                            f"{src.k(self.c._MODES[rounding.mode])}, {src.k(self.c.ARITHMETIC)})")
        if self._may_cap(sure):
            src.add(indent, f"if {target} > {self.maximum}:")
            if capped:
                src.add(indent + 1, f"{target}, w, f = {src.k(self.ceiling)}, (w[0] + '; capped at {{}}', *w[1:], "
                                    f"{self.maximum}), f + {src.k(self.c._CAPPED)}")
            else:
                src.add(indent + 1, f"{target} = {src.k(self.ceiling)}")


def _criterion(src: Source, compiler: _TierCompiler, node: m.Node, i: int, c: ModuleType) -> None:
    assert node.rule is not None
    rule = node.rule
    names = _names(node)
    write = _Criterion(src, compiler, node, i, c)
    index = values_index(compiler.tier)  # where the points-only function reads each value (``_row``)
    for j, name in enumerate(names):  # checked values hold every indicator of the tier (None: not assessed)
        src.add(1, f"v{i}_{j} = get({src.k(name)})" if src.details else f"v{i}_{j} = row[{src.k(index[name])}]")
    required = _required(compiler, names)
    indent = 1
    # a value not assessed or evidence missing: 0 points (their helpers' why names what is missing)
    if names:
        src.add(1, "if " + " or ".join(f"v{i}_{j} is None" for j in range(len(names))) + ":")
        write.helper(2, f"{src.k(c._not_assessed)}({src.k(names)}, values)", c.ZERO)
        src.add(1, "else:")
        indent = 2
        if src.lean and _shows_pair(compiler, rule):  # before the evidence is looked at: shown whatever the branch
            src.add(2, f"s{i}_0, t{i}_0 = (str(v{i}_0.a), str(v{i}_0.b)) if type(v{i}_0) is {src.k(Pair)} "
                       "else (None, None)")
    if required:  # the evidence is looked at closely only when some is missing
        lacking = " or ".join(f"not evidence.get({src.k(ind.name)})" for ind in required)
        missing = f"{src.k(c._missing_evidence)}({src.k(required)}, values, evidence)"
        if src.details:
            src.add(indent, f"if {lacking}:")
            src.add(indent + 1, f"o = {missing}")
            src.add(indent, "else:")
            src.add(indent + 1, "o = None")
            src.add(indent, "if o is not None:")
        else:
            src.add(indent, f"if ({lacking}) and {missing} is not None:")
        write.helper(indent + 1, "o", c.ZERO)
        src.add(indent, "else:")
        indent += 1
    _rule(write, rule, f"v{i}_0", indent)
    if src.lean:
        src.add(1, f"p{i}, w{i}, f{i} = p, w, f")
    elif src.details:
        src.add(1, f"p{i}, w{i}, f{i}, r{i} = p, w, f, r")


def _rule(write: _Criterion, rule: m.Rule, v: str, indent: int) -> None:
    """The branches of one rule, as its closure in ``compiler`` computes them."""
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    never_negative = isinstance(rule, (m.PerItemRule, m.DirectRule, m.NormalisedRule)) \
        and compiler.indicators[rule.indicator].kind in _NEVER_NEGATIVE and write.max_not_negative
    if isinstance(rule, m.YesRule):
        if src.details:
            add(indent, f"if {v}:")
            write.fixed(indent + 1, (node.max, ("yes → full points",), ()))
            add(indent, "else:")
            write.fixed(indent + 1, (c.ZERO, ("no → 0",), ()))
        else:
            yes, no = write._finished(node.max, ("",), ())[0], write._finished(c.ZERO, ("",), ())[0]
            add(indent, f"{write.target} = {k(yes)} if {v} else {k(no)}")
    elif isinstance(rule, m.CategoryRule):
        _category(write, rule, v, indent)
    elif isinstance(rule, m.RatioRule):
        _ratio(write, rule, v, indent)
    elif isinstance(rule, m.BandsRule):
        _bands(write, rule, v, indent)
    elif isinstance(rule, m.PerItemRule):
        sure = "not negative" if never_negative and rule.each >= 0 and not rule.each.is_signed() else ""
        write.computed(indent, f"{v} * {k(rule.each)}", "{} × {}", [v, k(rule.each)], "()", sure)
    elif isinstance(rule, m.DirectRule):
        write.computed(indent, v, "assessed score {}", [v], "()", "not negative" if never_negative else "")
    elif isinstance(rule, m.NormalisedRule):
        within = k(rule.within)
        add(indent, f"best = cohort_max[{k((rule.indicator, rule.within))}]")
        add(indent, "if best == 0:")
        write.computed(indent + 1, k(c.ZERO), "every unit of the {} has 0 → 0", [within], "('cohort best is 0',)",
                       "within" if write.max_not_negative else "")
        add(indent, "else:")  # the best of values never negative is above 0 here
        write.computed(indent + 1, f"{v} * {write.maximum} / best",
                       "{} / {} (best of the {}) × {}", [v, "best", within, write.maximum], "()",
                       "not negative" if never_negative else "")
    else:
        assert isinstance(rule, m.InformationalRule)
        write.fixed(indent, (c.ZERO, ("informational: collected and shown, not scored",), ("informational",)))


def _ratio(write: _Criterion, rule: m.RatioRule, v: str, indent: int) -> None:
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    shown = ["a", "b"]
    if compiler.indicators[rule.indicator].kind == "percent":
        add(indent, f"a, b = {v}, {k(c.HUNDRED)}")
    else:
        add(indent, f"a, b = {v}.a, {v}.b")
        if src.lean:
            shown = _pair_parts(write, v)
    add(indent, "if b == 0:" if src.details and not src.lean else "if not b:")
    write.fixed(indent + 1, c._zero_denominator(compiler._points(rule.on_zero, node)))
    add(indent, "elif a >= b:")
    write.fixed_points(indent + 1, node.max, "{}/{} ≥ 100% → full points", shown)
    add(indent, "else:")  # a checked pair or percent: 0 <= a < b here, so a / b × max lies within 0..max
    write.computed(indent + 1, f"a * {write.maximum} / b", "{}/{} × {}", [*shown, write.maximum], "()",
                   "within" if write.max_not_negative else "")


def _category(write: _Criterion, rule: m.CategoryRule, v: str, indent: int) -> None:
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    finished = {}
    for arm in rule.arms:
        points = compiler._points(arm.points, node)
        raw, why, flags = points, ("'{}' → {}", arm.value, points), ()
        finished[arm.value] = (*write._finished(raw, why, flags), raw)
    otherwise = compiler._points(rule.otherwise, node) if rule.otherwise is not None else None
    if not src.details:
        arms = k({value: outcome[0] for value, outcome in finished.items()})
        if otherwise is None:  # the checker refuses categories no arm covers
            add(indent, f"{write.target} = {arms}[{v}]")
        else:
            add(indent, f"{write.target} = {arms}.get({v}, {k(write._finished(otherwise, ('',), ())[0])})")
        return
    if src.lean:
        lean = {value: (points, _lean_why(why, flags), flags) for value, (points, why, flags, _) in finished.items()}
        add(indent, f"o = {k(lean)}.get({v})")
        add(indent, "if o is not None:")
        add(indent + 1, "p, w, f = o")
    else:
        add(indent, f"o = {k(finished)}.get({v})")
        add(indent, "if o is not None:")
        add(indent + 1, "p, w, f, r = o")
    add(indent, "else:")
    write.computed(indent + 1, k(otherwise), "'{}' → else {}", [v, k(otherwise)], "()")


def _bands(write: _Criterion, rule: m.BandsRule, v: str, indent: int) -> None:
    src, compiler, node, c = write.src, write.compiler, write.node, write.c
    add, k = src.add, src.k
    is_pair = compiler.indicators[rule.indicator].kind == "pair"
    if is_pair:
        if src.details:
            add(indent, f"if {v}.b == 0:")
        else:
            add(indent, f"scale = {v}.b")
            add(indent, "if not scale:")
        write.fixed(indent + 1, c._zero_denominator(compiler._points(None, node)))
        add(indent, "else:")
        indent += 1
        add(indent, f"left, scale = {v}.a * {k(c.HUNDRED)}, {v}.b" if src.details else f"left = {v}.a * {k(c.HUNDRED)}")
        shown, arguments = "{}/{}", _pair_parts(write, v)
    else:
        if src.details:
            add(indent, f"left = {v}")
        shown, arguments = "{}", [v]
    value = "left" if is_pair or src.details else v
    keyword = "if"
    for band in rule.bands:
        right = f"{k(band.threshold.value)} * scale" if is_pair else k(band.threshold.value)
        operator = {">=": ">=", ">": ">", "=": "=="}[band.comparator]
        points = compiler._points(band.points, node)
        add(indent, f"{keyword} {value} {operator} {right}:")
        write.fixed_points(indent + 1, points, shown + " {} → {}", [*arguments, k(c._band_text(band)), k(points)])
        keyword = "elif"
    otherwise = compiler._points(rule.otherwise, node) if rule.otherwise is not None else c.ZERO
    if rule.bands:
        add(indent, "else:")
        indent += 1
    write.fixed_points(indent, otherwise, shown + " below every band → {}", [*arguments, k(otherwise)])
