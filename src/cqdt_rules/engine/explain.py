"""Render one unit's result as text: every node's points, the inputs read, the branch taken, provenance."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal, getcontext
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from cqdt_rules.engine.compiler import NodeResult, NodeResults, TierShape, Why, node_rows
from cqdt_rules.engine.writergen import NodePlan, Words, unit_writer
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import branch_text
from cqdt_rules.model.ruleset import Tier
from cqdt_rules.model.units import Assessment, Pair


class _Level(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def unmet(self) -> tuple[str, ...]: ...


class _Rank(Protocol):
    @property
    def ranking(self) -> str: ...
    @property
    def rank(self) -> int: ...
    @property
    def of(self) -> int: ...
    @property
    def group(self) -> str: ...


class ExplainedUnit(Protocol):
    """What an explanation reads of a unit's result (``results.UnitResult`` has it; this module does
    not import ``results``, which calls it)."""

    @property
    def assessment(self) -> Assessment: ...
    @property
    def tier(self) -> Tier: ...
    @property
    def nodes(self) -> Mapping[str, NodeResult]: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def max(self) -> Decimal: ...
    @property
    def outputs(self) -> Mapping[str, Decimal | None]: ...
    @property
    def levels(self) -> Mapping[str, _Level]: ...
    @property
    def ranks(self) -> Mapping[str, _Rank]: ...


_WORDS = {
    "vi": {"district": "huyện", "total": "tổng điểm", "not_higher": "chưa lên mức cao hơn vì", "rank": "hạng",
           "read": "số liệu", "why": "cách tính", "flags": "ghi chú", "provenance": "nguồn",
           "not assessed": "(chưa đánh giá)", "yes": "có", "no": "không", "year": "năm", "tier": "khối"},
    "en": {"district": "district", "total": "total", "not_higher": "not higher", "rank": "rank",
           "read": "read", "why": "why", "flags": "flags", "provenance": "provenance",
           "not assessed": "(not assessed)", "yes": "yes", "no": "no", "year": "", "tier": "tier"},
}
_SOURCES = {"vi": {"self": "tự đánh giá", "audit": "thẩm định"}, "en": {"self": "self", "audit": "audit"}}
_FLAGS_VI = {"not assessed": "chưa đánh giá", "missing evidence": "thiếu tài liệu kiểm chứng", "capped": "vượt tối đa",
             "floored": "nâng lên 0", "informational": "chỉ để thông tin", "cohort best is 0": "cao nhất trong nhóm bằng 0"}


def flag_text(flag: str, lang: str) -> str:
    """A node's flag (``capped``, ``missing evidence``) as ``lang`` shows it."""
    return _FLAGS_VI.get(flag, flag) if lang == "vi" else flag


_STATUS_VI = {"official": "chính thức", "reconstructed": "tái dựng", "hypothetical": "giả định"}


Shown = tuple[str, int, str]
"""How an explanation shows numbers: its language, and the precision and rounding of the caller's decimal context
(``format_number`` rounds a number of more digits than the precision, as the context's rounding says). The texts
this module keeps (numbers, translated branches, a node's lines) are kept for one such way, never read in another."""


def _shown(lang: str) -> Shown:
    """How numbers are shown in ``lang`` in the current decimal context."""
    context = getcontext()
    return lang, context.prec, context.rounding


def _value_text(value: Any, shown: Shown) -> str:
    if value is None:
        return _WORDS[shown[0]]["not assessed"]
    if isinstance(value, bool):
        return _WORDS[shown[0]]["yes" if value else "no"]
    if isinstance(value, Pair):
        return f"{_number(value.a, shown)}/{_number(value.b, shown)}"
    if isinstance(value, Decimal):
        return _number(value, shown)
    return str(value)


