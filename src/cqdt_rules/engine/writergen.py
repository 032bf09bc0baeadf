"""One straight-line Python function per tier that computes the details of every node of a unit (points, branch,
flags) and writes them as text (the lines of an explanation, or the nodes of results JSON), generated from the tier's
details blocks (``codegen.NodeDetails``) and from what the caller sets out for each node, and compiled once.

A unit scored by ``codegen``'s functions keeps no details (``NodeResults``); explaining it used to run the tier's
details function, which built a why tuple per node, and then walk those tuples again to write them. This module's
function holds the details blocks themselves, in the engine's arithmetic, each value in a local variable; a branch
whose why cannot change afterwards is written as text right there (``codegen``'s lean blocks), then each node's text
is written, in the caller's decimal context as the node-by-node writers write it, and the whole text made by one
f-string (a writer is made for each way its caller shows numbers, ``explain.Shown``: what it keeps is never read in
another decimal context). A criterion whose values are yes/no, categories, numbers or pairs keeps its points and
text by those values (numbers and a pair's parts by their exact text, evidence and cohort maxima with them), at most
``KEPT_PER_NODE``: a cohort's units share most of them (a quarter to two thirds of its pairs); a node reading one
number or pair alone looks first by that value's object, which the checker shares between equal values read. A node
whose why and flags are fixed (a group never capped) has its text after its values written once, when the writer is
made. What a node's text says whatever the unit (indents, ids, titles, provenance, labels) is set out by the caller
(``explain``, ``results``) as a ``NodePlan`` and reaches the function only through its constants table ``K``,
unpacked into the names ``k0``, ``k1``, ...: no text of the ruleset is written into the source, which is made of this
module's and ``codegen``'s own fragments and names made from positions (``p3``, ``b3_0``, ``k12``).

For each node the function writes:
- its text up to the values read: its points' number between two fixed texts (explanations), or that text kept per
  node by the points' exact text (JSON, whose share of the maximum is worked out from the points);
- each value it read, by the value's kind (the indicator's kind orders the checks; any other value goes to
  ``Words.value``, so the text is the same whatever the data hold);
- its text after the values: when the node has no flags, its branch between two fixed texts (the details block's
  text, or written by a filler of the why's template, ``branch_of``) and, in Vietnamese, translated as ``explain``
  translates a branch; otherwise ``NodePlan.rest``, the caller's own writer (which keeps its text by the why and
  flags objects).
Numbers and translated branches come from the caller's stores (kept by their exact text), so the text is byte for
byte the node-by-node writers'; ``tests/test_writergen.py`` holds the two to each other and to plain references,
on the shipped rulesets, the goldens and generated rulesets."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from cqdt_rules.engine.codegen import compile_kept, NodeDetails, node_details, Source, texts_between_fields
from cqdt_rules.engine.compiler import NodeResults, TierShape
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Pair

Style = Literal["text", "json"]
Why = tuple[Any, ...]
UnitWriter = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]], Mapping[tuple[str, str], Decimal], str, str],
                      str]
"""a unit's values, evidence and cohort maxima, and the texts to write before and after its nodes → that whole text
(written as one: a unit's text is some ten kilobytes, better not copied; with ``Words.in_parts``, the tuple of the
texts it is made of)."""


Kept = tuple[dict[str, str], Callable[[Decimal], str]]
"""Texts kept by a number's exact text (``str``), and the function that works out and keeps the text of another."""


class NodePlan(NamedTuple):
    """What the generated function writes of one node, and where it keeps what it works out."""

    first: tuple[str, str] | None
    """The node's text up to its values as the texts before and after the points' number (as ``Words.numbers`` shows
    it; in JSON, its exact text); None: ``firsts`` gives that text."""
    firsts: Kept | None
    """The node's text up to its values, kept by the points' exact text."""
    reads: tuple[tuple[str, str, str | None], ...]
    """Each value shown: the indicator's name, the text just before the value, the indicator's kind (None: unknown)."""
    unflagged: str | tuple[str, str] | None
    """The node's text after its values when it has no flags: a text whatever the branch; or the texts before and
    after its branch; None: ``rest`` writes it."""
    rest: Callable[[Why, tuple[str, ...]], str]
    """The node's text after its values from any why and flags (the caller keeps it by those objects)."""
    listed: str | None = None
    """What ``Words.listed`` lists for the node when its flags hold that flag."""


