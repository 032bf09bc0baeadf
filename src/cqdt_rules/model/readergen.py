"""One straight-line Python function per tier that reads the values of an assessment the way data usually hold
them, generated once from what ``model.units`` worked out for each indicator.

``model.units`` checks a tier's values with one quick reader per indicator (``_quick_reader``), which gives
exactly what the whole check (``coerce_value``) gives or raises ``Unsure`` for anything else. Calling 20-odd
readers per unit, each through a dict comprehension, costs more than the reading itself; this module writes
the common case of each reader (a yes/no or category word found in a table, a number found by its text in a
table of the numbers read so far, a pair of two counts) inline in one function, which calls the indicator's
quick reader for any other input, and raises ``Unsure`` where that reader would: the caller then checks the
unit's values the whole way, so every message, position and kind of error stays the reference checker's.

No text of the ruleset reaches the generated source: indicator names, word tables, bounds and readers are
entries of a constants table ``K``, unpacked into the names ``k0``, ``k1``, ...; the source is made of this
module's fragments and names made from positions. ``tests/test_value_checks.py`` holds the generated reader
to the whole check on generated values, valid and invalid."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import CodeType
from typing import Any, NamedTuple

from cqdt_rules.model.numbers import NumberError, read_number
from cqdt_rules.model.units import IndicatorValues

Reader = Callable[[Any], Any]
# How each value is read: named tuples, which cost a tenth of an attrs class to make (every scoring process does)


class Absent(NamedTuple):
    """An indicator that must be absent (audit-only, before the audit): None, or ``Unsure``."""


class Word(NamedTuple):
    """A yes/no or category: a text found in ``table`` (as written → value, never None), else ``fallback``."""

    table: Mapping[str, Any]
    fallback: Reader


class Number(NamedTuple):
    """A number: a text is looked up in ``_COUNTS`` (whole numbers written in digits) when ``whole``, else in
    ``_NUMBERS`` (any number written as text), and must lie within ``low..high``; anything else goes to
    ``fallback``."""

    low: Decimal
    high: Decimal
    whole: bool
    fallback: Reader


class CountPair(NamedTuple):
    """A pair of counts (no range declared): a list of two digit texts is read at once (``a > b`` is refused
    unless ``may_exceed``), anything else goes to ``fallback``."""

    may_exceed: bool
    fallback: Reader


class Other(NamedTuple):
    """Any other indicator: its quick reader alone."""

    fallback: Reader


FastRead = Absent | Word | Number | CountPair | Other


class _Source:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: list[Any] = []

    def k(self, value: Any) -> str:
        """A reference to ``value`` in the constants table (the only way a ruleset's values get in)."""
        self.constants.append(value)
        return f"k{len(self.constants) - 1}"

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


_KNOWN_TEXTS = 16_384
_LONGEST_KEPT = 32


class KnownNumbers(dict[Any, Any]):
    """Numbers read from text, by the text (``"1281"`` → ``Decimal(1281)``), as ``read`` reads them (None for a text
    it refuses, or a value of another type): data repeat their numbers, and a dict look-up costs a fraction of
    reading the text again. At most ``_KNOWN_TEXTS`` texts of at most ``_LONGEST_KEPT`` characters are kept."""

    def __init__(self, read: Callable[[Any], Decimal | None]):
        super().__init__()
        self.read = read

    def __missing__(self, raw: Any) -> Decimal | None:
        number = self.read(raw)
        if number is not None and len(self) < _KNOWN_TEXTS and len(raw) <= _LONGEST_KEPT:
            self[raw] = number
        return number


def count_of(raw: Any) -> Decimal | None:
    """The count written in ``raw``, a text of fewer than 16 ASCII digits (as ``read_number`` reads it), or None."""
    if type(raw) is str and len(raw) < 16 and raw.isascii() and raw.isdigit():
        return Decimal(raw)
    return None


def number_of(raw: Any) -> Decimal | None:
    """The number written in ``raw``, a text (as ``read_number`` reads it), or None."""
    if type(raw) is not str:
        return None
    try:
        return read_number(raw)
    except NumberError:
        return None


_COUNTS = KnownNumbers(count_of)
_NUMBERS = KnownNumbers(number_of)


class KnownPairs(dict[Any, Any]):
    """Pairs of counts by their two texts (``("3", "5")`` → ``pair(3, 5)``), or None for texts that are not two
    counts or, when ``ordered``, for ``a > b``: the same pairs recur from unit to unit, and one shared (frozen) pair
    each spares making one per value, and the garbage collector scanning it. At most ``_KNOWN_TEXTS`` pairs are kept."""

    def __init__(self, pair: Callable[[Decimal, Decimal], Any], ordered: bool):
        super().__init__()
        self.pair, self.ordered = pair, ordered

    def __missing__(self, texts: tuple[Any, Any]) -> Any:
        a, b = _COUNTS[texts[0]], _COUNTS[texts[1]]
        if a is None or b is None or (self.ordered and a > b):
            return None
        found = self.pair(a, b)
        if len(self) < _KNOWN_TEXTS:
            self[texts] = found
        return found


@functools.lru_cache(maxsize=8)
def known_pairs(pair: Callable[[Decimal, Decimal], Any], ordered: bool) -> KnownPairs:
    """The one ``KnownPairs`` of a kind of pair, ordered or not."""
    return KnownPairs(pair, ordered)


def generate(reads: Sequence[tuple[str, FastRead]], unsure: type[Exception], pair: type,
             index: Mapping[str, int] | None = None) -> tuple[str, list[Any]]:
    """The source of ``read(values)`` (the values of ``reads`` as an ``IndicatorValues`` over ``index``, which
    gives each name of ``reads`` its position in that order, made here when not given, or ``unsure`` raised) and
    its constants table.

    The inline cases look values up in tables (words, numbers by their text) without checking their type first:
    a table holds texts only, which no value of another type equals (a text of a ``str`` subclass is read as its
    text). A value that cannot be looked up (a list, a dict) raises ``TypeError``, and the whole unit is left to the
    whole way (``unsure``). Values are read with ``get``, whatever the mapping (a CSV row reads a cell when asked)."""
    src = _Source()
    if index is None:
        index = {name: position for position, (name, _) in enumerate(reads)}
    fail, counts, numbers = src.k(unsure), src.k(_COUNTS), src.k(_NUMBERS)
    pairs = {ordered: src.k(known_pairs(pair, ordered)) for ordered in (True, False)}
    src.add(1, "def read(values):")
    src.add(2, "get = values.get")
    src.add(2, "try:")
    for i, (name, how) in enumerate(reads):
        v = f"v{i}"
        if isinstance(how, Absent):
            src.add(3, f"if get({src.k(name)}) is not None:")
            src.add(4, f"raise {fail}")
            src.add(3, f"{v} = None")
            continue
        src.add(3, f"r = get({src.k(name)})")
        if isinstance(how, Other):
            src.add(3, f"{v} = {src.k(how.fallback)}(r)")
        elif isinstance(how, Word):
            src.add(3, f"{v} = {src.k(how.table)}.get(r)")
            src.add(3, f"if {v} is None:")
            src.add(4, f"{v} = {src.k(how.fallback)}(r)")
        elif isinstance(how, Number):
            src.add(3, f"{v} = {counts if how.whole else numbers}[r]")
            src.add(3, f"if {v} is None:")
            src.add(4, f"{v} = {src.k(how.fallback)}(r)")
            src.add(3, f"elif not {src.k(how.low)} <= {v} <= {src.k(how.high)}:")
            src.add(4, f"raise {fail}")
        else:
            _count_pair(src, how, v, pairs[not how.may_exceed])
    src.add(2, "except TypeError:")
    src.add(3, f"raise {fail} from None")
    # the view made without its ``__init__`` (a call of Python code per unit): its two slots set
    slots: dict[str, Any] = dict(vars(IndicatorValues))  # the descriptors of its slots
    made, new, index_slot, row_slot = "m", src.k(object.__new__), src.k(slots["index"].__set__), src.k(slots["row"].__set__)
    src.add(2, f"{made} = {new}({src.k(IndicatorValues)})")
    src.add(2, f"{index_slot}({made}, {src.k(index)})")
    src.add(2, f"{row_slot}({made}, (" + "".join(f"v{i}, " for i in range(len(reads))) + "))")
    src.add(2, f"return {made}")
    head = ["def factory(K):", f"    {', '.join(f'k{i}' for i in range(len(src.constants)))}, = K"]
    return "\n".join(head + src.lines + ["    return read"]) + "\n", src.constants


def _count_pair(src: _Source, how: CountPair, v: str, pairs: str) -> None:
    """A list of two counts, found in ``pairs`` (``KnownPairs``); anything else goes to the indicator's quick reader:
    a list of another length, parts that are no counts, ``a > b`` where refused (None in ``pairs``)."""
    fallback = src.k(how.fallback)
    src.add(3, "if type(r) is list:")
    src.add(4, "try:")
    src.add(5, "x, y = r")
    src.add(5, f"{v} = {pairs}[x, y]")
    src.add(4, "except (TypeError, ValueError):")
    src.add(5, f"{v} = None")
    src.add(4, f"if {v} is None:")
    src.add(5, f"{v} = {fallback}(r)")
    src.add(3, "else:")
    src.add(4, f"{v} = {fallback}(r)")


def reader(reads: Sequence[tuple[str, FastRead]], unsure: type[Exception], pair: type,
           index: Mapping[str, int] | None = None) -> Callable[[Mapping[str, Any]], IndicatorValues]:
    """The generated ``read`` of ``reads`` (see ``generate``), compiled once per source."""
    if index is not None and list(index.items()) != [(name, position) for position, (name, _) in enumerate(reads)]:
        raise ValueError("the index of a reader's values gives each value read its position")
    source, constants = generate(reads, unsure, pair, index)
    namespace: dict[str, Any] = {}
    exec(_compiled(source), namespace)
    read: Callable[[Mapping[str, Any]], IndicatorValues] = namespace["factory"](tuple(constants))
    return read


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> CodeType:
    """A tier's source is the same each time its checks are worked out: compiled once per process, and kept
    between processes by ``keep_code_with`` when the engine is loaded (compiling takes 7-13 ms a tier, more than
    checking a few hundred units gains)."""
    if _keeper is not None:
        return _keeper(source)
    return compile(source, "<cqdt generated value reader>", "exec")


_keeper: Callable[[str], CodeType] | None = None


def keep_code_with(compiled: Callable[[str], CodeType]) -> None:
    """Compile the readers' sources with ``compiled`` (source → code), which keeps code between runs: the engine's
    (``engine.codegen``), which keeps it in the private cache folder, a stage this one may not import."""
    global _keeper
    _keeper = compiled