class _Stores(dict[Shown, dict[str, str]]):
    """Texts kept for each way of showing numbers, a store made the first time a way is asked for (at most
    ``_SHOWN_KEPT`` ways: a program uses one or two decimal contexts; beyond, the stores start again, and a writer
    made for a way dropped keeps its own store, bounded the same)."""

    def __missing__(self, shown: Shown) -> dict[str, str]:
        if len(self) >= _SHOWN_KEPT:
            self.clear()
        store: dict[str, str] = {}
        self[shown] = store
        return store


_SHOWN_KEPT = 16
_NUMBERS = _Stores()  # ``format_number`` by the number's text
_BRANCHES = _Stores()  # ``branch_text`` by the English text
_KEPT = 4096  # texts kept in each store of the module; beyond, the store starts again
KEPT_PER_NODE = 256  # texts kept per node (its JSON front): a node shows a few points over and over


def _number(value: Decimal, shown: Shown) -> str:
    """``format_number(value, lang)``, kept by the number's exact text (``str`` keeps every digit and the exponent,
    so equal texts format alike): a cohort shows the same few points and values over and over."""
    return _NUMBERS[shown].get(str(value)) or _new_number(shown, value)


def _new_number(shown: Shown, value: Decimal) -> str:
    """``format_number(value, lang)``, kept by the number's text (``keep`` written out: a cohort's values and points
    are often new)."""
    key = str(value)
    text = _plain(key, shown[0]) or format_number(value, shown[0])
    store = _NUMBERS[shown]
    if len(store) >= _KEPT:
        store.clear()
    store[key] = text
    return text


def _number_once(value: Decimal, shown: Shown) -> str:
    """``format_number(value, lang)`` of a number seldom shown again (a unit's total), not kept: a cohort's totals,
    nearly all different, would fill the store and empty it over and over, and the points kept with it."""
    return _plain(str(value), shown[0]) or format_number(value, shown[0])


def _plain(text: str, lang: str) -> str | None:
    """``format_number`` of the number written ``text`` when it is plain (digits with a point or not, no sign or
    exponent, within the context's precision): its digits as written, thousands grouped, with the language's marks;
    else None. Data and points are
    mostly such numbers, and a cohort shows more of them than a store keeps."""
    whole, point, fraction = text.partition(".")
    if not whole.isdigit() or (point and not fraction.isdigit()) or len(text) - len(point) > getcontext().prec:
        return None  # (format_number writes a number of more digits than the context's precision rounded)
    english = lang == "en"
    if len(whole) > 3:
        if len(whole) <= 6:  # one group mark (str of a Decimal has no leading zero; the writers' ``marks``)
            whole = whole[:-3] + ("," if english else ".") + whole[-3:]
        else:
            whole = f"{int(whole):,}" if english else f"{int(whole):,}".replace(",", ".")
    return whole + ("." if english else ",") + fraction if point else whole


def _marks(shown: Shown) -> tuple[str, str, int, int] | None:
    """The marks ``_plain`` writes (before the last three digits of a whole number of four to six digits, and for the
    point), the most digits it writes as they are (the precision) and the texts a store keeps, for the generated
    writers (``Words.marks``);
    None when the precision is below six digits."""
    if shown[1] < 6:
        return None
    return ("," if shown[0] == "en" else "."), ("." if shown[0] == "en" else ","), shown[1], _KEPT


_Kept = TypeVar("_Kept")


def keep(store: dict[Any, _Kept], key: Any, text: _Kept, most: int) -> _Kept:
    """``text`` (or anything worked out once), put in ``store`` by ``key`` (the store emptied first when it holds
    ``most``: what a cohort shows over and over is soon back, and the store never grows without bound)."""
    if len(store) >= most:
        store.clear()
    store[key] = text
    return text