class Words(NamedTuple):
    """How the generated function writes values and branches in one style and language."""

    style: Style
    """"text": numbers through ``numbers``; "json": numbers as their exact text, in quotes."""
    yes: str
    no: str
    value: Callable[[Any], str]
    """Any value, as the style writes it (None, a text, what no indicator's kind says)."""
    numbers: Kept | None = None
    """Text style: numbers as shown."""
    branch: tuple[dict[str, str] | None, Callable[[str], str]] | None = None
    """The branch as shown from its English text: kept texts (or None) and the function for the others; None: as
    it is."""
    signs_as_is: bool = False
    """A branch without a decimal point nor a lowercase letter (numbers and signs: ``12/20 × 3``) is shown as it is."""
    marks: tuple[str, str, int, int] | None = None
    """Text style: how a plain number (digits, a point or not; no sign nor exponent) of at most the given number of
    digits (third) is shown, written without working it out: a whole number of four to six digits with the first mark
    before its last three digits, a number below 1000 with a point with the second mark for the point, and kept in
    ``numbers`` while it holds fewer texts than the fourth (None: every number through ``numbers``; a cohort shows
    more of them than a store keeps)."""
    listed: tuple[str, str, str] | None = None
    """A flag that only a criterion whose evidence is required carries (its evidence missing), and the texts written
    before and after the list (``NodePlan.listed``) of the nodes that carry it,
    between the text before the nodes and the nodes; None: no list."""
    in_parts: bool = False
    """The writer gives its text as a tuple of the texts it is made of, for the caller to join with others (a results
    file's texts joined once copy each text once; written as one f-string, a unit's text is copied again)."""


def fused_writer(details: NodeDetails, plans: Sequence[NodePlan], words: Words, separator: str) -> UnitWriter:
    """The generated function computing the details of every node of ``details``' tier and writing their text
    as ``plans`` say, ``separator`` between two nodes."""
    source, constants = generate(details, plans, words, separator)
    namespace: dict[str, Any] = {}
    exec(compile_kept(source), namespace)
    writer: UnitWriter = namespace["factory"](tuple(constants))
    return writer


def generate(details: NodeDetails, plans: Sequence[NodePlan], words: Words, separator: str) -> tuple[str, list[Any]]:
    """The source of the function computing the details of the tier's nodes and writing ``plans``' text, and its
    constants table. The details are computed first, children first (a group adds its children's points), in the
    engine's arithmetic; the text is written after, in the caller's (as the node-by-node writers write it: the
    number of digits it shows of a long number is its precision)."""
    src = Source()
    text = src.sharing()
    k = src.k
    src.add(0, "def write(values, evidence, cohort_max, before, after):")
    details.read_row(src)
    # the engine's arithmetic, as the tier's explain_unit runs in (setting it is cheaper than a local context)
    src.add(1, f"context = {k(decimal.getcontext)}()")
    src.add(1, f"{k(decimal.setcontext)}({k(details.arithmetic)})")
    src.add(1, "try:")
    src.base, text.base = 1, 0
    pieces: dict[int, Parts] = {}
    for node_id in details.post_order:
        i = details.index[node_id]
        if _memo_key(details, node_id) is None:
            fixed = details.fixed(node_id)
            _details(src, details, node_id, i, plans[i], words)
            pieces[i] = _node(text, details, i, plans[i], words, node_id, fixed)
        else:
            pieces[i] = _kept_node(src, text, details, node_id, i, plans[i], words)
    src.base = 0
    src.add(1, "finally:")
    src.add(2, f"{k(decimal.setcontext)}(context)")
    src.lines += text.lines
    parts: Parts = [(False, "before")]
    if words.listed is not None:
        opening, closing = words.listed[1:]
        src.add(1, "listed = []")
        for i, plan in enumerate(plans):
            if _listable(details, details.order[i], plan, words):
                src.add(1, f"if m{i}:")
                src.add(2, f"listed.append({k(plan.listed)})")
        parts += [(True, opening), (False, f"{k(', ')}.join(listed)"), (True, closing)]
    for i in range(len(plans)):
        parts += ([(True, separator)] if i else []) + pieces[i]
    whole = parts + [(False, "after")]
    src.add(1, f"return ({', '.join(_merged(src, whole))},)" if words.in_parts else f'return f"{_fields(src, whole)}"')
    head = ["def factory(K):"] + ([f"    {', '.join(f'k{i}' for i in range(len(src.constants)))}, = K"]
                                 if src.constants else [])
    return "\n".join(head + ["    " + line for line in src.lines] + ["    return write"]) + "\n", src.constants


