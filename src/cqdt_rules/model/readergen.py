"""One straight-line Python function per tier that reads the values of an assessment the way data usually hold
them, generated once from what ``model.units`` worked out for each indicator.

``model.units`` checks a tier's values with one quick reader per indicator (``_quick_reader``), which gives
exactly what the whole check (``coerce_value``) gives or raises ``Unsure`` for anything else. Calling 20-odd
readers per unit, each through a dict comprehension, costs more than the reading itself; this module writes
the common case of each reader (a yes/no or category word found in a table, a count written in digits, a pair
of two counts) inline in one function, which calls the indicator's quick reader for any other input, and
raises ``Unsure`` where that reader would: the caller then checks the unit's values the whole way, so every
message, position and kind of error stays the reference checker's.

No text of the ruleset reaches the generated source: indicator names, word tables, bounds and readers are
entries of a constants table ``K``, unpacked into the names ``k0``, ``k1``, ...; the source is made of this
module's fragments and names made from positions. ``tests/test_value_checks.py`` holds the generated reader
to the whole check on generated values, valid and invalid."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import CodeType
from typing import Any

import attrs

Reader = Callable[[Any], Any]


@attrs.frozen
class Absent:
    """An indicator that must be absent (audit-only, before the audit): None, or ``Unsure``."""


@attrs.frozen
class Word:
    """A yes/no or category: a text found in ``table`` (as written → value, never None), else ``fallback``."""

    table: Mapping[str, Any]
    fallback: Reader


@attrs.frozen
class Count:
    """A number: text of fewer than 16 ASCII digits is read at once and must lie within ``low..high``,
    anything else goes to ``fallback``."""

    low: Decimal
    high: Decimal
    fallback: Reader


@attrs.frozen
class CountPair:
    """A pair of counts (no range declared): a list of two digit texts is read at once (``a > b`` is refused
    unless ``may_exceed``), anything else goes to ``fallback``."""

    may_exceed: bool
    fallback: Reader


@attrs.frozen
class Other:
    """Any other indicator: its quick reader alone."""

    fallback: Reader


FastRead = Absent | Word | Count | CountPair | Other


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
_COUNTS: dict[str, Decimal] = {}
"""Counts read from text, by the text (``"1281"`` → ``Decimal(1281)``): data repeat their counts, and a dict look-up
costs a third of reading the text again. At most ``_KNOWN_TEXTS`` are kept (a few megabytes)."""


def count_of(raw: Any) -> Decimal | None:
    """The count written in ``raw``, a text of fewer than 16 ASCII digits (kept in ``_COUNTS``), or None."""
    if type(raw) is str and len(raw) < 16 and raw.isascii() and raw.isdigit():
        number = Decimal(raw)
        if len(_COUNTS) < _KNOWN_TEXTS:
            _COUNTS[raw] = number
        return number
    return None


def generate(reads: Sequence[tuple[str, FastRead]], unsure: type[Exception], pair: type) -> tuple[str, list[Any]]:
    """The source of ``read(values)`` (the values of ``reads``, by name in that order, or ``unsure`` raised)
    and its constants table."""
    src = _Source()
    fail, known, read_count = src.k(unsure), src.k(_COUNTS.get), src.k(count_of)
    # a pair made as attrs' __init__ makes it (it sets each slot through object.__setattr__), without the call
    make_pair = (src.k(object.__new__), src.k(pair), src.k(pair.a.__set__), src.k(pair.b.__set__))  # type: ignore[attr-defined]
    src.add(1, "def read(values):")
    src.add(2, "get = values.get")
    for i, (name, how) in enumerate(reads):
        v, raw = f"v{i}", f"get({src.k(name)})"
        if isinstance(how, Absent):
            src.add(2, f"if {raw} is not None:")
            src.add(3, f"raise {fail}")
            src.add(2, f"{v} = None")
            continue
        src.add(2, f"r = {raw}")
        if isinstance(how, Other):
            src.add(2, f"{v} = {src.k(how.fallback)}(r)")
        elif isinstance(how, Word):
            src.add(2, f"{v} = {src.k(how.table)}.get(r) if type(r) is str else None")
            src.add(2, f"if {v} is None:")
            src.add(3, f"{v} = {src.k(how.fallback)}(r)")
        elif isinstance(how, Count):
            _count(src, v, "r", known, read_count)
            src.add(2, f"if {v} is None:")
            src.add(3, f"{v} = {src.k(how.fallback)}(r)")
            src.add(2, f"elif not {src.k(how.low)} <= {v} <= {src.k(how.high)}:")
            src.add(3, f"raise {fail}")
        else:
            _count_pair(src, how, v, fail, make_pair, known, read_count)
    src.add(2, "return {" + "".join(f"{src.k(name)}: v{i}, " for i, (name, _) in enumerate(reads)) + "}")
    head = ["def factory(K):", f"    {', '.join(f'k{i}' for i in range(len(src.constants)))}, = K"]
    return "\n".join(head + src.lines + ["    return read"]) + "\n", src.constants


def _count(src: _Source, target: str, raw: str, known: str, read_count: str, indent: int = 2) -> None:
    """``target`` = the count written in ``raw`` (as ``count_of``), or None."""
    src.add(indent, f"{target} = {known}({raw}) if type({raw}) is str else None")
    src.add(indent, f"if {target} is None:")
    src.add(indent + 1, f"{target} = {read_count}({raw})")


def _count_pair(src: _Source, how: CountPair, v: str, fail: str, make_pair: tuple[str, str, str, str], known: str,
                read_count: str) -> None:
    fallback = src.k(how.fallback)
    src.add(2, f"{v} = None")
    src.add(2, "if type(r) is list and len(r) == 2:")
    src.add(3, "x, y = r")
    _count(src, "a", "x", known, read_count, 3)
    _count(src, "b", "y", known, read_count, 3)
    src.add(3, "if a is not None and b is not None:")
    if not how.may_exceed:
        src.add(4, "if a > b:")
        src.add(5, f"raise {fail}")
    new, kind, set_a, set_b = make_pair
    src.add(4, f"{v} = {new}({kind})")
    src.add(4, f"{set_a}({v}, a)")
    src.add(4, f"{set_b}({v}, b)")
    src.add(2, f"if {v} is None:")
    src.add(3, f"{v} = {fallback}(r)")


def reader(reads: Sequence[tuple[str, FastRead]], unsure: type[Exception], pair: type) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """The generated ``read`` of ``reads`` (see ``generate``), compiled once per source."""
    source, constants = generate(reads, unsure, pair)
    namespace: dict[str, Any] = {}
    exec(_compiled(source), namespace)
    read: Callable[[Mapping[str, Any]], dict[str, Any]] = namespace["factory"](tuple(constants))
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