def explain_unit(unit: ExplainedUnit, lang: str = "en", identity: Assessment | None = None) -> str:
    """Every node's points with the values read, the branch taken, flags and provenance, in ``lang``
    (numbers in its format; the ruleset's own titles as written, or their English title in English). ``identity``:
    an assessment with the unit's code, name, year, source and parent (its ``assessment`` when not given)."""
    shown = _shown(lang)
    frame = _frame(unit.tier, shown)
    head = f"{_header(identity or unit.assessment, frame)}\n{_summary(unit, frame, shown)}"
    nodes = unit.nodes
    if isinstance(nodes, NodeResults) and len(nodes):  # a tier scored by generated functions: so is its writer
        found = unit_writer(nodes, frame.writer, writer_plan, unit.tier, lang)
        if found is not None:
            write, values, evidence, cohort_max = found
            return write(values, evidence, cohort_max, head + "\n", "")
    lines = [head]
    texts = _node_texts(unit.tier, shown)
    for node_id, points, why, flags, reads, values in node_rows(nodes):
        _node_lines(lines, texts[node_id], points, why, flags, reads, values, shown)
    return "\n".join(lines)


class _Frame(NamedTuple):
    """What the first two lines of a tier's explanations say whatever the unit, set out once per tier and way of
    showing numbers."""

    words: dict[str, str]
    sources: dict[str, str]
    writer: tuple[str, Shown]  # the key of the tier's generated writer (``_WRITER``)
    of_max: str  # " / " and the tier's maximum
    in_tier: str  # where a ranking of the whole tier ranks
    rankings: dict[str, str]  # each ranking's name as shown, by its name
    abouts: dict[tuple[int, str], str]  # " (tier, year, source)", by year and source (at most ``_ABOUTS_KEPT``)


_ABOUTS_KEPT = 64


def _frame(tier: Tier, shown: Shown) -> _Frame:
    """The ``_Frame`` of the tier shown so (its maximum is every unit's: ``UnitResult.max``)."""
    frame: _Frame | None = tier.memo.get((_Frame, shown))
    if frame is None:
        words = _WORDS[shown[0]]
        rankings = {r.name: r.label if shown[0] == "vi" else r.name for r in tier.rankings}
        frame = tier.memo[(_Frame, shown)] = _Frame(words, _SOURCES[shown[0]], (_WRITER, shown),
                                                    f" / {_number(tier.max, shown)}", f"{words['tier']} {tier.id}",
                                                    rankings, {})
    return frame


def _header(a: Assessment, frame: _Frame) -> str:
    """The unit's code and name, tier, year, source and district."""
    about = frame.abouts.get((a.year, a.source))
    if about is None:
        year = f"{frame.words['year']} {a.year}".strip()
        about = keep(frame.abouts, (a.year, a.source),
                     f" ({frame.in_tier}, {year}, {frame.sources.get(a.source, a.source)})", _ABOUTS_KEPT)
    if a.parent:
        return f"{a.code} {a.name}{about}, {frame.words['district']} {a.parent}"
    return f"{a.code} {a.name}{about}"


_WRITER = "explanation writer"
"""With the way numbers are shown (``Shown``), the key of the tier's generated writer of explanations, which writes
the lines of every node as ``_node_lines`` does (and keeps texts for that way alone)."""


def writer_plan(tier: Tier, lang: str, shape: TierShape) -> tuple[list[NodePlan], Words, str]:
    """What ``writergen`` writes of each node of the tier (in the order of ``shape``) in ``lang`` and the current
    decimal context, how it writes values and branches, and what it writes between two nodes."""
    shown = _shown(lang)
    texts = _node_texts(tier, shown)
    kinds = {indicator.name: indicator.kind for indicator in tier.indicators}
    plans = [_plan(texts[node_id], () if texts[node_id].is_group else reads, kinds, shown)
             for node_id, reads in zip(shape.order, shape.reads)]
    words = _WORDS[lang]
    branches = None if lang == "en" else (_BRANCHES[shown], functools.partial(_translated, shown))
    return plans, Words("text", words["yes"], words["no"], functools.partial(_value_text, shown=shown),
                        (_NUMBERS[shown], functools.partial(_new_number, shown)), branches, signs_as_is=True,
                        marks=_marks(shown)), "\n"