def _details(src: Source, details: NodeDetails, node_id: str, i: int, plan: NodePlan, words: Words) -> None:
    """Node ``i``'s details (``p3, w3, f3``), and whether it is listed (``m3``) when it may be."""
    details.block(src, node_id)
    if _listable(details, node_id, plan, words):
        assert words.listed is not None
        src.add(1, f"m{i} = {src.k(words.listed[0])} in f{i}")


def _listable(details: NodeDetails, node_id: str, plan: NodePlan, words: Words) -> bool:
    """Whether the node may carry the flag ``words.listed`` lists: a criterion whose evidence is required."""
    return (plan.listed is not None and words.listed is not None and details.nodes[node_id].rule is not None
            and bool(details.depends_on(node_id)[1]))


def _kept_node(src: Source, text: Source, details: NodeDetails, node_id: str, i: int, plan: NodePlan,
               words: Words) -> Parts:
    """Node ``i``'s points and text, kept by what they depend on (``_memo_key``) when the unit's values are of the
    kinds their indicators say; computed (in ``src``) and written (in ``text``) the first time, and for values of
    other kinds. A node reading one number or pair alone finds them by that very object first (``_by_object``).
    The parts of its text returned."""
    k = src.k
    key = _memo_key(details, node_id)
    assert key is not None
    objects: dict[int, tuple[Any, tuple[Any, ...]]] | None = {} if _by_object(key) else None
    kept: dict[Any, tuple[Any, ...]] = {}
    kept_names = f"p{i}, x{i}" + (f", m{i}" if _listable(details, node_id, plan, words) else "")
    parts = []
    for j, (name, kind) in enumerate(key[0]):
        src.add(1, f"u{i}_{j} = {details.value(src, name)}")
        parts.append(_KEY_PARTS[kind].format(v=f"u{i}_{j}", decimal=k(Decimal), pair=k(Pair), other=k(_OTHER)))
    if objects is not None:
        src.add(1, f"h{i} = {k(objects.get)}(id(u{i}_0))")
        src.add(1, f"if h{i} is not None and h{i}[0] is u{i}_0:")
        src.add(2, f"{kept_names} = h{i}[1]")
        src.add(1, "else:")
        src.base += 1
    parts += [f"not evidence.get({k(name)})" for name in key[1]]
    if key[2] is not None:
        parts.append(f"(str(o) if type(o := cohort_max.get({k(key[2])})) is {k(Decimal)} else {k(_OTHER)})")
    pair_texts = details.pair_texts(node_id).get(key[0][0][0]) if objects is not None else None
    if pair_texts is not None and key[0][0][1] == "pair":  # the key's texts are those the block shows
        s, t = pair_texts
        src.add(1, f"if type(u{i}_0) is {k(Pair)}:")
        src.add(2, f"y{i} = {s}, {t} = str(u{i}_0.a), str(u{i}_0.b)")
        src.add(1, "else:")
        src.add(2, f"{s} = {t} = None")
        src.add(2, f"y{i} = None if u{i}_0 is None else {k(_OTHER)}")
    else:
        src.add(1, f"y{i} = {parts[0]}" if len(parts) == 1 else f"y{i} = ({', '.join(parts)},)")
        pair_texts = None
    src.add(1, f"h{i} = {k(kept.get)}(y{i})")
    src.add(1, f"if h{i} is None:")
    src.base += 1
    src.pair_texts_set = pair_texts is not None
    try:
        _details(src, details, node_id, i, plan, words)
    finally:
        src.pair_texts_set = False
    src.base -= 1
    src.add(1, "else:")
    src.add(2, f"{kept_names} = h{i}")
    if objects is not None:
        _keep_object(src, objects, i, f"h{i}", 1)
        src.base -= 1
    text.add(1, f"if h{i} is None:")
    text.base += 1
    text.add(1, f'x{i} = f"{_fields(text, _node(text, details, i, plan, words, node_id, None))}"')
    usual = f"y{i} is not {k(_OTHER)}" if len(parts) == 1 else f"{k(_OTHER)} not in y{i}"
    text.add(1, f"if {usual} and len({k(kept)}) < {k(KEPT_PER_NODE)}:")
    text.add(2, f"{k(kept)}[y{i}] = h{i} = {kept_names}")
    if objects is not None:
        _keep_object(text, objects, i, f"h{i}", 1)
    text.base -= 1
    return [(False, f"x{i}")]