def _plan(text: _NodeText, reads: tuple[str, ...], kinds: Mapping[str, str], shown: Shown) -> NodePlan:
    values = tuple((name, ("\n" + text.read if j == 0 else ", ") + f"{name} = ", kinds.get(name))
                   for j, name in enumerate(reads))
    unflagged = "" if text.is_group else ("\n" + text.why, "" if text.provenance is None else "\n" + text.provenance)
    return NodePlan((text.head, text.of_max), None, values, unflagged, functools.partial(_rest, text, shown))


def _rest(text: _NodeText, shown: Shown, why: Why, flags: tuple[str, ...]) -> str:
    """A node's lines after the values it read, each after a line end (kept by the why and flags objects)."""
    tail = text.tails.get(why, flags)
    if tail is None:
        tail = text.tails.put(why, flags, _tail(text, why, flags, shown))
    return "\n" + tail if tail else ""


class _NodeText(NamedTuple):
    """What a node's lines say whatever the unit, set out once per tier and way of showing numbers, and the lines
    after the values read it showed lately, by the why and flags objects."""

    head: str  # indent, id and title, up to the points
    of_max: str  # " / " and the maximum
    indent: str  # of the lines under the node's
    is_group: bool
    read: str  # the read line up to the values
    why: str  # the why line up to the branch
    flags: str  # the flags line up to the flags
    provenance: str | None  # the provenance line
    tails: SameObjects[str]  # the lines after the values read (why, flags, provenance), by why and flags


def _node_texts(tier: Tier, shown: Shown) -> dict[str, _NodeText]:
    """The ``_NodeText`` of every node of the tier shown so, set out once per tier."""
    kept: dict[str, _NodeText] | None = tier.memo.get((_NodeText, shown))
    if kept is None:
        kept = tier.memo[(_NodeText, shown)] = _set_out(tier, shown[0])
    return kept


def _set_out(tier: Tier, lang: str) -> dict[str, _NodeText]:
    words, depth = _WORDS[lang], tier.depths
    texts: dict[str, _NodeText] = {}
    for node in tier.walk():
        indent = "  " * (depth.get(node.id, 0) + 1) + "  "
        title = node.title_en if lang == "en" and node.title_en else node.title
        provenance = None
        if node.provenance is not None:
            status = node.provenance.status
            shown = _STATUS_VI.get(status, status) if lang == "vi" else status
            provenance = f"{indent}{words['provenance']} ({shown}): {node.provenance.text}"
        texts.setdefault(node.id, _NodeText(f"{indent[:-2]}{node.id} {title}: ", f" / {format_number(node.max, lang)}",
                                            indent, node.rule is None, f"{indent}{words['read']}: ",
                                            f"{indent}{words['why']}: ", f"{indent}{words['flags']}: ", provenance,
                                            SameObjects()))
    return texts


def _summary(unit: ExplainedUnit, frame: _Frame, shown: Shown) -> str:
    words = frame.words
    summary = f"{words['total']} {_number_once(unit.total, shown)}{frame.of_max}"
    for name, value in unit.outputs.items():
        summary += f"; {name} = {format_number(value, shown[0])}"
    for level in unit.levels.values():
        summary += f"; {level.label}"
        if level.unmet:
            summary += f" ({words['not_higher']}: {'; '.join(level.unmet)})"
    tier_id = unit.tier.id
    for rank in unit.ranks.values():
        where = f"{words['district']} {rank.group}" if rank.group != tier_id else frame.in_tier
        name = frame.rankings.get(rank.ranking, rank.ranking)
        summary += f"; {words['rank']} {rank.rank}/{rank.of} ({name}, {where})"
    return summary