def _by_object(key: tuple[tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, str] | None]) -> bool:
    """Whether a node's text is also kept by the very object of the one value it depends on: a number or a pair
    (whose key is made of texts), with no evidence nor cohort maximum. The checker gives equal values read from
    text one shared object, and a look-up by the object's ``id`` spares making the key's texts (and reading the
    object's digits) for each unit."""
    return len(key[0]) == 1 and key[0][0][1] not in ("yesno", "category") and not key[1] and key[2] is None


def _keep_object(src: Source, objects: dict[int, tuple[Any, tuple[Any, ...]]], i: int, found: str,
                 indent: int = 0) -> None:
    """Keep node ``i``'s points and text ``found`` by the value's object too, while the store has room (it holds the
    object: its ``id`` is not given to another while kept)."""
    k = src.k
    src.add(1 + indent, f"if len({k(objects)}) < {k(KEPT_PER_NODE)}:")
    src.add(2 + indent, f"{k(objects)}[id(u{i}_0)] = u{i}_0, {found}")


KEPT_PER_NODE = 256
"""At most this many texts are kept per node and writer (a node showing more different values than this is
written for each unit beyond them)."""

_OTHER = object()
"""In a key, a value of another kind than its indicator's: never kept."""

_KEY_PARTS = {
    "yesno": "({v} if {v} is True or {v} is False or {v} is None else {other})",
    "category": "({v} if type({v}) is str or {v} is None else {other})",
    **{kind: "(str({v}) if type({v}) is {decimal} else None if {v} is None else {other})"
       for kind in ("count", "number", "percent", "score")},
    "pair": "((str({v}.a), str({v}.b)) if type({v}) is {pair} else None if {v} is None else {other})",
}
"""How each kind of value stands in a key: as itself, or a number (a pair's parts) as its exact text (``Decimal``
keys would take 7.5 and 7.50, written differently, for one). A pair's parts take many values, yet a cohort's units
share a good part of them: a quarter of the pairs of the 220 communes of the sample are seen again within it, half
of those of a synthetic cohort of 1,000 (each kept pair saves its arithmetic and its text, several times what the
key costs)."""


def _memo_key(details: NodeDetails, node_id: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...],
                                                          tuple[str, str] | None] | None:
    """What a criterion's text is kept by, when its values are of kinds whose text can be kept (``_KEY_PARTS``);
    None: written for every unit."""
    if details.nodes[node_id].rule is None:
        return None
    kinds, required, cohort = details.depends_on(node_id)
    usual = tuple((name, kind) for name, kind in kinds if kind in _KEY_PARTS)
    return (usual, required, cohort) if kinds and len(usual) == len(kinds) else None


Parts = list[tuple[bool, str]]
"""A text as the generated function writes it: fixed texts (True, the text) and expressions (False, the code)."""


def _merged(src: Source, parts: Parts) -> list[str]:
    """The expressions giving ``parts``: fixed texts next to each other as one constant (each field costs an f-string
    a step, each item a join)."""
    expressions, fixed = [], ""
    for is_fixed, part in parts + [(False, "")]:
        if is_fixed:
            fixed += part
            continue
        if fixed:
            expressions.append(src.k(fixed))
            fixed = ""
        if part:
            expressions.append(part)
    return expressions


def _fields(src: Source, parts: Parts) -> str:
    """The replacement fields of an f-string writing ``parts``."""
    return "".join(f"{{{expression}}}" for expression in _merged(src, parts))


def _node(src: Source, details: NodeDetails, i: int, plan: NodePlan, words: Words, node_id: str,
          fixed: tuple[Why, tuple[str, ...]] | None) -> Parts:
    """Write node ``i``'s block; the parts of its text returned. ``fixed``: the why and flags the node always has,
    if so. A value its details block read is in a local name (``NodeDetails.read``; the texts of a pair's parts
    too, ``pair_texts``); the others are read."""
    k = src.k
    read, pair_texts = details.read(node_id), details.pair_texts(node_id)
    parts: Parts
    if plan.first is not None:
        before, after = plan.first
        parts = [(True, before), (False, f"str(p{i})" if words.style == "json" else _points(src, words, f"p{i}")),
                 (True, after)]
    else:
        assert plan.firsts is not None
        parts = [(False, _kept(src, *plan.firsts, f"p{i}"))]
    for j, (name, before, kind) in enumerate(plan.reads):
        v = read.get(name)
        if v is None:
            src.add(1, f"v = {details.value(src, name)}")
        _value(src, f"b{i}_{j}", kind, words, v or "v", pair_texts.get(name) if v else None)
        parts += [(True, before), (False, f"b{i}_{j}")]
    if fixed is not None:
        return parts + [(True, _fixed_after_values(plan, words, *fixed))]
    _after_values(src, i, plan, words)
    return parts + [(False, f"c{i}")]


def _fixed_after_values(plan: NodePlan, words: Words, why: Any, flags: tuple[str, ...]) -> str:
    """A node's text after its values when it always has ``why`` (a why, or its text) and ``flags``, as
    ``_after_values`` writes it."""
    unflagged = plan.unflagged
    if flags or unflagged is None:
        return plan.rest(why, flags)
    if isinstance(unflagged, str):
        return unflagged
    branch = why if isinstance(why, str) else branch_of(why)
    if words.branch is not None:
        kept, work_out = words.branch
        branch = (kept.get(branch) if kept is not None else None) or work_out(branch)
    return unflagged[0] + branch + unflagged[1]


def _after_values(src: Source, i: int, plan: NodePlan, words: Words) -> None:
    """``c{i}``: node ``i``'s text after its values."""
    k, unflagged = src.k, plan.unflagged
    if unflagged is None:
        src.add(1, f"c{i} = {k(plan.rest)}(w{i}, f{i})")
        return
    src.add(1, f"if f{i}:")
    src.add(2, f"c{i} = {k(plan.rest)}(w{i}, f{i})")
    if isinstance(unflagged, str):
        src.add(1, "else:")
        src.add(2, f"c{i} = {k(unflagged)}")
        return
    before, after = unflagged
    src.add(1, f"elif type(w{i}) is str:")  # the branch's text, as the details block wrote it
    src.add(2, f"c{i} = f\"{{{k(before)}}}{{{_branch(src, f'w{i}', words)}}}{{{k(after)}}}\"")
    src.add(1, "else:")
    # a template not seen yet (None(...)), or an unusual why (IndexError): written the whole way
    src.add(2, "try:")
    if words.branch is None:  # the branch as it is, between the node's texts: one filler writes all three
        fillers: dict[str, Filler] = {}
        src.add(3, f"c{i} = {k(fillers.get)}(w{i}[0])(w{i})")
        src.add(2, "except (TypeError, IndexError):")
        src.add(3, f"c{i} = {k(_framed)}({k(fillers)}, {k(before)}, {k(after)}, w{i})")
        return
    src.add(3, f"c{i} = {k(_FILLERS.get)}(w{i}[0])(w{i})")
    src.add(2, "except (TypeError, IndexError):")
    src.add(3, f"c{i} = {k(branch_of)}(w{i})")
    src.add(2, f"c{i} = f\"{{{k(before)}}}{{{_branch(src, f'c{i}', words)}}}{{{k(after)}}}\"")


Filler = Callable[[Why], str]
_FILLERS: dict[str, Filler] = {}
"""For each branch template made of plain ``{}`` fields, a function writing a why's branch with it: an f-string of
the template's texts and ``str`` of each argument, as ``str.format`` writes them (``{}`` is ``format(x, "")``, which
is ``str`` for the numbers and texts a why holds), in half its time."""
_FILLERS_KEPT = 256


_TEXTS: dict[str, list[str]] = {}
"""The texts around the fields of each template kept in ``_FILLERS``."""