def _node_lines(lines: list[str], text: _NodeText, points: Decimal, why: Why, flags: tuple[str, ...],
                reads: tuple[str, ...], values: Mapping[str, Any], shown: Shown) -> None:
    """Append one node's lines to ``lines``."""
    lines.append(text.head + _number(points, shown) + text.of_max)
    if reads and not text.is_group:
        lines.append(text.read + ", ".join([f"{name} = {_value_text(values.get(name), shown)}" for name in reads]))
    tail = text.tails.get(why, flags)
    if tail is None:
        tail = text.tails.put(why, flags, _tail(text, why, flags, shown))
    if tail:
        lines.append(tail)


def _tail(text: _NodeText, why: Why, flags: tuple[str, ...], shown: Shown) -> str:
    """A node's lines after the values it read: a criterion's why, flags and provenance; a group's branch when it
    was capped (else nothing)."""
    if text.is_group:
        return text.indent + _branch(why, shown) if "capped" in flags else ""
    lines = [text.why + _branch(why, shown)]
    if flags:
        lines.append(text.flags + ", ".join(flag_text(f, shown[0]) for f in flags))
    if text.provenance is not None:
        lines.append(text.provenance)
    return "\n".join(lines)


T = TypeVar("T")


class SameObjects(Generic[T]):
    """Text worked out from a node's why and flags, kept by those very objects. The engines give every unit that
    takes a branch naming nothing of the unit's own the same why and flags (tuples of the compiled ruleset), so
    a cohort's units share a handful per node; a why naming the unit's values is new for each unit and is worked
    out each time. Kept by the why's id with both objects, which keeps that id from being given to another
    object while kept (a why equal to a kept one but not the same object is worked out again: equal decimals
    may be written differently, 7.5 and 7.50); at most ``SAME_OBJECTS_KEPT`` entries, then the store starts again."""

    __slots__ = ("kept",)

    def __init__(self) -> None:
        self.kept: dict[int, tuple[object, object, T]] = {}

    def get(self, why: object, flags: object) -> T | None:
        kept = self.kept.get(id(why))
        if kept is not None and kept[0] is why and kept[1] is flags:
            return kept[2]
        return None

    def put(self, why: object, flags: object, text: T) -> T:
        if len(self.kept) >= SAME_OBJECTS_KEPT:
            self.kept.clear()
        self.kept[id(why)] = (why, flags, text)
        return text


SAME_OBJECTS_KEPT = 16


def _branch(why: Why, shown: Shown) -> str:
    """The branch taken in ``lang``: ``NodeResult.branch``, in Vietnamese through ``branch_text`` (kept by the
    English text, which a cohort's units share for most of their nodes)."""
    template, *arguments = why
    branch = str(template).format(*arguments)
    if shown[0] == "en":
        return branch
    return _BRANCHES[shown].get(branch) or _translated(shown, branch)


def _translated(shown: Shown, branch: str) -> str:
    """``branch_text(branch, lang)``, kept by the English text. A branch of numbers and signs alone (``12/20 × 3``,
    no decimal point) is its own translation: every phrase ``branch_text`` translates has a lowercase letter. A
    branch that starts with a number or a pair's parts and a space (``12/20 below every band → 0``) is translated
    as two texts, the rest kept: no phrase starts with a digit, a point, a slash or a minus sign, and a decimal
    number is told by what is next to it, which a space and the end of a text are alike to (a cohort's units show
    such branches with their own values: kept whole, each would be worked out again)."""
    if "." not in branch and _LOWERCASE.search(branch) is None:
        return branch
    numbers, space, rest = branch.partition(" ")
    if space and _NUMBERS_AND_SIGNS.fullmatch(numbers):
        kept = _BRANCHES[shown].get(rest) or keep(_BRANCHES[shown], rest, branch_text(rest, shown[0]), _KEPT)
        return (numbers if "." not in numbers else branch_text(numbers, shown[0])) + space + kept
    return keep(_BRANCHES[shown], branch, branch_text(branch, shown[0]), _KEPT)


_LOWERCASE = re.compile("[a-z]")
_NUMBERS_AND_SIGNS = re.compile(r"[0-9./-]+")