def branch_of(why: Why) -> str:
    """The branch of ``why`` as ``NodeResult.branch`` writes it; a filler of its template is kept when it can be
    made."""
    template, *arguments = why
    if isinstance(template, str) and len(_FILLERS) < _FILLERS_KEPT \
            and all(type(argument) in _SHOWN_BY_STR for argument in arguments):
        texts = texts_between_fields(template)
        if texts is not None and len(texts) == len(arguments) + 1 and len(texts) <= len(_FILL):
            _TEXTS[template] = texts
            _FILLERS[template] = _FILL[len(texts) - 1](*texts)
    return str(template).format(*arguments)


def _framed(fillers: dict[str, Filler], before: str, after: str, why: Why) -> str:
    """``before``, the branch of ``why`` and ``after``; the template's filler framed by the two is kept in
    ``fillers`` (one node's) when its template is kept."""
    branch = branch_of(why)
    texts = _TEXTS.get(why[0])
    if texts is not None:
        framed = list(texts)
        framed[0] = before + framed[0]
        framed[-1] += after
        fillers[why[0]] = _FILL[len(framed) - 1](*framed)
    return before + branch + after


_SHOWN_BY_STR = {Decimal, str, int}
"""The kinds of arguments that ``str`` writes as ``format`` does."""


def _fill0(t0: str) -> Filler:
    return lambda w: t0


def _fill1(t0: str, t1: str) -> Filler:
    return lambda w: f"{t0}{w[1]!s}{t1}"


def _fill2(t0: str, t1: str, t2: str) -> Filler:
    return lambda w: f"{t0}{w[1]!s}{t1}{w[2]!s}{t2}"


def _fill3(t0: str, t1: str, t2: str, t3: str) -> Filler:
    return lambda w: f"{t0}{w[1]!s}{t1}{w[2]!s}{t2}{w[3]!s}{t3}"


def _fill4(t0: str, t1: str, t2: str, t3: str, t4: str) -> Filler:
    return lambda w: f"{t0}{w[1]!s}{t1}{w[2]!s}{t2}{w[3]!s}{t3}{w[4]!s}{t4}"


def _fill5(t0: str, t1: str, t2: str, t3: str, t4: str, t5: str) -> Filler:
    return lambda w: f"{t0}{w[1]!s}{t1}{w[2]!s}{t2}{w[3]!s}{t3}{w[4]!s}{t4}{w[5]!s}{t5}"


_FILL: tuple[Callable[..., Filler], ...] = (_fill0, _fill1, _fill2, _fill3, _fill4, _fill5)
"""The filler of a template with 0, 1, ... fields, from the texts around them."""


def _branch(src: Source, branch: str, words: Words) -> str:
    """An expression giving the branch ``branch`` (its English text) as ``words`` show it."""
    if words.branch is None:
        return branch
    kept, work_out = words.branch
    if kept is None:
        return f"{src.k(work_out)}({branch})"
    shown = f"{src.k(kept.get)}({branch}) or {src.k(work_out)}({branch})"
    if words.signs_as_is:  # (most branches of a cohort's units are numbers and signs: no look-up, no call)
        return f"({branch} if {src.k('.')} not in {branch} and {branch}.upper() == {branch} else {shown})"
    return f"({shown})"


def _value(src: Source, target: str, kind: str | None, words: Words, v: str, parts: tuple[str, str] | None) -> None:
    """``target``: the text of ``v`` (a local name), an indicator's value; the check its kind makes likely comes
    first. ``parts``: the local names holding the texts of its parts when it is a pair, if any."""
    k = src.k
    other = f"{k(words.value)}({v})"
    if kind == "yesno":
        src.add(1, f"{target} = {k(words.yes)} if {v} is True else {k(words.no)} if {v} is False else {other}")
        return
    if kind == "category" and words.style == "text":
        src.add(1, f"{target} = {v} if type({v}) is str else {other}")
        return
    if kind == "pair":
        a, b = parts or (f"{v}.a!s", f"{v}.b!s")
        if words.style == "json":
            shown = f"f'{{{{\"a\": \"{{{a}}}\", \"b\": \"{{{b}}}\"}}}}'"
        else:
            shown = (f"f\"{{{_number(src, f'{v}.a', words, parts and parts[0])}}}/"
                     f"{{{_number(src, f'{v}.b', words, parts and parts[1])}}}\"")
        src.add(1, f"{target} = {shown} if type({v}) is {k(Pair)} else {other}")
        return
    if kind is None or kind == "category":
        src.add(1, f"{target} = {other}")
        return
    shown = f"f'\"{{{v}!s}}\"'" if words.style == "json" else _number(src, v, words)
    src.add(1, f"{target} = {shown} if type({v}) is {k(Decimal)} else {other}")


def _number(src: Source, value: str, words: Words, text: str | None = None) -> str:
    """An expression giving the text of the number ``value`` (kept by its exact text; ``text``: a local name already
    holding that text)."""
    assert words.numbers is not None
    kept, work_out = words.numbers
    s = text or "s"
    first = s if text else f"(s := str({value}))"
    if words.marks is None:
        return f"({src.k(kept.get)}({first}) or {src.k(work_out)}({value}))"
    # a count below 1000 is shown as written in every language: no look-up (data show many, of every value)
    grouped = f"{s}[:-3] + {src.k(words.marks[0])} + {s}[-3:]"  # (str of a Decimal has no leading zero)
    return (f"({s} if len({first}) < 4 and {s}.isdigit() else {grouped} if len({s}) < 7 and {s}.isdigit() else "
            f"{src.k(kept.get)}({s}) or {_decimal(src, s, value, words)})")


def _decimal(src: Source, s: str, value: str, words: Words) -> str:
    """An expression giving the text of the number ``value``, written ``s``: as the marks say when it is below 1000
    with a point, else worked out (and kept)."""
    assert words.numbers is not None and words.marks is not None
    (kept, work_out), (_, point, digits, most) = words.numbers, words.marks
    k = src.k
    shown = s if point == "." else f"{s}.replace({k('.')}, {k(point)})"
    # kept as worked out (a cohort shows a few over and over), at most ``most`` (the store's own bound)
    shown = f"({k(kept.setdefault)}({s}, {shown}) if len({k(kept)}) < {k(most)} else {shown})"
    return (f"({shown} if -1 < {s}.find({k('.')}) < 4 and len({s}) <= {k(digits + 1)} and "
            f"{s}.replace({k('.')}, {k('')}, 1).isdigit() else {k(work_out)}({value}))")


def _points(src: Source, words: Words, value: str) -> str:
    """An expression giving the text of the points ``value`` (kept by their exact text, or as the marks say)."""
    assert words.numbers is not None
    if words.marks is None:
        return _kept(src, *words.numbers, value)
    return f"({src.k(words.numbers[0].get)}(s := str({value})) or {_decimal(src, 's', value, words)})"


def _kept(src: Source, kept: dict[str, str], work_out: Callable[[Decimal], str], value: str) -> str:
    """An expression giving the text of the number ``value``, kept by its exact text."""
    return f"({src.k(kept.get)}(str({value})) or {src.k(work_out)}({value}))"


def unit_writer(nodes: NodeResults, key: object, plan: Callable[..., tuple[list[NodePlan], Words, str]],
                *arguments: Any) -> tuple[UnitWriter, Mapping[str, Any], Mapping[str, tuple[str, ...]],
                                          Mapping[tuple[str, str], Decimal]] | None:
    """The generated writer of ``nodes``' tier kept under ``key`` (made once, from ``plan(*arguments, shape)``) and
    what it reads of the unit; None when the tier's details are not ``codegen``'s."""
    explain_unit, values, evidence, cohort_max = nodes.unit_inputs()
    details = node_details(explain_unit)
    if details is None:
        return None
    shape = nodes.shape
    writers = details.writers
    kept: tuple[TierShape, UnitWriter] | None = writers.get(key)
    if kept is None or (kept[0] is not shape and kept[0] != shape):
        if len(writers) >= WRITERS_KEPT:
            writers.clear()
        kept = writers[key] = (shape, fused_writer(details, *plan(*arguments, shape)))
    return kept[1], values, evidence, cohort_max


WRITERS_KEPT = 16
"""At most this many writers are kept per tier (one per language and decimal context of explanations, one for JSON:
a program uses a few); beyond, they are made again."""
